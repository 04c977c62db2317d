// The release's links per platform: the artist's list (GET/PUT /v1/campaigns/:id/links), and the fan's tracked
// way out of the smart link, /l/:slug/go/:platform (a CLICK with the visit's attribution, then 302 to the platform),
// which also remembers the fan's platform for the artist when they asked for it.
import { type RequestHandler, Router } from 'express';
import { findCampaign } from '../../db/campaigns';
import { countdownUrlOf, platformLinksOf, replacePlatformLinks, setCountdownUrl } from '../../db/platform-links';
import { releaseLinks } from '../../lib/platforms/catalog-fill';
import { auth } from '../auth';
import { campaignCacheFor } from '../campaign-cache';
import { type AppDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { platformChoiceCookie, platformChoiceScript } from '../pages/platform-links';
import { platformLinksBody, uuidParam } from '../schemas';
import { type Tracking } from '../tracking';
import { parseBody, parseParams } from '../validation';

const CHOICE_MAX_AGE_MS = 180 * 24 * 3600_000;

/** Public: the tracked outbound links and the page script that puts a remembered platform first. */
export function platformLinkRoutes(deps: AppDeps, tracking: Tracking): Router {
  const router = Router();
  const campaigns = campaignCacheFor(deps);
  const secure = deps.config.PUBLIC_URL.startsWith('https:');

  const goToPlatform: RequestHandler = async (req, res) => {
    const cached = await campaigns.bySlug(String(req.params.slug));
    const link = cached?.links.find((l) => l.platform === req.params.platform);
    if (!cached || cached.campaign.status === 'cancelled' || !link) {
      throw new ApiError(404, 'not_found', 'no such release link');
    }
    tracking.click(req, cached.campaign, link.platform, 'listen');
    if (req.query.remember === '1') {
      // Asked for by the fan (the page's unticked box): a preference of theirs for this artist, on our site only.
      res.cookie(platformChoiceCookie(cached.campaign.artistId), link.platform, {
        path: '/',
        maxAge: CHOICE_MAX_AGE_MS,
        sameSite: 'lax',
        secure,
      });
    }
    res.set('Cache-Control', 'private, no-store').redirect(302, link.url);
  };
  router.get('/l/:slug/go/:platform', goToPlatform);
  // The older spelling of the same link (Spotify only then): pages shared before still work.
  router.get('/l/:slug/listen/:platform', goToPlatform);

  router.get('/static/platform-choice.js', (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'public, max-age=3600').send(platformChoiceScript);
  });
  return router;
}

/** Artist key: the campaign's list of platform links. */
export function platformLinkAdminRoutes({ pool }: AppDeps): Router {
  const router = Router();

  const present = async (campaign: NonNullable<Awaited<ReturnType<typeof findCampaign>>>) => {
    const rows = await platformLinksOf(pool, campaign.id);
    const shown = releaseLinks(campaign, rows);
    return {
      spotifyCountdownUrl: await countdownUrlOf(pool, campaign.id),
      links: rows.map((r) => ({
        platform: r.platform,
        url: r.url ?? 'auto',
        /** what the page links to now (a filled link may not be known yet: null) */
        resolvedUrl: shown.find((s) => s.platform === r.platform)?.url ?? null,
      })),
      shown: shown.map((s) => s.platform),
    };
  };

  router.get('/v1/campaigns/:id/links', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const campaign = await findCampaign(pool, auth(res).accountId, id);
    if (!campaign) throw notFound('campaign');
    res.json(await present(campaign));
  });

  router.put('/v1/campaigns/:id/links', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const campaign = await findCampaign(pool, auth(res).accountId, id);
    if (!campaign) throw notFound('campaign');
    const body = parseBody(platformLinksBody, req);
    await replacePlatformLinks(
      pool,
      id,
      body.links.map((l) => ({ platform: l.platform, url: l.url === 'auto' ? null : l.url })),
    );
    if (body.spotifyCountdownUrl !== undefined) await setCountdownUrl(pool, id, body.spotifyCountdownUrl);
    res.json(await present(campaign));
  });
  return router;
}
