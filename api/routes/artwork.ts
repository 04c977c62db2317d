// Artwork on dropday's own origin (../artwork.ts): public, immutable paths a CDN may keep for a year, each answered
// from one indexed read once its size was made; and the artist's upload, behind the API key or the app's session.
//   GET /artwork/:artworkId/:size.jpg                          a stored image (upload, or a catalogue copy)
//   GET /artwork/campaigns/:campaignId/:urlHash/:size.jpg      a campaign's catalogue cover (copied on first use)
//   PUT /v1/campaigns/:id/artwork                              the upload: the raw PNG or JPEG as the body
import express, { type Response, Router } from 'express';
import { z } from 'zod';
import { isArtworkSize, ARTWORK_SIZES } from '../../lib/artwork/rendition';
import { type Artwork, MAX_ARTWORK_BYTES } from '../artwork';
import { auth } from '../auth';
import { ApiError, notFound } from '../errors';
import { storedArtworkSrc } from '../pages/artwork-src';
import { uuidParam } from '../schemas';
import { parseParams } from '../validation';
import { type ArtworkRendition } from '../../db/artwork';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const sizeOf = (file: string) => {
  const m = /^(\d{2,3})\.jpg$/.exec(file);
  const size = Number(m?.[1]);
  return m && isArtworkSize(size) ? size : null;
};

function sendRendition(req: express.Request, res: Response, rendition: ArtworkRendition | null) {
  if (!rendition)
    return res
      .status(404)
      .set('Cache-Control', 'public, max-age=60')
      .json({ error: { code: 'not_found', message: 'no such artwork' } });
  const etag = `"${rendition.etag}"`;
  res.set({
    'Cache-Control': 'public, max-age=31536000, immutable',
    ETag: etag,
    'Content-Type': 'image/jpeg',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.get('if-none-match') === etag) return res.status(304).end();
  res.status(200).send(rendition.bytes);
}

/** Public: before the API key middleware. */
export function artworkRoutes(artwork: Artwork): Router {
  const router = Router();

  router.get('/artwork/:artworkId/:file', async (req, res) => {
    const size = sizeOf(String(req.params.file));
    const id = String(req.params.artworkId);
    if (!size || !UUID.test(id)) return sendRendition(req, res, null);
    sendRendition(req, res, await artwork.rendition(id, size));
  });

  router.get('/artwork/campaigns/:campaignId/:urlHash/:file', async (req, res) => {
    const size = sizeOf(String(req.params.file));
    const id = String(req.params.campaignId);
    const hash = String(req.params.urlHash);
    if (!size || !UUID.test(id) || !/^[0-9a-f]{16}$/.test(hash)) return sendRendition(req, res, null);
    sendRendition(req, res, await artwork.campaignCatalogueRendition(id, hash, size));
  });

  return router;
}

const imageBody = express.raw({ type: ['image/png', 'image/jpeg'], limit: MAX_ARTWORK_BYTES });
export const artworkUploadAnswer = z.object({
  artworkId: z.string().uuid(),
  width: z.number(),
  height: z.number(),
  urls: z.record(z.string(), z.string()),
});

/** Behind the API key (or the app's session with its X-CSRF-Token, for a member who may change campaigns). */
export function artworkUploadRoutes(artwork: Artwork): Router {
  const router = Router();

  router.put('/v1/campaigns/:id/artwork', imageBody, async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const bytes = Buffer.isBuffer(req.body) ? req.body : null;
    const stored = await artwork.upload({ accountId: auth(res).accountId, campaignId: id, bytes });
    if (stored === 'not_found') throw notFound('campaign');
    if (stored === 'no_image')
      throw new ApiError(415, 'unsupported_media_type', 'send the artwork as the body, as image/png or image/jpeg');
    if ('refused' in stored) throw new ApiError(400, stored.refused, stored.message);
    res.status(200).json({
      artworkId: stored.artworkId,
      width: stored.width,
      height: stored.height,
      urls: Object.fromEntries(ARTWORK_SIZES.map((s) => [String(s), storedArtworkSrc(stored.artworkId, s)])),
    } satisfies z.infer<typeof artworkUploadAnswer>);
  });

  return router;
}
