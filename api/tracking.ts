// First-party events of the smart link: page views and clicks (buffered, off the request path), and the dimensions
// of a request for the events recorded inline (AUTH, EMAIL_SIGNUP). IP address and user agent are kept only as keyed
// hashes; the country comes from an edge header when one is configured and present.
import { randomUUID } from 'node:crypto';
import { type Request } from 'express';
import { type Campaign } from '../db/campaigns';
import { type EventDimensions } from '../db/events';
import { channelOf, cleanTag, countryOf, hostOrNull, referrerHostOf } from '../lib/attribution/channel';
import { type Config } from '../lib/config';
import { createLookupHasher, lookupHashSecret } from '../lib/crypto/lookup-hash';
import { type EventBuffer } from './event-buffer';

const AD_CLICK_IDS = ['gclid', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'ttclid', 'twclid', 'li_fat_id'];

export function createTracking(config: Config, buffer: EventBuffer) {
  const hash = createLookupHasher(lookupHashSecret(config));
  const ownHost = new URL(config.PUBLIC_URL).hostname.replace(/^www\./, '');
  const countryHeaders = config.COUNTRY_HEADERS.split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);

  /** Who asked, without naming them: keyed hashes of IP and user agent, and the country when the edge tells it. */
  function clientDimensions(req: Request): Pick<EventDimensions, 'country' | 'ipHash' | 'uaHash'> {
    const ua = req.get('user-agent');
    let country: string | null = null;
    for (const header of countryHeaders) country ??= countryOf(req.get(header));
    return {
      country,
      ipHash: req.ip ? hash(`ip:${req.ip}`) : null,
      uaHash: ua ? hash(`ua:${ua.slice(0, 512)}`) : null,
    };
  }

  /**
   * Where the visit came from: UTM tags of the link and the referrer. Links on our own pages carry the original
   * visit's tags and referrer host (`ref`) forward, so a click is attributed like the view it came from.
   */
  function sourceDimensions(
    req: Request,
  ): Pick<EventDimensions, 'source' | 'medium' | 'utmCampaign' | 'channel' | 'referrerHost'> {
    const q = req.query;
    const fromPage = hostOrNull(q.ref);
    const fromHeader = referrerHostOf(req.get('referer'));
    const referrerHost = fromPage ?? (fromHeader === ownHost ? null : fromHeader);
    const utmSource = cleanTag(q.utm_source);
    const utmMedium = cleanTag(q.utm_medium);
    const utmCampaign = cleanTag(q.utm_campaign, false);
    return {
      source: utmSource ?? referrerHost,
      medium: utmMedium,
      utmCampaign,
      referrerHost,
      channel: channelOf(
        {
          utmSource,
          utmMedium,
          utmCampaign,
          referrerHost,
          adClickId: AD_CLICK_IDS.some((k) => typeof q[k] === 'string'),
          fbclid: typeof q.fbclid === 'string',
        },
        ownHost,
      ),
    };
  }

  /** The query our page's links carry so their clicks keep the visit's source (empty when there is none). */
  function linkQuery(req: Request, s = sourceDimensions(req)): string {
    const params = new URLSearchParams();
    if (req.query.utm_source !== undefined && s.source) params.set('utm_source', s.source);
    if (s.medium) params.set('utm_medium', s.medium);
    if (s.utmCampaign) params.set('utm_campaign', s.utmCampaign);
    if (s.referrerHost) params.set('ref', s.referrerHost);
    for (const k of [...AD_CLICK_IDS, 'fbclid']) if (typeof req.query[k] === 'string') params.set(k, '1');
    return params.size ? `?${params.toString()}` : '';
  }

  return {
    clientDimensions,
    sourceDimensions,
    linkQuery,

    /** Dimensions for an event recorded inline (AUTH, EMAIL_SIGNUP). */
    requestDimensions(req: Request): EventDimensions {
      return { ...sourceDimensions(req), ...clientDimensions(req) };
    },

    /**
     * One view of the page: each request is a view of its own (its own id), stored once. Returns the query the
     * page's links carry to keep this visit's source for their clicks (see linkQuery).
     */
    pageView(req: Request, campaign: Campaign): string {
      const source = sourceDimensions(req);
      buffer.add({
        campaignId: campaign.id,
        type: 'PAGE_VIEW',
        dedupeKey: `PAGE_VIEW:${randomUUID()}`,
        ...source,
        ...clientDimensions(req),
      });
      return linkQuery(req, source);
    },

    /** A click on a pre-save button or a listen link of the page. */
    click(
      req: Request,
      campaign: Campaign,
      platform: string,
      action: 'presave' | 'listen',
      more: Record<string, string | boolean> = {},
    ): void {
      buffer.add({
        campaignId: campaign.id,
        type: 'CLICK',
        dedupeKey: `CLICK:${randomUUID()}`,
        platform,
        properties: { ...more, action },
        ...sourceDimensions(req),
        ...clientDimensions(req),
      });
    },
  };
}

export type Tracking = ReturnType<typeof createTracking>;
