// The campaign page's artwork form without JavaScript (docs/artist-app.md, "Artwork"): the browser posts it as
// multipart/form-data (the file and the page's csrf field) to POST /app/campaigns/:id/artwork; the same checks as
// PUT /v1/campaigns/:id/artwork (../artwork.ts), then back to the campaign page (303), or a page that says in words
// what was wrong and changes nothing. With JavaScript, /app/setup.js still sends the file to the /v1 route.
import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import { audit } from '../../db/audit-log';
import { type AppPageKit, mayWrite } from '../app-page-kit';
import { sessionCsrf } from '../app-session';
import { type Artwork, MAX_ARTWORK_BYTES } from '../artwork';
import { type AppDeps } from '../deps';
import { isFormCsrf } from '../http/form-csrf';
import { multipartBoundary, parseMultipart } from '../http/multipart';
import { artworkRefusedPage } from '../pages/app-artwork';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The file's limit and room for the csrf field and the parts' headers. */
const FORM_LIMIT = MAX_ARTWORK_BYTES + 16 * 1024;
const TOO_BIG = 'The file is larger than 10 MB. Choose a smaller PNG or JPEG.';

export function appArtworkRoutes({ pool }: Pick<AppDeps, 'pool'>, kit: AppPageKit, artwork: Artwork): Router {
  const router = Router();
  const raw = express.raw({ type: 'multipart/form-data', limit: FORM_LIMIT });

  /** The refusal as a page: what was wrong, that nothing changed, and the way back to the campaign. */
  const refuse = (req: Request, res: Response, status: number, message: string) => {
    const id = String(req.params.id);
    kit.send(
      res,
      status,
      artworkRefusedPage({
        csrf: sessionCsrf(kit.keys, req) ?? '',
        message,
        back: UUID.test(id) ? `/app/campaigns/${id}` : '/app',
      }),
    );
  };
  /** The whole body in memory, bounded; a body over the limit or unreadable is a page, not the API's JSON. */
  const body: RequestHandler = (req, res, next) =>
    raw(req, res, (error?: unknown) => {
      if (!error) return next();
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') return refuse(req, res, 413, TOO_BIG);
      refuse(req, res, 400, 'The upload did not arrive whole. Choose the file and send the form again.');
    });

  router.post('/app/campaigns/:id/artwork', kit.sameOrigin, body, async (req, res) => {
    const session = await kit.session(req);
    if (!session) return res.redirect(303, '/app');
    if (!mayWrite(session, req))
      return refuse(req, res, 403, 'Viewers cannot change the artwork: ask an owner for the manager role.');
    const boundary = multipartBoundary(req.get('content-type'));
    const parts = boundary && Buffer.isBuffer(req.body) ? parseMultipart(req.body, boundary) : null;
    if (!parts) return refuse(req, res, 415, 'Send the artwork with the form on the campaign page (a file upload).');
    const csrf = parts.find((p) => p.name === 'csrf' && p.filename === null)?.data.toString('utf8');
    if (!isFormCsrf(kit.keys, req, csrf))
      return refuse(req, res, 403, 'This form expired. Open the campaign page again and send it from there.');
    const id = String(req.params.id);
    const file = parts.find((p) => p.name === 'artwork' && p.filename !== null);
    // The body's limit leaves room for the form around the file: the file's own limit is the /v1 upload's.
    if (file && file.data.length > MAX_ARTWORK_BYTES) return refuse(req, res, 413, TOO_BIG);
    const stored = UUID.test(id)
      ? await artwork.upload({ accountId: session.accountId, campaignId: id, bytes: file?.data ?? null })
      : 'not_found';
    if (stored === 'not_found') return refuse(req, res, 404, 'This account has no such campaign.');
    if (stored === 'no_image') return refuse(req, res, 400, 'Choose a PNG or JPEG file first.');
    if ('refused' in stored) return refuse(req, res, 400, sentence(stored.message));
    await audit(pool, {
      action: 'campaign.artwork_upload',
      target: `campaign:${id}`,
      actor: `member:${session.member!.id}`, // mayWrite: only a member's session gets here
      accountId: session.accountId,
    });
    res.redirect(303, `/app/campaigns/${id}`);
  });

  return router;
}

/** The upload's refusal ("artwork must be …") as a sentence on a page. */
const sentence = (message: string) => `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
