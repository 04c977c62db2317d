// What a fan agrees to when subscribing, in the language they read it in: shown on the smart link, stored with
// each subscription as given, with its wording's version (one per language, lib/i18n `consent.version`), so what a
// fan agreed to can be shown later exactly as they saw it. Translations are kept legally equivalent to the English
// and need legal review before production (docs/smart-link.md "Languages").
import { type Lang, messagesFor } from '../../lib/i18n';

export interface ConsentWording {
  text: string;
  version: string;
  lang: Lang;
}

export function consentWording(lang: Lang, artist: string): ConsentWording {
  const { consent } = messagesFor(lang);
  return { text: consent.subscribe({ artist }), version: consent.version, lang };
}
