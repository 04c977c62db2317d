// What the fans' Spotify callback does for a pre-save: the fan, their encrypted tokens and consent time, the
// pre-save, the AUTH event, a word to the release engine when its plan changes, and the thank-you redirect.
// The word is durable: it is queued (release_handoffs) in the pre-save's own transaction, so should the signal
// below never happen (the API dies, Temporal is away) the `release-handoffs` Schedule delivers it.
import { type Response } from 'express';
import { insertEvent } from '../../db/events';
import { storeFanTokens, upsertFan } from '../../db/fans';
import { upsertPresave, waveAlreadyPlanned } from '../../db/presaves';
import { deleteReleaseHandoff, queueReleaseHandoff } from '../../db/release-handoffs';
import { campaignCacheFor } from '../campaign-cache';
import { createConversionTracking } from '../conversions';
import { type AppDeps } from '../deps';
import { FAN_COOKIE } from '../http/cookies';
import { sendPage } from '../pages/send-page';
import { reminderInsteadPage } from '../pages/reminder-form';
import { releaseNotFoundPage } from '../pages/smart-link';
import { type Tracking } from '../tracking';
import { type CompletedSignIn, type SpotifySignIn } from './spotify-fan-sign-in';

// Close to its wave a pre-save always signals, so one committed while the wave drains is not left behind.
const WAVE_MARGIN_MS = 10_000;

export function createPresaveCompletion(deps: AppDeps, signIn: SpotifySignIn, tracking: Tracking) {
  const { pool, keyRing, releaseEngine, logger } = deps;
  const conversions = createConversionTracking(deps);
  const campaigns = campaignCacheFor(deps);
  return async (signedIn: CompletedSignIn, res: Response): Promise<void> => {
    const campaign = signedIn.campaignId ? await campaigns.byId(signedIn.campaignId) : null;
    if (!campaign || campaign.status === 'cancelled') return void sendPage(res, 404, releaseNotFoundPage());
    if (!signedIn.grant) {
      // Declined, or Spotify would not let the fan in: not a dead end, the release-day reminder instead.
      return void sendPage(
        res,
        signedIn.failure === 'unavailable' ? 502 : 200,
        reminderInsteadPage(campaign, signedIn.failure),
      );
    }
    const { tokens, accountId } = signedIn.grant;
    if (!tokens.refreshToken) throw new Error('Spotify returned no refresh token in the code exchange');
    // One transaction, one commit: the fan, their tokens, the pre-save, the word to the release engine when this
    // pre-save changes its plan (a new zone's wave, or a fan whose wave is now: delivered at once; fans joining a
    // wave already planned need no word, which keeps the history small) and the AUTH event.
    const { fanId, presave, handoffId } = await pool.transaction(async (tx) => {
      const id = await upsertFan(tx, { provider: 'spotify', providerUserId: accountId, timeZone: signedIn.timeZone });
      await storeFanTokens(tx, keyRing, id, { ...tokens, refreshToken: tokens.refreshToken!, consentedAt: Date.now() });
      const row = await upsertPresave(tx, { campaignId: campaign.id, fanId: id, platform: 'spotify' });
      const waveSoon = row.dueAt <= Date.now() + WAVE_MARGIN_MS;
      const tell = row.state === 'pending' && (waveSoon || !(await waveAlreadyPlanned(tx, { presaveId: row.id })));
      await insertEvent(tx, {
        campaignId: campaign.id,
        fanId: id,
        type: 'AUTH',
        dedupeKey: `AUTH:${campaign.id}:${id}`,
        platform: 'spotify',
        ...tracking.clientDimensions(res.req),
      });
      return {
        fanId: id,
        presave: row,
        handoffId: tell ? await queueReleaseHandoff(tx, { campaignId: campaign.id, dueAt: row.dueAt }) : null,
      };
    });
    if (handoffId) {
      try {
        await releaseEngine.presaveAdded(campaign, presave.dueAt);
        await deleteReleaseHandoff(pool, handoffId);
      } catch (error) {
        // Stored and queued: the release-handoffs Schedule signals it shortly, so the fan still gets their page.
        logger.warn(
          { err: error, campaignId: campaign.id },
          'release engine not signalled; left to the hand-off Schedule',
        );
      }
    }
    await conversions.presaveCompleted(res.req, campaign, fanId);
    res.cookie(FAN_COOKIE, fanId, {
      httpOnly: true,
      sameSite: 'lax',
      secure: signIn.secureCookie,
      maxAge: 30 * 24 * 3600_000,
      path: '/',
    });
    res.redirect(303, `/l/${campaign.slug}/thanks`);
  };
}
