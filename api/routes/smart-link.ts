// The fan's side: the smart link page, the start of the Spotify sign-in, the OAuth callback and the thank-you
// page. Anything a fan can get wrong (declining, a stale or reused link) ends on a plain page, not a stack trace.
import { randomBytes } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { type Campaign, findCampaignById, findCampaignBySlug, isKnownTimeZone } from '../../db/campaigns';
import { storeFanTokens, upsertFan } from '../../db/fans';
import { consumeOAuthState, saveOAuthState } from '../../db/oauth-states';
import { type DatabasePool, sql } from '../../db/pool';
import { recordEvent, upsertPresave, waveAlreadyPlanned } from '../../db/presaves';
import { codeChallengeS256, createCodeVerifier } from '../../lib/crypto/pkce';
import { SignedValueError, signValue, verifyValue } from '../../lib/crypto/signed-value';
import { SpotifyError } from '../../activities/providers/spotify';
import { type AppDeps } from '../deps';
import { listenPage, messagePage, presavePage, thanksPage } from '../pages/smart-link';

const STATE_TTL_MS = 10 * 60_000;
// Close to its wave a pre-save always signals, so one committed while the wave drains is not left behind.
const WAVE_MARGIN_MS = 10_000;
const FAN_COOKIE = 'play_spotify_uid';
// Binds a sign-in to the browser that started it: the callback must come back with the same nonce in this cookie
// (no login CSRF with someone else's callback URL).
const STATE_COOKIE = 'dd_oauth_state';
// Save the release, follow the artist, and check both (so a retry never saves twice). Nothing else.
export const SPOTIFY_SCOPES = ['user-library-modify', 'user-library-read', 'user-follow-modify', 'user-follow-read'];

const isOpen = (c: Campaign) => c.status !== 'cancelled' && c.status !== 'completed' && Date.now() < c.closesAt;

export function smartLinkRoutes({ pool, keyRing, config, spotify, releaseEngine, logger }: AppDeps): Router {
  const router = Router();
  const redirectUri = `${config.PUBLIC_URL}/oauth/spotify/callback`;
  const secureCookie = config.PUBLIC_URL.startsWith('https://');

  const sendPage = (res: Response, status: number, body: string) => res.status(status).type('html').send(body);
  const notAvailable = (res: Response) =>
    sendPage(res, 404, messagePage('Release not found', 'This link does not lead to a release, or the release was withdrawn.'));

  router.get('/l/:slug', async (req, res) => {
    const campaign = await findCampaignBySlug(pool, req.params.slug);
    if (!campaign || campaign.status === 'cancelled') return notAvailable(res);
    sendPage(res, 200, isOpen(campaign) ? presavePage(campaign) : listenPage(campaign));
  });

  router.get('/l/:slug/presave/spotify', async (req, res) => {
    const campaign = await findCampaignBySlug(pool, req.params.slug);
    if (!campaign || campaign.status === 'cancelled') return notAvailable(res);
    if (!isOpen(campaign)) return res.redirect(303, `/l/${campaign.slug}`);
    const tz = typeof req.query.tz === 'string' ? req.query.tz.slice(0, 64) : '';
    const timeZone = tz && (await isKnownTimeZone(pool, tz)) ? tz : null; // unknown → the campaign's zone
    const nonce = randomBytes(16).toString('base64url');
    const codeVerifier = createCodeVerifier();
    await saveOAuthState(pool, keyRing, { nonce, campaignId: campaign.id, codeVerifier, timeZone, expiresAt: Date.now() + STATE_TTL_MS });
    const state = signValue(config.STATE_SIGNING_SECRET, { n: nonce }, STATE_TTL_MS);
    res.cookie(STATE_COOKIE, nonce, { httpOnly: true, sameSite: 'lax', secure: secureCookie, maxAge: STATE_TTL_MS, path: '/oauth/spotify' });
    res.redirect(302, spotify.authorizeUrl({ redirectUri, scopes: SPOTIFY_SCOPES, state, codeChallenge: codeChallengeS256(codeVerifier) }));
  });

  router.get('/oauth/spotify/callback', async (req: Request, res: Response) => {
    const query = z
      .object({ code: z.string().max(2048).optional(), state: z.string().max(2048).optional(), error: z.string().max(200).optional() })
      .safeParse(req.query);
    if (!query.success || !query.data.state) {
      return sendPage(res, 400, messagePage('Something went wrong', 'This sign-in link is incomplete. Please start again from the release page.'));
    }
    let nonce: string;
    try {
      nonce = verifyValue<{ n: string }>(config.STATE_SIGNING_SECRET, query.data.state).payload.n;
    } catch (error) {
      const expired = error instanceof SignedValueError && error.reason === 'expired';
      return sendPage(res, 400, expired
        ? messagePage('That took a little too long', 'The sign-in expired. Please go back to the release page and try again.')
        : messagePage('Something went wrong', 'This sign-in link is not valid. Please start again from the release page.'));
    }
    if (parseCookie(req.get('cookie'), STATE_COOKIE) !== nonce) {
      return sendPage(res, 400, messagePage('Something went wrong', 'This sign-in was started in another browser. Please start again from the release page.'));
    }
    res.clearCookie(STATE_COOKIE, { path: '/oauth/spotify' });
    const state = await consumeOAuthState(pool, keyRing, nonce);
    if (!state) {
      return sendPage(res, 400, messagePage('Already used', 'This sign-in link was already used. Please start again from the release page.'));
    }
    const campaign = await findCampaignById(pool, state.campaignId);
    if (!campaign || campaign.status === 'cancelled') return notAvailable(res);
    if (query.data.error || !query.data.code) {
      return sendPage(res, 200, messagePage('No pre-save', 'You did not allow access on Spotify, so nothing was saved. You can try again any time from the release page.'));
    }

    let fanId: string;
    try {
      const tokens = await spotify.exchangeCode({ code: query.data.code, redirectUri, codeVerifier: state.codeVerifier });
      const { accountId } = await spotify.me(tokens.accessToken);
      if (!tokens.refreshToken) throw new SpotifyError('bad_request', 'no refresh token in the code exchange');
      fanId = await pool.transaction(async (tx) => {
        const id = await upsertFan(tx, { provider: 'spotify', providerUserId: accountId, timeZone: state.timeZone });
        await storeFanTokens(tx, keyRing, id, { ...tokens, refreshToken: tokens.refreshToken!, consentedAt: Date.now() });
        return id;
      });
    } catch (error) {
      if (!(error instanceof SpotifyError)) throw error;
      logger.warn({ kind: error.kind, status: error.status }, 'spotify sign-in failed');
      return sendPage(res, 502, messagePage('Spotify did not answer', 'We could not complete the sign-in with Spotify. Please try again in a moment.'));
    }

    const presave = await upsertPresave(pool, { campaignId: campaign.id, fanId, platform: 'spotify' });
    await recordEvent(pool, { campaignId: campaign.id, fanId, type: 'AUTH', dedupeKey: `AUTH:${campaign.id}:${fanId}` });
    // Tell the release engine when this pre-save changes its plan: a new zone's wave, or a fan whose wave is now
    // (delivered at once). Fans joining a wave already planned need no signal, which keeps the history small.
    const waveSoon = presave.dueAt <= Date.now() + WAVE_MARGIN_MS;
    if (presave.state === 'pending' && (waveSoon || !(await waveAlreadyPlanned(pool, { presaveId: presave.id })))) {
      await releaseEngine.presaveAdded(campaign, presave.dueAt);
    }
    res.cookie(FAN_COOKIE, fanId, { httpOnly: true, sameSite: 'lax', secure: secureCookie, maxAge: 30 * 24 * 3600_000, path: '/' });
    res.redirect(303, `/l/${campaign.slug}/thanks`);
  });

  router.get('/l/:slug/thanks', async (req, res) => {
    const campaign = await findCampaignBySlug(pool, req.params.slug);
    if (!campaign) return notAvailable(res);
    const fanId = parseCookie(req.get('cookie'), FAN_COOKIE);
    sendPage(res, 200, thanksPage(campaign, fanId ? await dueAtFor(pool, campaign.id, fanId) : null));
  });

  return router;
}

async function dueAtFor(pool: DatabasePool, campaignId: string, fanId: string): Promise<number | null> {
  if (!/^[0-9a-f-]{36}$/.test(fanId)) return null;
  return pool.maybeOneFirst(sql.type(z.object({ dueAt: z.number() }))`
    SELECT due_at AS "dueAt" FROM presaves WHERE campaign_id = ${campaignId} AND fan_id = ${fanId} AND platform = 'spotify'`);
}

function parseCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}
