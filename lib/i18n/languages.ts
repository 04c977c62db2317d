// The languages fans are spoken to in (issue 16, "The fan's language"), each with its catalogue. Adding one: a
// catalogue file declared `: Messages`, its code here — docs/smart-link.md "Languages".
import { type Messages } from './catalogue';
import { de } from './de';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import { ja } from './ja';
import { pt } from './pt';

/** ISO 639-1 codes, in the order the language switch lists them. The first is the default. */
export const LANGUAGES = ['en', 'es', 'pt', 'fr', 'de', 'ja'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Lang = 'en';

const CATALOGUES: Record<Lang, Messages> = { en, es, pt, fr, de, ja };

export const isLanguage = (value: unknown): value is Lang =>
  typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

/** The messages of a language; an unknown or missing one (a row from before languages) gets the default's. */
export function messagesFor(lang: string | null | undefined): Messages {
  return CATALOGUES[isLanguage(lang) ? lang : DEFAULT_LANGUAGE];
}

/** A language stored or passed along (a row, a query): itself when we speak it, else the default. */
export const languageOr = (lang: unknown, fallback: Lang = DEFAULT_LANGUAGE): Lang =>
  isLanguage(lang) ? lang : fallback;
