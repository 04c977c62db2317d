// The fan's Apple Music pre-add (../apple-music-presave.ts): the developer token MusicKit is configured with, the
// page script, and the POST of the Music-User-Token — same-origin only and rate limited like the Spotify start.
import { Router } from 'express';
import { findCampaignBySlug, isKnownTimeZone } from '../../db/campaigns';
import { createAppleMusicPresave } from '../apple-music-presave';
import { createConversionTracking } from '../conversions';
import { type AppDeps } from '../deps';
import { ApiError } from '../errors';
import { FAN_COOKIE, parseCookie } from '../http/cookies';
import { fanLanguage } from '../http/fan-language';
import { requireSameOrigin } from '../http/same-origin';
import { APPLE_MUSIC_SCRIPT_PATH, appleMusicPresaveScript } from '../pages/apple-music-presave';
import { appleMusicPresaveBody } from '../schemas';
import { type Tracking } from '../tracking';
import { jsonBody, parseBody } from '../validation';

export function appleMusicRoutes(deps: AppDeps, tracking: Tracking): Router {
  const { pool, config } = deps;
  const router = Router();
  const presave = createAppleMusicPresave(deps, tracking);
  const conversions = createConversionTracking(deps);
  const secureCookie = config.PUBLIC_URL.startsWith('https://');

  router.get(APPLE_MUSIC_SCRIPT_PATH, (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'public, max-age=3600').send(appleMusicPresaveScript);
  });

  // MusicKit needs the developer token in the browser (Apple designed it to be handed out; it only identifies us).
  router.get('/apple-music/developer-token', (_req, res) => {
    const client = deps.providers.appleMusic;
    if (!client) throw new ApiError(404, 'not_found', 'Apple Music is not configured');
    const { token, expiresAtMs } = client.developerToken();
    res
      .set('Cache-Control', 'no-store')
      .json({ developerToken: token, expiresAt: new Date(expiresAtMs).toISOString() });
  });

  router.post(
    '/l/:slug/presave/apple-music',
    requireSameOrigin(config.PUBLIC_URL),
    jsonBody({ limit: '8kb' }),
    async (req, res) => {
      const body = parseBody(appleMusicPresaveBody, req);
      const campaign = await findCampaignBySlug(pool, String(req.params.slug));
      if (!campaign || campaign.status === 'cancelled') throw new ApiError(404, 'not_found', 'release not found');
      const open = campaign.status !== 'completed' && Date.now() < campaign.closesAt;
      if (!open) throw new ApiError(409, 'presave_closed', 'this release is out: pre-adds are closed');
      const tz = body.timeZone && (await isKnownTimeZone(pool, body.timeZone)) ? body.timeZone : null;
      const cookieFan = parseCookie(req.get('cookie'), FAN_COOKIE);
      tracking.click(req, campaign, 'apple_music', 'presave');
      const result = await presave(req, campaign, {
        musicUserToken: body.musicUserToken,
        timeZone: tz,
        previousFanId: cookieFan && /^[0-9a-f-]{36}$/.test(cookieFan) ? cookieFan : null,
        lang: fanLanguage(req).lang,
        foreverSave: body.foreverSave === true,
      });
      await conversions.presaveCompleted(req, campaign, result.fanId);
      res.cookie(FAN_COOKIE, result.fanId, {
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookie,
        maxAge: 30 * 24 * 3600_000,
        path: '/',
      });
      res.status(201).json({
        platform: 'apple_music',
        storefront: result.storefront,
        dueAt: new Date(result.dueAt).toISOString(),
        preAdded: result.preAdded,
      });
    },
  );

  return router;
}
