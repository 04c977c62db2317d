// The fan's side of a campaign: the smart link page, the start of the Spotify sign-in, what the callback does for
// a pre-save, and the thank-you page.
import { type Response, Router } from 'express';
import { z } from 'zod';
import { type Campaign, findCampaignById, findCampaignBySlug, isKnownTimeZone } from '../../db/campaigns';
import { storeFanTokens, upsertFan } from '../../db/fans';
import { type DatabasePool, sql } from '../../db/pool';
import { insertEvent } from '../../db/events';
import { upsertPresave, waveAlreadyPlanned } from '../../db/presaves';
import { createConversionTracking } from '../conversions';
import { type AppDeps } from '../deps';
import { listenPage, messagePage, presavePage, thanksPage } from '../pages/smart-link';
import { type CompletedSignIn, FAN_COOKIE, parseCookie, PRESAVE_SCOPES, sendPage, type SpotifySignIn } from '../spotify-signin';
import { type Tracking } from '../tracking';
import { CONSENT_TEXT } from './subscribers';

// Close to its wave a pre-save always signals, so one committed while the wave drains is not left behind.
const WAVE_MARGIN_MS = 10_000;

const isOpen = (c: Campaign) => c.status !== 'cancelled' && c.status !== 'completed' && Date.now() < c.closesAt;

const notAvailable = (res: Response) =>
  sendPage(res, 404, messagePage('Release not found', 'This link does not lead to a release, or the release was withdrawn.'));

export function smartLinkRoutes(deps: AppDeps, signIn: SpotifySignIn, tracking: Tracking): Router {
  const { pool } = deps;
  const router = Router();
  const conversions = createConversionTracking(deps);

  router.get('/l/:slug', async (req, res) => {
    const campaign = await findCampaignBySlug(pool, req.params.slug);
    if (!campaign || campaign.status === 'cancelled') return notAvailable(res);
    const consent = CONSENT_TEXT(campaign.artistName);
    tracking.pageView(req, campaign); // buffered: no database round trip on this path
    const links = tracking.linkQuery(req); // the page's links keep this visit's source for their clicks
    const adMeasurement = await conversions.pageView(req, res, campaign);
    sendPage(res, 200, isOpen(campaign) ? presavePage(campaign, consent, links, adMeasurement) : listenPage(campaign, consent, links, adMeasurement));
  });

  router.get('/l/:slug/presave/spotify', async (req, res) => {
    const campaign = await findCampaignBySlug(pool, req.params.slug);
    if (!campaign || campaign.status === 'cancelled') return notAvailable(res);
    if (!isOpen(campaign)) return res.redirect(303, `/l/${campaign.slug}`);
    tracking.click(req, campaign, 'spotify', 'presave');
    const tz = typeof req.query.tz === 'string' ? req.query.tz.slice(0, 64) : '';
    const timeZone = tz && (await isKnownTimeZone(pool, tz)) ? tz : null; // unknown → the campaign's zone
    await signIn.start(res, { purpose: 'presave', campaignId: campaign.id, timeZone, scopes: PRESAVE_SCOPES });
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

/** The callback's pre-save branch: the fan, their encrypted tokens and consent time, the pre-save, the AUTH event. */
export function createPresaveCompletion(deps: AppDeps, signIn: SpotifySignIn, tracking: Tracking) {
  const { pool, keyRing, releaseEngine } = deps;
  const conversions = createConversionTracking(deps);
  return async (signedIn: CompletedSignIn, res: Response): Promise<void> => {
    const campaign = signedIn.campaignId ? await findCampaignById(pool, signedIn.campaignId) : null;
    if (!campaign || campaign.status === 'cancelled') return void notAvailable(res);
    if (!signedIn.grant) {
      return void sendPage(res, 200, messagePage('No pre-save', 'You did not allow access on Spotify, so nothing was saved. You can try again any time from the release page.'));
    }
    const { tokens, accountId } = signedIn.grant;
    if (!tokens.refreshToken) throw new Error('Spotify returned no refresh token in the code exchange');
    const fanId = await pool.transaction(async (tx) => {
      const id = await upsertFan(tx, { provider: 'spotify', providerUserId: accountId, timeZone: signedIn.timeZone });
      await storeFanTokens(tx, keyRing, id, { ...tokens, refreshToken: tokens.refreshToken!, consentedAt: Date.now() });
      return id;
    });
    const presave = await upsertPresave(pool, { campaignId: campaign.id, fanId, platform: 'spotify' });
    await insertEvent(pool, { campaignId: campaign.id, fanId, type: 'AUTH', dedupeKey: `AUTH:${campaign.id}:${fanId}`, platform: 'spotify', ...tracking.clientDimensions(res.req) });
    // Tell the release engine when this pre-save changes its plan: a new zone's wave, or a fan whose wave is now
    // (delivered at once). Fans joining a wave already planned need no signal, which keeps the history small.
    const waveSoon = presave.dueAt <= Date.now() + WAVE_MARGIN_MS;
    if (presave.state === 'pending' && (waveSoon || !(await waveAlreadyPlanned(pool, { presaveId: presave.id })))) {
      await releaseEngine.presaveAdded(campaign, presave.dueAt);
    }
    await conversions.presaveCompleted(res.req, campaign, fanId);
    res.cookie(FAN_COOKIE, fanId, { httpOnly: true, sameSite: 'lax', secure: signIn.secureCookie, maxAge: 30 * 24 * 3600_000, path: '/' });
    res.redirect(303, `/l/${campaign.slug}/thanks`);
  };
}

async function dueAtFor(pool: DatabasePool, campaignId: string, fanId: string): Promise<number | null> {
  if (!/^[0-9a-f-]{36}$/.test(fanId)) return null;
  return pool.maybeOneFirst(sql.type(z.object({ dueAt: z.number() }))`
    SELECT due_at AS "dueAt" FROM presaves WHERE campaign_id = ${campaignId} AND fan_id = ${fanId} AND platform = 'spotify'`);
}
