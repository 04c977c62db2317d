// What the fans' Spotify callback does for a pre-save: the fan, their encrypted tokens and consent time, the
// pre-save with its AUTH event and word to the release engine (./presave-record.ts), and the thank-you redirect.
import { type Response } from 'express';
import { campaignCacheFor } from '../campaign-cache';
import { createConversionTracking } from '../conversions';
import { type AppDeps } from '../deps';
import { FAN_COOKIE } from '../http/cookies';
import { carriedLanguage, withLanguage } from '../http/fan-language';
import { sendPage } from '../pages/send-page';
import { reminderInsteadPage } from '../pages/reminder-form';
import { releaseNotFoundPage } from '../pages/smart-link';
import { type Tracking } from '../tracking';
import { recordPresave } from './presave-record';
import { type CompletedSignIn, type SpotifySignIn } from './spotify-fan-sign-in';

export function createPresaveCompletion(deps: AppDeps, signIn: SpotifySignIn, tracking: Tracking) {
  const conversions = createConversionTracking(deps);
  const campaigns = campaignCacheFor(deps);
  return async (signedIn: CompletedSignIn, res: Response): Promise<void> => {
    const campaign = signedIn.campaignId ? await campaigns.byId(signedIn.campaignId) : null;
    // The fan's language came through the sign-in's state: the pages from here on carry it in their links.
    const language = carriedLanguage(res.req, signedIn.lang);
    if (!campaign || campaign.status === 'cancelled')
      return void sendPage(res, 404, releaseNotFoundPage({ language, path: '/privacy/delete' }));
    if (!signedIn.grant) {
      // Declined, or Spotify would not let the fan in: not a dead end, the release-day reminder instead.
      return void sendPage(
        res,
        signedIn.failure === 'unavailable' ? 502 : 200,
        reminderInsteadPage(campaign, { language, path: `/l/${campaign.slug}` }, signedIn.failure),
      );
    }
    const { tokens, accountId } = signedIn.grant;
    if (!tokens.refreshToken) throw new Error('Spotify returned no refresh token in the code exchange');
    const spotifyFan = {
      provider: 'spotify',
      providerUserId: accountId,
      timeZone: signedIn.timeZone,
      tokens: { ...tokens, refreshToken: tokens.refreshToken, consentedAt: Date.now() },
    };
    // One commit (./presave-record.ts): the fan, their tokens, the pre-save, its AUTH event and word.
    const { fanId } = await recordPresave(deps, tracking, res.req, {
      campaign,
      platform: 'spotify',
      lang: signedIn.lang,
      foreverSave: signedIn.foreverSave,
      fan: { spotify: spotifyFan },
    });
    await conversions.presaveCompleted(res.req, campaign, fanId);
    res.cookie(FAN_COOKIE, fanId, {
      httpOnly: true,
      sameSite: 'lax',
      secure: signIn.secureCookie,
      maxAge: 30 * 24 * 3600_000,
      path: '/',
    });
    res.redirect(303, withLanguage(`/l/${campaign.slug}/thanks`, language));
  };
}
