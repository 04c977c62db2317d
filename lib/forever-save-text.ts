// Every fan-facing word of forever-save (docs/forever-save.md) comes from the message catalogue (lib/i18n, section
// `foreverSave`): the pages (api/pages/forever-save.ts) and the messages (activities/mail.ts) both read it in the
// fan's language. The consent wording is stored with each opt-in as shown, with its version.
import { type Lang, messagesFor } from './i18n';

/**
 * The version of the consent wording in `lang`: bump the number when the wording changes in meaning (each opt-in
 * keeps the version and words it was given). English keeps the version it had before the other languages came.
 */
export function foreverSaveConsentVersion(lang: Lang): string {
  return lang === 'en' ? 'forever-save-1' : `forever-save-1-${lang}`;
}

/** Forever-save's words in the fan's language. */
export function foreverSaveText(lang: Lang) {
  return messagesFor(lang).foreverSave;
}
