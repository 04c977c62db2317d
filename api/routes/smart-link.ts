// The fan's side of a campaign: the smart link page, the start of the Spotify sign-in and the thank-you page (what
// the callback does for a pre-save is in ../oauth/presave-completion.ts).
import { type Response, Router } from 'express';
import { type Campaign, findCampaignBySlug, isKnownTimeZone } from '../../db/campaigns';
import { type DatabasePool } from '../../db/pool';
import { presaveDueAt } from '../../db/presaves';
import { offersAppleMusic } from '../apple-music-presave';
import { createConversionTracking } from '../conversions';
import { type AppDeps } from '../deps';
import { FAN_COOKIE, parseCookie } from '../http/cookies';
import { presaveScopes, type SpotifySignIn } from '../oauth/spotify-fan-sign-in';
import { allowMusicKit, appleMusicPresaveButton } from '../pages/apple-music-presave';
import { CONSENT_TEXT } from '../pages/consent';
import { sendPage } from '../pages/send-page';
import { listenPage, presavePage, releaseNotFoundPage, thanksPage } from '../pages/smart-link';
import { type Tracking } from '../tracking';

const isOpen = (c: Campaign) => c.status !== 'cancelled' && c.status !== 'completed' && Date.now() < c.closesAt;

const notAvailable = (res: Response) => sendPage(res, 404, releaseNotFoundPage());

export function smartLinkRoutes(deps: AppDeps, signIn: SpotifySignIn, tracking: Tracking): Router {
  const { pool } = deps;
  const router = Router();
  const conversions = createConversionTracking(deps);
  const appleMusicButton = (res: Response, campaign: Campaign) => {
    if (!offersAppleMusic(campaign, deps.providers.appleMusic)) return undefined;
    allowMusicKit(res, deps.config.APPLE_MUSIC_MUSICKIT_URL, deps.config.APPLE_MUSIC_API_URL);
    return appleMusicPresaveButton(campaign, deps.config.APPLE_MUSIC_MUSICKIT_URL);
  };

  router.get('/l/:slug', async (req, res) => {
    const campaign = await findCampaignBySlug(pool, req.params.slug);
    if (!campaign || campaign.status === 'cancelled') return notAvailable(res);
    const consent = CONSENT_TEXT(campaign.artistName);
    tracking.pageView(req, campaign); // buffered: no database round trip on this path
    const links = tracking.linkQuery(req); // the page's links keep this visit's source for their clicks
    const adMeasurement = await conversions.pageView(req, res, campaign);
    sendPage(
      res,
      200,
      isOpen(campaign)
        ? presavePage(campaign, consent, links, adMeasurement, appleMusicButton(res, campaign))
        : listenPage(campaign, consent, links, adMeasurement),
    );
  });

  router.get('/l/:slug/presave/spotify', async (req, res) => {
    const campaign = await findCampaignBySlug(pool, req.params.slug);
    if (!campaign || campaign.status === 'cancelled') return notAvailable(res);
    if (!isOpen(campaign)) return res.redirect(303, `/l/${campaign.slug}`);
    tracking.click(req, campaign, 'spotify', 'presave');
    const tz = typeof req.query.tz === 'string' ? req.query.tz.slice(0, 64) : '';
    const timeZone = tz && (await isKnownTimeZone(pool, tz)) ? tz : null; // unknown → the campaign's zone
    await signIn.start(res, { purpose: 'presave', campaignId: campaign.id, timeZone, scopes: presaveScopes(campaign) });
  });

  router.get('/l/:slug/thanks', async (req, res) => {
    const campaign = await findCampaignBySlug(pool, req.params.slug);
    if (!campaign) return notAvailable(res);
    const fanId = parseCookie(req.get('cookie'), FAN_COOKIE);
    const adMeasurement = await conversions.thanksPixel(req, res, campaign, fanId);
    sendPage(res, 200, thanksPage(campaign, fanId ? await dueAtFor(pool, campaign.id, fanId) : null, adMeasurement));
  });

  return router;
}

async function dueAtFor(pool: DatabasePool, campaignId: string, fanId: string): Promise<number | null> {
  if (!/^[0-9a-f-]{36}$/.test(fanId)) return null;
  return presaveDueAt(pool, campaignId, fanId);
}
