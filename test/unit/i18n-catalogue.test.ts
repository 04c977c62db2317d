// Every language's catalogue has every key of the English one (lib/i18n): the type says so at compile time (the
// `@ts-expect-error` below fails `npm run typecheck` should a catalogue with a key missing ever type-check), and this
// test says so at run time, with the parameters each message promises to show actually shown.
import { type Messages } from '../../lib/i18n';
import { en } from '../../lib/i18n/en';
import { LANGUAGES, messagesFor } from '../../lib/i18n/languages';

type Entry = [path: string, value: unknown];

function entries(tree: object, prefix = ''): Entry[] {
  return Object.entries(tree).flatMap(([key, value]): Entry[] =>
    typeof value === 'object' && value !== null ? entries(value, `${prefix}${key}.`) : [[`${prefix}${key}`, value]],
  );
}

// Sample parameters: each distinctive, so a translation that drops one is caught.
const params = {
  artist: 'Luna Vey',
  title: 'Midnight Sun',
  when: 'WHEN-42',
  link: 'https://dropday.example/x',
  platform: 'Deezer',
  platforms: 'Deezer, TIDAL',
  told: 'TOLD-7',
  id: 'REF-1',
  date: 'DATE-9',
  followArtist: true,
};

/** The parameters a message's English text shows (its names, read from the English output). */
function shownParams(message: (p: typeof params) => string): string[] {
  const out = message(params);
  return Object.entries(params)
    .filter(([, v]) => typeof v === 'string' && out.includes(v))
    .map(([k]) => k);
}

describe('message catalogues', () => {
  const reference = entries(en);

  it.each(LANGUAGES)('%s has every key of English, of the same kind, none empty, with the same links', (lang) => {
    const catalogue = entries(messagesFor(lang));
    expect(catalogue.map(([path]) => path).sort()).toEqual(reference.map(([path]) => path).sort());
    const byPath = new Map(catalogue);
    for (const [path, english] of reference) {
      const value = byPath.get(path);
      expect([path, typeof value]).toEqual([path, typeof english]);
      const text = typeof value === 'function' ? (value as (p: typeof params) => string)(params) : String(value);
      expect([path, text.trim().length > 0]).toEqual([path, true]);
      const englishText =
        typeof english === 'function' ? (english as (p: typeof params) => string)(params) : String(english);
      // a [bracketed] part is the message's link: each language keeps exactly as many
      expect([path, (text.match(/\[[^\]]+\]/g) ?? []).length]).toEqual([
        path,
        (englishText.match(/\[[^\]]+\]/g) ?? []).length,
      ]);
      if (typeof english === 'function') {
        for (const name of shownParams(english as (p: typeof params) => string))
          expect([path, name, text.includes(String(params[name as keyof typeof params]))]).toEqual([path, name, true]);
      }
    }
  });

  it('gives each language its own consent version, named by the language', () => {
    const versions = LANGUAGES.map((lang) => messagesFor(lang).consent.version);
    expect(new Set(versions).size).toBe(LANGUAGES.length);
    for (const lang of LANGUAGES) expect(messagesFor(lang).consent.version.startsWith(`${lang}-`)).toBe(true);
  });

  it('falls back to English for a language it does not speak', () => {
    expect(messagesFor('xx')).toBe(en);
    expect(messagesFor(null)).toBe(en);
    expect(messagesFor('ja').languageName).toBe('日本語');
  });

  it('makes a catalogue with a missing key a type error', () => {
    const { switchLanguage: _dropped, ...withoutOne } = en;
    // @ts-expect-error — `switchLanguage` is missing: a catalogue must have every key
    const broken: Messages = withoutOne;
    expect(Object.keys(broken)).not.toContain('switchLanguage');
  });
});
