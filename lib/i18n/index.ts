// The fan's language (issue 16): catalogues, negotiation, and dates in the fan's zone. docs/smart-link.md "Languages".
export { type Messages } from './catalogue';
export { DEFAULT_LANGUAGE, LANGUAGES, type Lang, isLanguage, languageOr, messagesFor } from './languages';
export { languageOfTag, negotiateLanguage, parseAcceptLanguage } from './negotiate';
export { formatDate, formatInstant, formatWallClock } from './format';
