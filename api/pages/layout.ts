// Minimal server-rendered pages for fans. Every interpolated value goes through html``, which escapes it. A fan's
// page speaks their language (../http/fan-language.ts): its `lang` attribute, and a switch to every other language.
import { LANGUAGES, type Lang, messagesFor } from '../../lib/i18n';
import { type FanLanguage } from '../http/fan-language';

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => escapes[c]);

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  values.forEach((value, i) => {
    const rendered = Array.isArray(value)
      ? value.map((v) => (v instanceof Html ? v.value : escape(String(v)))).join('')
      : value instanceof Html
        ? value.value
        : value === null || value === undefined || value === false
          ? ''
          : escape(String(value));
    out += rendered + strings[i + 1];
  });
  return new Html(out);
}

/** A whole HTML document: our own stylesheet and (optional) script only, as the CSP allows. */
/** `refreshTo`: a path of ours the page moves on to at once (a navigation the page starts, so it is same-site). */
export function htmlDocument(input: {
  title: string;
  stylesheet: string;
  body: Html;
  script?: string;
  refreshTo?: string;
  lang?: Lang;
}): string {
  return html`<!doctype html>
<html lang="${input.lang ?? 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${
  input.refreshTo
    ? html`<meta http-equiv="refresh" content="0;url=${input.refreshTo}">
`
    : ''
}<title>${input.title}</title>
<link rel="stylesheet" href="${input.stylesheet}">
</head>
<body>
${input.body}
${input.script ? html`<script src="${input.script}"></script>` : ''}
</body>
</html>`.value;
}

/** Who a fan's page is for: their language, and the address the language switch links to. */
export interface FanPage {
  language: FanLanguage;
  /** this page's GET address (path and query): the switch links to it with `lang` set */
  path: string;
}

/** `path` with `lang` set to `lang` (other query parameters kept). */
export function pathInLanguage(path: string, lang: Lang): string {
  const url = new URL(path, 'http://page.invalid');
  url.searchParams.set('lang', lang);
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Links to this page in every language, each named in its own language (and marked as such for screen readers). */
function languageSwitch(fan: FanPage): Html {
  const t = messagesFor(fan.language.lang);
  const links = LANGUAGES.map((lang) =>
    lang === fan.language.lang
      ? html`<a href="${pathInLanguage(fan.path, lang)}" lang="${lang}" hreflang="${lang}" aria-current="page">${messagesFor(lang).languageName}</a>`
      : html`<a href="${pathInLanguage(fan.path, lang)}" lang="${lang}" hreflang="${lang}" rel="alternate">${messagesFor(lang).languageName}</a>`,
  );
  return html`<nav class="languages" aria-label="${t.switchLanguage}">${links}</nav>`;
}

/** A message with its [bracketed] part as a link to `href` (the catalogues mark links so; ./../../lib/i18n/en.ts). */
export function linked(message: string, href: string, attributes: { className?: string } = {}): Html {
  const match = /^(.*?)\[([^\]]+)\](.*)$/s.exec(message);
  if (!match) return html`${message}`;
  const [, before, text, after] = match;
  return html`${before}<a href="${href}"${attributes.className ? html` class="${attributes.className}"` : ''}>${text}</a>${after}`;
}

/** A message meant as plain text (an e-mail, a title): its link brackets dropped. */
export const unlinked = (message: string) => message.replace(/\[([^\]]+)\]/g, '$1');

/**
 * An instant shown in the fan's zone: rendered here in `zone` (the fan's when known, else the campaign's), and again
 * by the page's script in the browser's own zone and the page's language (/static/smart-link.js).
 */
export function instant(text: string, instantMs: number): Html {
  return html`<time datetime="${new Date(instantMs).toISOString()}" data-instant>${text}</time>`;
}

/** A message with an element (`inner`, e.g. an instant()) where its `when` goes, the rest escaped as text. */
export function withWhen(message: (p: { when: string }) => string, inner: Html): Html {
  const [before, after = ''] = message({ when: '\u0000' }).split('\u0000');
  return html`${before}${inner}${after}`;
}

/** A page of the fan's side (smart link, thank-you, privacy): in their language, with the language switch. */
export function page(title: string, body: Html, fan?: FanPage): string {
  return htmlDocument({
    title,
    stylesheet: '/static/smart-link.css',
    lang: fan?.language.lang,
    body: html`<main class="card">
${body}
${fan ? languageSwitch(fan) : ''}
</main>`,
    script: '/static/smart-link.js',
  });
}
