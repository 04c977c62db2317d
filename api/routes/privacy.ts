// A fan's right to erasure: a page, verification by signing in with the same Spotify account (what the callback then
// does is in ../oauth/deletion-sign-in.ts), and a durable deletion workflow. The request is tracked by an
// unguessable id; the status page shows no personal data.
import { Router } from 'express';
import { z } from 'zod';
import { createDeletionRequest, findDeletionRequest, subscriberWithEmailHash } from '../../db/deletion';
import { queueEmail } from '../../db/outbox';
import { createLookupHasher, lookupHashSecret } from '../../lib/crypto/lookup-hash';
import { SignedValueError, signingKeys } from '../../lib/crypto/signed-value';
import { startContactDeletion } from '../../lib/starters/fan-deletion';
import { activeForeverSavesOfFans } from '../../db/forever-saves';
import { FOREVER_SAVE_STOP_PATH, foreverSaveStopToken } from '../../lib/crypto/forever-save-stop-link';
import { type AppDeps } from '../deps';
import { FAN_COOKIE, parseCookie } from '../http/cookies';
import { foreverSaveDeletionSection } from '../pages/forever-save';
import { deletionEmailForm } from '../schemas';
import { html, page } from '../pages/layout';
import { messagePage } from '../pages/smart-link';
import { sendPage } from '../pages/send-page';
import { type SpotifySignIn } from '../oauth/spotify-fan-sign-in';
import { formBody } from '../validation';

const DELETION_LINK_TTL_MS = 24 * 3600_000;

/** A request's id, or the same 32 hex digits without dashes (Meta's confirmation code), as the id. */
const deletionReference = z
  .string()
  .regex(/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i)
  .transform((s) => s.toLowerCase().replace(/-/g, ''))
  .transform((h) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);

function deletionStatusText(request: { status: string; completedAt: number | null }): string {
  if (request.status === 'completed')
    return `Completed on ${new Date(request.completedAt!).toISOString().slice(0, 10)}: we hold no data about you any more.`;
  if (request.status === 'failed')
    return 'Not completed: the deletion could not be done automatically. Quote this reference when you contact us and we will complete it by hand.';
  return 'In progress: it completes within 30 days of your request, usually within minutes.';
}

export function privacyRoutes({ pool, temporal, config }: AppDeps, signIn: SpotifySignIn): Router {
  const router = Router();
  const hash = createLookupHasher(lookupHashSecret(config));
  const emailHashOf = (token: string): string | null => {
    try {
      const { payload } = signingKeys(config).verify<{ h: unknown }>('deletion-link', token);
      return typeof payload.h === 'string' ? payload.h : null;
    } catch (error) {
      if (error instanceof SignedValueError) return null;
      throw error;
    }
  };

  router.get('/privacy/delete', async (req, res) => {
    // This browser's fan (the pre-save cookie) sees the artists whose next releases we save for them, to stop each.
    const fanId = parseCookie(req.get('cookie'), FAN_COOKIE);
    const optIns =
      fanId && z.string().uuid().safeParse(fanId).success ? await activeForeverSavesOfFans(pool, [fanId]) : [];
    const foreverSaves = foreverSaveDeletionSection(
      optIns.map((o) => ({
        artistName: o.artistName,
        stopAction: `${FOREVER_SAVE_STOP_PATH}/${foreverSaveStopToken(config, o.id)}`,
      })),
    );
    sendPage(
      res,
      200,
      page(
        'Delete my data',
        html`<h1>Delete my data</h1>
<p>Sign in with the Spotify account you pre-saved with, so we know it is you. We then delete your pre-saves, your
Spotify tokens and your activity on our pages — at once, and in any case within 30 days.</p>
<a class="button" href="/privacy/delete/spotify">Verify with Spotify</a>
<p class="note">Signing in here asks for no permission and saves nothing.</p>
<form class="subscribe" method="post" action="/privacy/delete/email">
<p>Gave us only an e-mail address? We send it a link to confirm.</p>
<input type="email" name="email" placeholder="e-mail" required>
<button type="submit">Send me the link</button>
</form>
${foreverSaves}`,
      ),
      { 'Cache-Control': 'private, no-store' },
    );
  });

  // The answer is the same whether or not we hold the address, so nobody learns who subscribed.
  router.post('/privacy/delete/email', formBody({ limit: '2kb' }), async (req, res) => {
    const form = deletionEmailForm.safeParse(req.body ?? {});
    if (!form.success)
      return sendPage(res, 400, messagePage('Not sent', 'That e-mail address does not look right. Nothing was sent.'));
    const emailHash = hash(`email:${form.data.email}`);
    const subscriberId = await subscriberWithEmailHash(pool, emailHash);
    if (subscriberId) {
      const token = signingKeys(config).sign('deletion-link', { h: emailHash }, DELETION_LINK_TTL_MS);
      // One link per address and hour, however often the form is sent.
      await queueEmail(pool, {
        subscriberId,
        template: 'deletion_link',
        kind: 'transactional', // asked for now: it goes out whether or not the address is still subscribed
        data: { token },
        dedupeKey: `deletion-link:${emailHash}:${Math.floor(Date.now() / 3_600_000)}`,
      });
    }
    sendPage(
      res,
      200,
      messagePage(
        'Check your inbox',
        'If we hold data about this address, we have sent it a link to confirm the deletion.',
      ),
    );
  });

  router.get('/privacy/delete/confirm/:token', (req, res) => {
    if (!emailHashOf(req.params.token))
      return sendPage(
        res,
        400,
        messagePage('Link not valid', 'This link is not valid or has expired. Ask for a new one.'),
      );
    // A page with a button, not an action: mail scanners follow links.
    sendPage(
      res,
      200,
      page(
        'Confirm deletion',
        html`<h1>Delete my data</h1>
<form method="post" action="/privacy/delete/confirm/${req.params.token}"><button class="button" type="submit">Delete everything about me</button></form>`,
      ),
    );
  });

  router.post('/privacy/delete/confirm/:token', async (req, res) => {
    const emailHash = emailHashOf(req.params.token);
    if (!emailHash)
      return sendPage(
        res,
        400,
        messagePage('Link not valid', 'This link is not valid or has expired. Ask for a new one.'),
      );
    const requestId = await createDeletionRequest(pool, { subjectHash: emailHash, verifiedBy: 'email_link' });
    await startContactDeletion(temporal, config.TEMPORAL_TASK_QUEUE, { requestId, emailHash });
    res.redirect(303, `/privacy/deletion/${requestId}`);
  });

  router.get('/privacy/delete/spotify', async (_req, res) => {
    await signIn.start(res, { purpose: 'deletion', campaignId: null, timeZone: null, scopes: [] });
  });

  // By the request's id or by the confirmation code Meta shows (the id without dashes). The page says where the
  // request stands and nothing else: no name, no account, nothing of what was erased.
  router.get('/privacy/deletion/:id', async (req, res) => {
    const id = deletionReference.safeParse(req.params.id);
    const request = id.success ? await findDeletionRequest(pool, id.data) : null;
    if (!request)
      return sendPage(res, 404, messagePage('Not found', 'There is no deletion request with this reference.'));
    sendPage(
      res,
      200,
      page(
        'Deletion request',
        html`<h1>Deletion request</h1>
<p>Reference ${request.id}</p>
<p>${deletionStatusText(request)}</p>`,
      ),
    );
  });

  return router;
}
