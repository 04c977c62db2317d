// The channel mapping of smart-link visits (README "Attribution"): UTM medium, then ad click ids, then UTM source,
// then the referrer; nothing at all is direct.
import { channelOf, cleanTag, countryOf, hostOrNull, referrerHostOf } from '../../lib/attribution/channel';

describe('channelOf', () => {
  it.each([
    [{ utmMedium: 'cpc', utmSource: 'google' }, 'paid'],
    [{ utmMedium: 'Paid_Social', utmSource: 'instagram' }, 'paid'],
    [{ utmMedium: 'email', utmSource: 'instagram' }, 'email'],
    [{ utmMedium: 'newsletter' }, 'email'],
    [{ utmMedium: 'social', referrerHost: 'google.com' }, 'social'],
    [{ utmMedium: 'organic' }, 'search'],
    [{ utmMedium: 'affiliate' }, 'referral'],
    [{ adClickId: true, referrerHost: 'google.com' }, 'paid'],
    [{ utmSource: 'tiktok' }, 'social'],
    [{ utmSource: 'mailchimp' }, 'email'],
    [{ utmSource: 'some-blog' }, 'referral'],
    [{ fbclid: true }, 'social'],
    [{ referrerHost: 'l.instagram.com' }, 'social'],
    [{ referrerHost: 't.co' }, 'social'],
    [{ referrerHost: 'google.com' }, 'search'],
    [{ referrerHost: 'google.co.uk' }, 'search'],
    [{ referrerHost: 'duckduckgo.com' }, 'search'],
    [{ referrerHost: 'mail.google.com' }, 'email'],
    [{ referrerHost: 'pitchfork.com' }, 'referral'],
    [{ referrerHost: 'dropday.example' }, 'direct'],
    [{}, 'direct'],
  ])('%j → %s', (visit, channel) => {
    expect(channelOf(visit, 'dropday.example')).toBe(channel);
  });
});

describe('request values', () => {
  it('keeps a referrer host only from http(s) URLs', () => {
    expect(referrerHostOf('https://www.Google.com/search?q=x')).toBe('google.com');
    expect(referrerHostOf('android-app://com.google.android.gm/')).toBeNull();
    expect(referrerHostOf('not a url')).toBeNull();
    expect(referrerHostOf(undefined)).toBeNull();
    expect(hostOrNull('evil.com/<script>')).toBeNull();
  });

  it('accepts ISO 3166-1 alpha-2 countries only', () => {
    expect(countryOf('fr')).toBe('FR');
    expect(countryOf(' DE ')).toBe('DE');
    expect(countryOf('XX')).toBeNull(); // Cloudflare: unknown
    expect(countryOf('T1')).toBeNull(); // Cloudflare: Tor
    expect(countryOf('FRA')).toBeNull();
    expect(countryOf(undefined)).toBeNull();
  });

  it('cleans UTM values: trimmed, bounded, lower case for source and medium', () => {
    expect(cleanTag('  Instagram ')).toBe('instagram');
    expect(cleanTag('Drop Week', false)).toBe('Drop Week');
    expect(cleanTag('a'.repeat(300))).toHaveLength(100);
    expect(cleanTag(['a', 'b'])).toBeNull();
    expect(cleanTag('\u0000\u0001')).toBeNull();
  });
});
