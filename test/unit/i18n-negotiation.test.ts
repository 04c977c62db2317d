// Which language a fan is spoken to in, from Accept-Language (lib/i18n/negotiate.ts): q-values, region fallback,
// malformed and hostile headers; and dates in the fan's own zone and language (lib/i18n/format.ts).
import { formatInstant, formatWallClock, negotiateLanguage, parseAcceptLanguage } from '../../lib/i18n';

describe('language negotiation', () => {
  it.each([
    ['es', 'es'],
    ['pt-BR,pt;q=0.9,en;q=0.8', 'pt'],
    ['de-AT', 'de'],
    ['fr-CA;q=0.8, ja;q=0.9', 'ja'],
    ['zh-CN, ja;q=0.5', 'ja'],
    ['en-GB,en;q=0.9', 'en'],
    ['ja-JP', 'ja'],
    ['nl, sv;q=0.9', 'en'],
    ['*', 'en'],
    ['fr;q=0, de;q=0.1', 'de'],
    ['ES', 'es'],
    ['de;q=0.5, fr;q=0.5', 'de'],
  ])('%s → %s', (header, lang) => {
    expect(negotiateLanguage(header)).toBe(lang);
  });

  it('gives English without a header, and skips malformed ranges and q-values', () => {
    expect(negotiateLanguage(undefined)).toBe('en');
    expect(negotiateLanguage('')).toBe('en');
    expect(negotiateLanguage('<script>, ja')).toBe('ja');
    expect(negotiateLanguage('fr;q=2, de;q=abc, pt;q=0.3')).toBe('pt');
    expect(parseAcceptLanguage('en;q=0.1, es, fr;q=0.5')).toEqual([
      { range: 'es', q: 1 },
      { range: 'fr', q: 0.5 },
      { range: 'en', q: 0.1 },
    ]);
  });

  it('reads no further than the first ranges of a huge header', () => {
    const header = `${Array.from({ length: 5000 }, (_, i) => `x${i}`).join(',')},ja`;
    expect(negotiateLanguage(header)).toBe('en');
    expect(parseAcceptLanguage(header).length).toBeLessThanOrEqual(16);
  });
});

describe('dates in the fan’s zone and language', () => {
  // 2026-12-04T15:00Z is midnight of 5 December in Tokyo, 16:00 of 4 December in Paris.
  const instant = Date.UTC(2026, 11, 4, 15, 0);

  it('shows an instant in the fan’s zone, in their language, with the zone named', () => {
    expect(formatInstant('ja', instant, 'Asia/Tokyo')).toBe('2026年12月5日 0:00 (JST)');
    expect(formatInstant('de', instant, 'Europe/Berlin')).toBe('4. Dezember 2026 um 16:00 (MEZ)');
    expect(formatInstant('en', instant, 'America/New_York')).toMatch(/^December 4, 2026 at 10:00\sAM \(EST\)$/);
    expect(formatInstant('es', instant, 'Not/AZone')).toMatch(/^4 de diciembre de 2026.*15:00 \(UTC\)$/);
  });

  it('shows a local release’s wall-clock moment without a zone', () => {
    expect(formatWallClock('fr', '2026-12-05', '00:00:00')).toBe('5 décembre 2026 à 00:00');
    expect(formatWallClock('pt', '2026-12-05', '00:00')).toBe('5 de dezembro de 2026 às 00:00');
  });
});
