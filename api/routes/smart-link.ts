// The fan's side of a campaign: the smart link page, the start of the Spotify sign-in and the thank-you page (what
// the callback does for a pre-save is in ../oauth/presave-completion.ts).
import { type Request, type Response, Router } from 'express';
import { type DatabasePool } from 'slonik';
import { type Campaign, isKnownTimeZone } from '../../db/campaigns';
import { activeForeverSaveOf } from '../../db/forever-saves';
import { foreverSaveStopLink } from '../../lib/crypto/forever-save-stop-link';
import { presaveDueAt } from '../../db/presaves';
import { offersAppleMusic } from '../apple-music-presave';
import { campaignCacheFor } from '../campaign-cache';
import { createConversionTracking } from '../conversions';
import { type AppDeps } from '../deps';
import { FAN_COOKIE, parseCookie } from '../http/cookies';
import { fanLanguage, rememberLanguage, withLanguage } from '../http/fan-language';
import { presaveScopes, type SpotifySignIn } from '../oauth/spotify-fan-sign-in';
import { allowMusicKit, appleMusicPresaveButton } from '../pages/apple-music-presave';
import { consentWording } from '../pages/consent';
import { foreverSaveBox, foreverSaveThanksNote } from '../pages/forever-save';
import { sendPage } from '../pages/send-page';
import { type FanPage, type Html, html } from '../pages/layout';
import { inAppBrowserOf, inAppBrowserPage, reminderForm } from '../pages/reminder-form';
import { platformButtons, platformChoiceCookie, remindMeNote } from '../pages/platform-links';
import { adConsentCookie } from '../conversions';
import { listenPage, presavePage, releaseNotFoundPage, thanksPage } from '../pages/smart-link';
import { type Tracking } from '../tracking';

const isOpen = (c: Campaign) => c.status !== 'cancelled' && c.status !== 'completed' && Date.now() < c.closesAt;
/** Out on the platforms: the page becomes a plain smart link with every platform (issue 16). */
const isReleased = (c: Campaign) => c.resolution === 'live' && Date.now() >= c.releaseAt;

const notAvailable = (res: Response, fan?: FanPage) => sendPage(res, 404, releaseNotFoundPage(fan));

/** The fan's page at `path`, in the request's language (the switch links to `path` in the others). */
const fanPage = (req: Request, path = req.path): FanPage => ({ language: fanLanguage(req), path });

/**
 * Cookies the fan agreed to for this artist (ad measurement allowed, or a platform choice remembered): only then may
 * a language switch be remembered in a cookie too (../http/fan-language.ts).
 */
const agreedToCookies = (req: Request, campaign: Campaign) => {
  const cookies = req.get('cookie');
  return (
    parseCookie(cookies, adConsentCookie(campaign.artistId)) === 'granted' ||
    parseCookie(cookies, platformChoiceCookie(campaign.artistId)) !== null
  );
};

export function smartLinkRoutes(deps: AppDeps, signIn: SpotifySignIn, tracking: Tracking): Router {
  const { pool, config } = deps;
  const router = Router();
  const conversions = createConversionTracking(deps);
  const campaigns = campaignCacheFor(deps);
  // A page without personal parts may be kept by a CDN in front, briefly (a cancel or a release going live shows
  // within s-maxage + stale-while-revalidate there); browsers always ask again, cheaply with the ETag (304).
  const shared = `public, max-age=0, s-maxage=${config.SMART_LINK_S_MAXAGE}, stale-while-revalidate=${config.SMART_LINK_STALE_WHILE_REVALIDATE}`;

  router.get('/l/:slug', async (req, res) => {
    const language = fanLanguage(req);
    // The page is in the fan's language: a shared cache must keep one copy per Accept-Language (a `?lang=` page is
    // another URL already), on every answer, the 404 too.
    res.vary('Accept-Language');
    const cached = await campaigns.bySlug(req.params.slug);
    if (!cached || cached.campaign.status === 'cancelled') return notAvailable(res, fanPage(req));
    const { campaign } = cached;
    // buffered: no database round trip on this path; the page's links keep this visit's source for their clicks
    const links = tracking.pageView(req, campaign);
    const open = isOpen(campaign) && !isReleased(campaign);
    // The Apple Music pre-add loads MusicKit: the page's CSP lets that script (and its API) in, on every answer.
    const appleMusic = open && offersAppleMusic(campaign, deps.providers.appleMusic);
    if (appleMusic) allowMusicKit(res, config.APPLE_MUSIC_MUSICKIT_URL, config.APPLE_MUSIC_API_URL);
    const fan: FanPage = { language, path: `/l/${campaign.slug}${links}` };
    // The page's own links carry the language when it came from the URL (the switch), so it holds as the fan goes on.
    const render = (adMeasurement?: Html) => {
      const { lang } = language;
      const consent = consentWording(lang, campaign.artistName).text;
      return open
        ? presavePage(campaign, consent, fan, {
            links,
            extra: adMeasurement,
            platforms: html`${remindMeNote(cached.links, cached.countdownUrl, lang)}${reminderForm(campaign, cached.links, consent, fan, links)}`,
            otherPlatforms: appleMusic
              ? appleMusicPresaveButton(campaign, config.APPLE_MUSIC_MUSICKIT_URL, language)
              : undefined,
            foreverSave: foreverSaveBox(campaign.artistName),
          })
        : listenPage(campaign, consent, fan, {
            links,
            extra: adMeasurement,
            platforms: platformButtons(campaign, cached.links, withLanguage(links, language), lang),
          });
    };
    const remembered = rememberLanguage(req, res, language, {
      consented: agreedToCookies(req, campaign),
      secure: config.PUBLIC_URL.startsWith('https://'),
    });
    // Ad measurement (an artist's pixel, a Google ad's click) depends on the visitor's consent cookie and may set
    // cookies: such a page is rendered for them alone, and no shared cache may keep it. So is a page in the language
    // of the fan's cookie, or one that sets it.
    if (campaign.hasMetaPixel || req.query.gclid !== undefined || remembered || language.from === 'cookie') {
      const adMeasurement =
        campaign.hasMetaPixel || req.query.gclid !== undefined
          ? await conversions.pageView(req, res, campaign, language)
          : undefined;
      return sendPage(res, 200, render(adMeasurement), { 'Cache-Control': 'private, no-cache' });
    }
    // The same bytes for everyone with these links and this language: rendered once per campaign state and language
    // (a page whose language came from its URL has links carrying it: a variant of its own).
    const variant = `${language.lang}${language.from === 'url' ? '+url' : ''}:${open ? 'presave' : 'listen'}${links}`;
    const page = cached.page(variant, render);
    sendPage(res, 200, page.body, { 'Cache-Control': shared, ETag: page.etag });
  });

  router.get('/l/:slug/presave/spotify', async (req, res) => {
    const campaign = (await campaigns.bySlug(req.params.slug))?.campaign;
    const language = fanLanguage(req);
    if (!campaign || campaign.status === 'cancelled') return notAvailable(res, fanPage(req));
    if (!isOpen(campaign)) return res.redirect(303, withLanguage(`/l/${campaign.slug}`, language));
    // In-app browsers (Instagram, Facebook, TikTok) get a stop first: the click is counted with the app, and so is
    // the fan's going on anyway (`inapp=continue`); those who do not are the drop-off (analytics `inAppBrowser`).
    const inApp = inAppBrowserOf(req.get('user-agent'));
    const going = req.query.inapp === 'continue';
    tracking.click(req, campaign, 'spotify', 'presave', inApp ? { inAppBrowser: inApp, continued: going } : {});
    if (inApp && !going) {
      const query = new URLSearchParams(req.query as Record<string, string>);
      query.set('inapp', 'continue');
      const continueUrl = `/l/${campaign.slug}/presave/spotify?${query.toString()}`;
      return sendPage(res, 200, inAppBrowserPage(campaign, continueUrl, { language, path: continueUrl }), {
        'Cache-Control': 'private, no-store',
      });
    }
    const tz = typeof req.query.tz === 'string' ? req.query.tz.slice(0, 64) : '';
    const timeZone = tz && (await isKnownTimeZone(pool, tz)) ? tz : null; // unknown → the campaign's zone
    await signIn.start(res, {
      purpose: 'presave',
      campaignId: campaign.id,
      timeZone,
      lang: language.lang,
      scopes: presaveScopes(campaign),
      foreverSave: req.query.forever === '1', // the page's box, ticked (docs/forever-save.md)
    });
  });

  router.get('/l/:slug/thanks', async (req, res) => {
    const campaign = (await campaigns.bySlug(req.params.slug))?.campaign;
    if (!campaign) return notAvailable(res, fanPage(req));
    const fanId = parseCookie(req.get('cookie'), FAN_COOKIE);
    const adMeasurement = await conversions.thanksPixel(req, res, campaign, fanId);
    const platform = req.query.platform === 'apple_music' ? 'apple_music' : 'spotify';
    const known = fanId && /^[0-9a-f-]{36}$/.test(fanId) ? fanId : null;
    const due = known ? await dueAtFor(pool, campaign.id, known, platform) : null;
    const foreverSave = known && (await activeForeverSaveOf(pool, { fanId: known, artistId: campaign.artistId }));
    const path = `/l/${campaign.slug}/thanks${platform === 'apple_music' ? '?platform=apple_music' : ''}`;
    sendPage(
      res,
      200,
      thanksPage(
        campaign,
        due,
        fanPage(req, path),
        adMeasurement,
        foreverSave ? foreverSaveThanksNote(campaign.artistName, foreverSaveStopLink(config, foreverSave)) : undefined,
      ),
      { 'Cache-Control': 'private, no-store' },
    );
  });

  return router;
}

/** When the fan's pre-save is delivered, and the zone to show it in (theirs, else the campaign's). */
async function dueAtFor(
  pool: DatabasePool,
  campaignId: string,
  fanId: string,
  platform: 'spotify' | 'apple_music',
): Promise<{ at: number; zone: string } | null> {
  if (!/^[0-9a-f-]{36}$/.test(fanId)) return null;
  return presaveDueAt(pool, campaignId, fanId, platform);
}
