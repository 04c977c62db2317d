// Where a visit came from: the marketing channel of a smart-link visit, from its UTM parameters, ad click ids and
// referrer. Pure functions (unit tested); the README's "Attribution" section documents the mapping.

/** The channels of migration 008's CHECK constraint. */
export const CHANNELS = ['social', 'email', 'paid', 'search', 'referral', 'direct'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface VisitSource {
  utmSource?: string | null;
  utmMedium?: string | null;
  utmCampaign?: string | null;
  /** an ad platform's click id was present (gclid, dclid, msclkid, ttclid, twclid, li_fat_id) */
  adClickId?: boolean;
  /** Meta's fbclid: added to every outbound Facebook/Instagram link, paid or not */
  fbclid?: boolean;
  referrerHost?: string | null;
}

const MEDIUM_CHANNELS: [RegExp, Channel][] = [
  [
    /^(cpc|ppc|cpm|cpv|cpa|paid|paid[-_ ]?(social|search|media)|display|banner|ads?|sponsored|retargeting|remarketing|video[-_ ]?ads?)$/,
    'paid',
  ],
  [/^(e-?mail|newsletter|mailing|mailchimp|sms|text)$/, 'email'],
  [
    /^(social|social[-_ ]?(media|network|organic)|organic[-_ ]?social|sm|post|story|stories|bio|link[-_ ]?in[-_ ]?bio)$/,
    'social',
  ],
  [/^(organic|search|seo)$/, 'search'],
  [/^(referral|affiliate|partner|blog|press|pr)$/, 'referral'],
];

const SOCIAL_HOSTS = [
  'facebook.com',
  'fb.com',
  'fb.me',
  'messenger.com',
  'instagram.com',
  'threads.net',
  'tiktok.com',
  'twitter.com',
  'x.com',
  't.co',
  'youtube.com',
  'youtu.be',
  'reddit.com',
  'linkedin.com',
  'lnkd.in',
  'snapchat.com',
  'pinterest.com',
  'tumblr.com',
  'discord.com',
  'discord.gg',
  'bsky.app',
  'mastodon.social',
  'whatsapp.com',
  'wa.me',
  't.me',
  'telegram.org',
  'vk.com',
  'weibo.com',
  'linktr.ee',
  'soundcloud.com',
  'bandcamp.com',
  'twitch.tv',
];
const SEARCH_HOSTS = [
  'google',
  'bing.com',
  'duckduckgo.com',
  'yahoo.com',
  'ecosia.org',
  'baidu.com',
  'yandex',
  'naver.com',
  'qwant.com',
  'startpage.com',
  'search.brave.com',
];
const MAIL_HOSTS = [
  'mail.google.com',
  'outlook.live.com',
  'outlook.office.com',
  'outlook.office365.com',
  'mail.yahoo.com',
  'mail.proton.me',
  'mail.aol.com',
  'webmail',
];
const SOCIAL_SOURCES =
  /^(facebook|fb|instagram|ig|threads|tiktok|tt|twitter|x|youtube|yt|reddit|linkedin|snapchat|pinterest|tumblr|discord|bluesky|bsky|mastodon|whatsapp|telegram|linktree|soundcloud|bandcamp|twitch)$/;

const hostMatches = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

/** The channel of a visit. UTM medium wins, then ad click ids, then the UTM source, then the referrer; else direct. */
export function channelOf(visit: VisitSource, ownHost?: string): Channel {
  const medium = visit.utmMedium?.toLowerCase();
  if (medium) {
    for (const [pattern, channel] of MEDIUM_CHANNELS) if (pattern.test(medium)) return channel;
  }
  if (visit.adClickId) return 'paid';
  const source = visit.utmSource?.toLowerCase();
  if (source) {
    if (SOCIAL_SOURCES.test(source)) return 'social';
    if (/^(e-?mail|newsletter|mailchimp|sendgrid|brevo|klaviyo)$/.test(source)) return 'email';
    if (/^(google|bing|duckduckgo|yahoo|ecosia|baidu|yandex)$/.test(source)) return 'search';
  }
  if (visit.fbclid) return 'social';
  const host = visit.referrerHost?.toLowerCase();
  if (host && host !== ownHost) {
    if (MAIL_HOSTS.some((d) => hostMatches(host, d) || host.startsWith(`${d}.`))) return 'email';
    if (SOCIAL_HOSTS.some((d) => hostMatches(host, d))) return 'social';
    if (SEARCH_HOSTS.some((d) => hostMatches(host, d) || host.startsWith(`${d}.`) || host.includes(`.${d}.`)))
      return 'search';
    return 'referral';
  }
  // UTM tags without a recognisable medium or source still name a campaign link someone shared.
  return source || medium ? 'referral' : 'direct';
}

/** A UTM value as stored: trimmed, lower case for source/medium, printable, at most 100 characters. */
export function cleanTag(value: unknown, lowerCase = true): string | null {
  if (typeof value !== 'string') return null;
  const cleaned = value
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 100);
  if (!cleaned) return null;
  return lowerCase ? cleaned.toLowerCase() : cleaned;
}

/** The host of a Referer header, or null when it is missing or not an http(s) URL. */
export function referrerHostOf(referer: string | undefined): string | null {
  if (!referer) return null;
  try {
    const url = new URL(referer);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return hostOrNull(url.hostname);
  } catch {
    return null;
  }
}

/** A plausible host name (what a `ref` link parameter may carry), lower case, without a leading www. */
export function hostOrNull(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const host = value.toLowerCase().replace(/^www\./, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(host) && host.length <= 253 ? host : null;
}

/** ISO 3166-1 alpha-2 from an edge header (Cloudflare's CF-IPCountry and the like); unknown and Tor markers dropped. */
export function countryOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const code = value.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(code) && code !== 'XX' && code !== 'T1' && code !== 'ZZ' ? code : null;
}
