// The release lookup of the app's guided campaign set-up, and the per-fan delivery states as CSV: both thin
// handlers over the same functions the rest of /v1 uses.
import { Router } from 'express';
import { findCampaign } from '../../db/campaigns';
import { listPresaves } from '../../db/presaves';
import { auth } from '../auth';
import { csvCell } from '../csv';
import { type AppDeps } from '../deps';
import { notFound } from '../errors';
import { type Artwork } from '../artwork';
import { storedArtworkSrc } from '../pages/artwork-src';
import { createReleaseLookup } from '../release-lookup';
import { presaveExportQuery, releaseLookupQuery, uuidParam } from '../schemas';
import { parseParams, parseQuery } from '../validation';

const EXPORT_PAGE = 1000;

export function releaseRoutes({ pool, providers }: AppDeps, artwork: Artwork): Router {
  const router = Router();
  const lookup = createReleaseLookup(providers);

  router.get('/v1/releases/lookup', async (req, res) => {
    const release = await lookup(parseQuery(releaseLookupQuery, req));
    if (!release) return res.json({ found: false, release: null });
    // The cover as the app shows it: a copy on our own origin (artworkUrl stays the catalogue's address).
    const copy = release.artworkUrl ? await artwork.catalogueCopy(release.artworkUrl) : null;
    res.json({ found: true, release: { ...release, artworkSrc: copy ? storedArtworkSrc(copy, 96) : null } });
  });

  // Every pre-save's state and reason (no fan data: a fan is the row's id), streamed page by page.
  router.get('/v1/campaigns/:id/presaves.csv', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const { status } = parseQuery(presaveExportQuery, req);
    if (!(await findCampaign(pool, auth(res).accountId, id))) throw notFound('campaign');
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="presaves-${id}.csv"`);
    res.write('id,platform,status,due_at,executed_at,reason\r\n');
    let after: { createdAtKey: string; id: string } | undefined;
    for (;;) {
      const rows = await listPresaves(pool, { campaignId: id, status, after, limit: EXPORT_PAGE });
      res.write(
        rows
          .map((p) =>
            [
              p.id,
              p.platform,
              p.status,
              new Date(p.dueAt).toISOString(),
              p.executedAt === null ? '' : new Date(p.executedAt).toISOString(),
              csvCell(p.reason ?? ''),
            ].join(','),
          )
          .map((line) => `${line}\r\n`)
          .join(''),
      );
      const last = rows.at(-1);
      if (rows.length < EXPORT_PAGE || !last) break;
      after = { createdAtKey: last.createdAtKey, id: last.id };
    }
    res.end();
  });

  return router;
}
