// Ad measurement on the fan's pages: the artist's Meta pixel in the browser and the same events, with the same
// event_id, queued for Meta's Conversions API from the server (sent by conversionDeliveryWorkflow); and, for a fan who
// came from the artist's Google ad (gclid), Google Ads offline click conversions queued for the same workflow.
//
// Consent: nothing happens until the fan says yes. Where the artist set a pixel (or the visit carries a gclid and
// the artist set a Google conversion action with Google Ads connected), the smart link asks once, naming who is
// told; the answer is kept in a first-party cookie. Only with "allow" does the page load the pixel, set _fbp/_fbc
// (7 days) and gclid (90 days, only when Google is told), and queue server events: PageView, Lead (a pre-save
// completed) and CompleteRegistration (a sign-up, its e-mail/phone SHA-256 hashed), held until the subscriber
// confirms (double opt-in). Google learns of the pre-save and of the confirmed sign-up, by gclid only. Only these
// first-party events go out — never Spotify listening data.
import { addContentSecuritySources } from './http/content-security';
import { randomInt, randomUUID } from 'node:crypto';
import { signingKeys } from '../lib/crypto/signed-value';
import { type Request, type Response } from 'express';
import { capiUserData } from '../lib/providers/meta-conversions';
import { type Campaign } from '../db/campaigns';
import { findMetaPixel, type MetaPixel, queueConversion, releaseHeldConversions } from '../db/conversions';
import {
  googleConversionDestination,
  queueGoogleClickConversion,
  releaseHeldGoogleConversions,
} from '../db/google-conversions';
import { type DatabaseTransactionConnection } from 'slonik';
import { hasPresaved } from '../db/presaves';
import { type AppDeps } from './deps';
import { type Html, html } from './pages/layout';
import { parseCookie } from './http/cookies';
import { type FanLanguage, withLanguage } from './http/fan-language';
import { messagesFor } from '../lib/i18n';

/**
 * The fan's answer for one artist (the question names the artist): `dd_ad_consent_<artist id without dashes>`, so
 * allowing one artist's measurement says nothing about another's.
 */
export const adConsentCookie = (artistId: string) => `dd_ad_consent_${artistId.replace(/-/g, '')}`;
export const AD_CONSENT_MAX_AGE_MS = 180 * 24 * 3600_000;
export const FB_COOKIE_MAX_AGE_MS = 7 * 24 * 3600_000;
export const GCLID_COOKIE_MAX_AGE_MS = 90 * 24 * 3600_000;
export const AD_COOKIES = ['_fbp', '_fbc', 'gclid'];

const CLICK_ID = /^[A-Za-z0-9_-]{1,500}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// What of the page's query goes to Meta in event_source_url: ad click ids and UTM tags, nothing a fan could add.
const SOURCE_URL_PARAMS = ['fbclid', 'gclid', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'];
const FBP = /^fb\.\d\.\d{10,16}\.\d{1,20}$/;
const FBC = /^fb\.\d\.\d{10,16}\.[A-Za-z0-9_-]{1,500}$/;

type EventName = 'PageView' | 'Lead' | 'CompleteRegistration';

const clickId = (value: unknown) => (typeof value === 'string' && CLICK_ID.test(value) ? value : null);

/** Adds Meta's hosts to this response's Content-Security-Policy (set by helmet), only on pages that load the pixel. */
export function allowMetaPixel(res: Response): void {
  addContentSecuritySources(res, {
    'script-src': ['https://connect.facebook.net'],
    'img-src': ['https://www.facebook.com'],
    'connect-src': ['https://www.facebook.com', 'https://connect.facebook.net'],
  });
}

function pixelSnippet(pixelId: string, eventName: EventName, eventId: string): Html {
  return html`<div id="meta-pixel" hidden data-pixel-id="${pixelId}" data-event-name="${eventName}" data-event-id="${eventId}"></div>
<script src="/static/meta-pixel.js"></script>
<noscript><img hidden height="1" width="1" alt="" src="https://www.facebook.com/tr?id=${pixelId}&ev=${eventName}&eid=${eventId}&noscript=1"></noscript>`;
}

/** Exactly who learns what, with the fan's OK: only the platforms this artist measures with. */
function whoIsTold(campaign: Campaign, told: { meta: boolean; google: boolean }, language: FanLanguage): string {
  const t = messagesFor(language.lang).adConsent;
  return [told.meta && t.toldMeta, told.google && t.toldGoogle({ artist: campaign.artistName })]
    .filter(Boolean)
    .join('; ');
}

function consentBanner(
  campaign: Campaign,
  query: { fbclid: string | null; gclid: string | null },
  told: { meta: boolean; google: boolean },
  language: FanLanguage,
): Html {
  const t = messagesFor(language.lang).adConsent;
  return html`<form class="ad-consent" method="post" action="${withLanguage(`/l/${campaign.slug}/ad-consent`, language)}">
<p>${t.question({ artist: campaign.artistName, told: whoIsTold(campaign, told, language) })}</p>
${query.fbclid ? html`<input type="hidden" name="fbclid" value="${query.fbclid}">` : ''}${query.gclid ? html`<input type="hidden" name="gclid" value="${query.gclid}">` : ''}
<button type="submit" name="choice" value="allow">${t.allow}</button> <button type="submit" name="choice" value="deny">${t.deny}</button>
</form>`;
}

export function createConversionTracking({ pool, keyRing, config, logger }: AppDeps) {
  const secure = config.PUBLIC_URL.startsWith('https://');
  const cookie = (res: Response, name: string, value: string, maxAge: number, httpOnly: boolean) =>
    res.cookie(name, value, { maxAge, httpOnly, sameSite: 'lax', secure, path: '/' });
  /** Deterministic per occurrence, so a reloaded thank-you page fires the same event the server queued. */
  const eventIdFor = (name: EventName, key: string) =>
    signingKeys(config).mac('conversion-event-id', `conversion:${name}:${key}`).slice(0, 32);
  const consent = (req: Request, campaign: Campaign) =>
    parseCookie(req.get('cookie'), adConsentCookie(campaign.artistId));
  const granted = (req: Request, campaign: Campaign) => consent(req, campaign) === 'granted';

  /** The fan's Google click, when it may be told: consent, the gclid cookie, and somewhere to send it. */
  async function googleClick(req: Request, campaign: Campaign): Promise<string | null> {
    const gclid = clickId(parseCookie(req.get('cookie'), 'gclid'));
    if (!gclid || !granted(req, campaign)) return null;
    return (await googleConversionDestination(pool, campaign.artistId)) ? gclid : null;
  }

  const logQueueFailure = (campaign: Campaign, eventName: string) => (error: unknown) =>
    logger.error({ err: error, campaignId: campaign.id, eventName }, 'could not queue a conversion event');

  async function queue(
    req: Request,
    campaign: Campaign,
    pixel: MetaPixel,
    event: {
      name: EventName;
      id: string;
      sourceUrl: string;
      fbc?: string | null;
      fbp?: string | null;
      email?: string | null;
      phone?: string | null;
      fanId?: string | null;
      subscriberId?: string | null;
      held?: boolean;
    },
  ) {
    const userAgent = req.get('user-agent');
    if (!userAgent) return; // action_source "website" requires it: nothing Meta would accept
    const cookies = req.get('cookie');
    const fbc = event.fbc ?? parseCookie(cookies, '_fbc');
    const fbp = event.fbp ?? parseCookie(cookies, '_fbp');
    // Measurement never breaks the fan's page or pre-save: a failure to queue is logged, not thrown below.
    await queueConversion(pool, keyRing, {
      artistId: campaign.artistId,
      campaignId: campaign.id,
      fanId: event.fanId,
      subscriberId: event.subscriberId,
      pixelId: pixel.pixelId,
      eventName: event.name,
      eventId: event.id,
      eventTime: Date.now(),
      eventSourceUrl: event.sourceUrl.slice(0, 2000),
      userData: capiUserData({
        email: event.email,
        phone: event.phone,
        fbc: fbc && FBC.test(fbc) ? fbc : null,
        fbp: fbp && FBP.test(fbp) ? fbp : null,
        ip: req.ip,
        userAgent: userAgent.slice(0, 1000),
      }),
      held: event.held,
    }).catch(logQueueFailure(campaign, event.name));
  }

  const landingUrl = (campaign: Campaign, req?: Request) => {
    const url = new URL(`${config.PUBLIC_URL}/l/${campaign.slug}`);
    for (const name of SOURCE_URL_PARAMS) {
      const value = req?.query[name];
      if (typeof value === 'string' && value.length <= 500) url.searchParams.set(name, value);
    }
    return url.toString();
  };

  return {
    /**
     * The smart link's part: the consent question, or (consent given) the first-party cookies, the pixel with a
     * PageView whose event_id is generated here, and the same PageView queued for the Conversions API.
     */
    async pageView(req: Request, res: Response, campaign: Campaign, language: FanLanguage): Promise<Html> {
      const query = { fbclid: clickId(req.query.fbclid), gclid: clickId(req.query.gclid) };
      // Folded into the campaign's own query, so a page without a pixel costs no extra round trip.
      const pixel = campaign.hasMetaPixel ? await findMetaPixel(pool, campaign.artistId) : null;
      // A gclid is kept only when Google is told: the artist set a conversion action and Google Ads is connected.
      const google = query.gclid !== null && (await googleConversionDestination(pool, campaign.artistId)) !== null;
      if (!pixel && !google) return html``;
      const choice = consent(req, campaign);
      if (choice !== 'granted')
        return choice === 'denied'
          ? html``
          : consentBanner(campaign, query, { meta: Boolean(pixel), google }, language);
      if (google) cookie(res, 'gclid', query.gclid!, GCLID_COOKIE_MAX_AGE_MS, true);
      if (!pixel) return html``;

      const cookies = req.get('cookie');
      const oldFbp = parseCookie(cookies, '_fbp');
      const fbp =
        oldFbp && FBP.test(oldFbp) ? oldFbp : `fb.1.${Date.now()}.${randomInt(1_000_000_000, 10_000_000_000)}`;
      const oldFbc = parseCookie(cookies, '_fbc');
      const fbc = query.fbclid
        ? oldFbc && FBC.test(oldFbc) && oldFbc.endsWith(`.${query.fbclid}`)
          ? oldFbc
          : `fb.1.${Date.now()}.${query.fbclid}`
        : oldFbc && FBC.test(oldFbc)
          ? oldFbc
          : null;
      cookie(res, '_fbp', fbp, FB_COOKIE_MAX_AGE_MS, false); // the browser pixel reads them too
      if (fbc) cookie(res, '_fbc', fbc, FB_COOKIE_MAX_AGE_MS, false);

      const eventId = randomUUID();
      await queue(req, campaign, pixel, {
        name: 'PageView',
        id: eventId,
        sourceUrl: landingUrl(campaign, req),
        fbc,
        fbp,
      });
      allowMetaPixel(res);
      return html`${pixelSnippet(pixel.pixelId, 'PageView', eventId)}
<form class="ad-consent" method="post" action="/l/${campaign.slug}/ad-consent"><button type="submit" name="choice" value="deny">Stop ad measurement</button></form>`;
    },

    /** A pre-save completed (the Spotify callback): a Lead, queued with the id the thank-you page fires, and the
     * Google click conversion of a fan who came from the artist's Google ad. */
    async presaveCompleted(req: Request, campaign: Campaign, fanId: string): Promise<void> {
      if (!granted(req, campaign)) return;
      const gclid = await googleClick(req, campaign);
      if (gclid)
        await queueGoogleClickConversion(pool, keyRing, {
          artistId: campaign.artistId,
          campaignId: campaign.id,
          fanId,
          dedupeKey: `presave:${campaign.id}:${fanId}`,
          gclid,
        }).catch(logQueueFailure(campaign, 'GooglePresave'));
      const pixel = await findMetaPixel(pool, campaign.artistId);
      if (!pixel) return;
      await queue(req, campaign, pixel, {
        name: 'Lead',
        id: eventIdFor('Lead', `${campaign.id}:${fanId}`),
        sourceUrl: landingUrl(campaign),
        fanId,
      });
    },

    /** The thank-you page's pixel: the Lead of this fan's pre-save, with the id the server queued. */
    async thanksPixel(req: Request, res: Response, campaign: Campaign, fanId: string | null): Promise<Html> {
      if (!fanId || !UUID.test(fanId) || !granted(req, campaign)) return html``;
      const pixel = await findMetaPixel(pool, campaign.artistId);
      if (!pixel || !(await hasPresaved(pool, campaign.id, fanId))) return html``;
      allowMetaPixel(res);
      return pixelSnippet(pixel.pixelId, 'Lead', eventIdFor('Lead', `${campaign.id}:${fanId}`));
    },

    /**
     * A subscribe form sent: nothing is told yet. With consent, CompleteRegistration (hashed e-mail/phone) and the
     * Google click conversion are queued held, for `subscriptionConfirmed` to release.
     */
    async signupPosted(
      req: Request,
      campaign: Campaign,
      subscriber: { id: string; email?: string; phone?: string },
    ): Promise<void> {
      if (!granted(req, campaign)) return;
      const gclid = await googleClick(req, campaign);
      if (gclid)
        await queueGoogleClickConversion(pool, keyRing, {
          artistId: campaign.artistId,
          campaignId: campaign.id,
          subscriberId: subscriber.id,
          dedupeKey: `signup:${subscriber.id}`,
          gclid,
          held: true,
        }).catch(logQueueFailure(campaign, 'GoogleSignup'));
      const pixel = await findMetaPixel(pool, campaign.artistId);
      if (!pixel) return;
      await queue(req, campaign, pixel, {
        name: 'CompleteRegistration',
        id: eventIdFor('CompleteRegistration', subscriber.id),
        sourceUrl: landingUrl(campaign),
        email: subscriber.email,
        phone: subscriber.phone,
        subscriberId: subscriber.id,
        held: true,
      });
    },

    /**
     * The subscriber confirmed (in `tx`, with the confirmation): what was held for them goes out, and where this
     * browser allowed ad measurement its pixel fires the same CompleteRegistration.
     */
    async subscriptionConfirmed(
      tx: DatabaseTransactionConnection,
      req: Request,
      res: Response,
      campaign: Campaign,
      subscriberId: string,
    ): Promise<Html> {
      await releaseHeldGoogleConversions(tx, subscriberId);
      const released = await releaseHeldConversions(tx, subscriberId);
      if (released === 0 || !granted(req, campaign)) return html``;
      const pixel = await findMetaPixel(tx, campaign.artistId);
      if (!pixel) return html``;
      allowMetaPixel(res);
      return pixelSnippet(pixel.pixelId, 'CompleteRegistration', eventIdFor('CompleteRegistration', subscriberId));
    },
  };
}

export type ConversionTracking = ReturnType<typeof createConversionTracking>;
