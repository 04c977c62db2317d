// The fan's side of a campaign: the smart link page, the start of the Spotify sign-in and the thank-you page (what
// the callback does for a pre-save is in ../oauth/presave-completion.ts).
import { type Response, Router } from 'express';
import { type Campaign, isKnownTimeZone } from '../../db/campaigns';
import { activeForeverSaveOf } from '../../db/forever-saves';
import { foreverSaveStopLink } from '../../lib/crypto/forever-save-stop-link';
import { presaveDueAt } from '../../db/presaves';
import { offersAppleMusic } from '../apple-music-presave';
import { campaignCacheFor } from '../campaign-cache';
import { createConversionTracking } from '../conversions';
import { type AppDeps } from '../deps';
import { FAN_COOKIE, parseCookie } from '../http/cookies';
import { presaveScopes, type SpotifySignIn } from '../oauth/spotify-fan-sign-in';
import { allowMusicKit, appleMusicPresaveButton } from '../pages/apple-music-presave';
import { CONSENT_TEXT } from '../pages/consent';
import { foreverSaveBox, foreverSaveThanksNote } from '../pages/forever-save';
import { sendPage } from '../pages/send-page';
import { type Html, html } from '../pages/layout';
import { inAppBrowserOf, inAppBrowserPage, reminderForm } from '../pages/reminder-form';
import { platformButtons, remindMeNote } from '../pages/platform-links';
import { listenPage, presavePage, releaseNotFoundPage, thanksPage } from '../pages/smart-link';
import { type Tracking } from '../tracking';

const isOpen = (c: Campaign) => c.status !== 'cancelled' && c.status !== 'completed' && Date.now() < c.closesAt;
/** Out on the platforms: the page becomes a plain smart link with every platform (issue 16). */
const isReleased = (c: Campaign) => c.resolution === 'live' && Date.now() >= c.releaseAt;

const notAvailable = (res: Response) => sendPage(res, 404, releaseNotFoundPage());

export function smartLinkRoutes(deps: AppDeps, signIn: SpotifySignIn, tracking: Tracking): Router {
  const { pool, config } = deps;
  const router = Router();
  const conversions = createConversionTracking(deps);
  const campaigns = campaignCacheFor(deps);
  // A page without personal parts may be kept by a CDN in front, briefly (a cancel or a release going live shows
  // within s-maxage + stale-while-revalidate there); browsers always ask again, cheaply with the ETag (304).
  const shared = `public, max-age=0, s-maxage=${config.SMART_LINK_S_MAXAGE}, stale-while-revalidate=${config.SMART_LINK_STALE_WHILE_REVALIDATE}`;

  router.get('/l/:slug', async (req, res) => {
    const cached = await campaigns.bySlug(req.params.slug);
    if (!cached || cached.campaign.status === 'cancelled') return notAvailable(res);
    const { campaign } = cached;
    // buffered: no database round trip on this path; the page's links keep this visit's source for their clicks
    const links = tracking.pageView(req, campaign);
    const open = isOpen(campaign) && !isReleased(campaign);
    // The Apple Music pre-add loads MusicKit: the page's CSP lets that script (and its API) in, on every answer.
    const appleMusic = open && offersAppleMusic(campaign, deps.providers.appleMusic);
    if (appleMusic) allowMusicKit(res, config.APPLE_MUSIC_MUSICKIT_URL, config.APPLE_MUSIC_API_URL);
    const render = (adMeasurement?: Html) => {
      const consent = CONSENT_TEXT(campaign.artistName);
      return open
        ? presavePage(campaign, consent, {
            links,
            extra: adMeasurement,
            platforms: html`${remindMeNote(cached.links, cached.countdownUrl)}${reminderForm(campaign, cached.links, consent, links)}`,
            otherPlatforms: appleMusic ? appleMusicPresaveButton(campaign, config.APPLE_MUSIC_MUSICKIT_URL) : undefined,
            foreverSave: foreverSaveBox(campaign.artistName),
          })
        : listenPage(campaign, consent, {
            links,
            extra: adMeasurement,
            platforms: platformButtons(campaign, cached.links, links),
          });
    };
    // Ad measurement (an artist's pixel, a Google ad's click) depends on the visitor's consent cookie and may set
    // cookies: such a page is rendered for them alone, and no shared cache may keep it.
    if (campaign.hasMetaPixel || req.query.gclid !== undefined) {
      const adMeasurement = await conversions.pageView(req, res, campaign);
      return sendPage(res, 200, render(adMeasurement), { 'Cache-Control': 'private, no-cache' });
    }
    // The same bytes for everyone with these links: rendered once per campaign state.
    const page = cached.page(`${open ? 'presave' : 'listen'}${links}`, render);
    sendPage(res, 200, page.body, { 'Cache-Control': shared, ETag: page.etag });
  });

  router.get('/l/:slug/presave/spotify', async (req, res) => {
    const campaign = (await campaigns.bySlug(req.params.slug))?.campaign;
    if (!campaign || campaign.status === 'cancelled') return notAvailable(res);
    if (!isOpen(campaign)) return res.redirect(303, `/l/${campaign.slug}`);
    // In-app browsers (Instagram, Facebook, TikTok) get a stop first: the click is counted with the app, and so is
    // the fan's going on anyway (`inapp=continue`); those who do not are the drop-off (analytics `inAppBrowser`).
    const inApp = inAppBrowserOf(req.get('user-agent'));
    const going = req.query.inapp === 'continue';
    tracking.click(req, campaign, 'spotify', 'presave', inApp ? { inAppBrowser: inApp, continued: going } : {});
    if (inApp && !going) {
      const query = new URLSearchParams(req.query as Record<string, string>);
      query.set('inapp', 'continue');
      const continueUrl = `/l/${campaign.slug}/presave/spotify?${query.toString()}`;
      return sendPage(res, 200, inAppBrowserPage(campaign, continueUrl), { 'Cache-Control': 'private, no-store' });
    }
    const tz = typeof req.query.tz === 'string' ? req.query.tz.slice(0, 64) : '';
    const timeZone = tz && (await isKnownTimeZone(pool, tz)) ? tz : null; // unknown → the campaign's zone
    await signIn.start(res, {
      purpose: 'presave',
      campaignId: campaign.id,
      timeZone,
      scopes: presaveScopes(campaign),
      foreverSave: req.query.forever === '1', // the page's box, ticked (docs/forever-save.md)
    });
  });

  router.get('/l/:slug/thanks', async (req, res) => {
    const campaign = (await campaigns.bySlug(req.params.slug))?.campaign;
    if (!campaign) return notAvailable(res);
    const fanId = parseCookie(req.get('cookie'), FAN_COOKIE);
    const adMeasurement = await conversions.thanksPixel(req, res, campaign, fanId);
    const known = fanId && /^[0-9a-f-]{36}$/.test(fanId) ? fanId : null;
    const foreverSave = known && (await activeForeverSaveOf(pool, { fanId: known, artistId: campaign.artistId }));
    sendPage(
      res,
      200,
      thanksPage(
        campaign,
        known ? await presaveDueAt(pool, campaign.id, known) : null,
        adMeasurement,
        foreverSave ? foreverSaveThanksNote(campaign.artistName, foreverSaveStopLink(config, foreverSave)) : undefined,
      ),
      { 'Cache-Control': 'private, no-store' },
    );
  });

  return router;
}
