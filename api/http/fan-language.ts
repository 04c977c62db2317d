// The language of a fan's page (issue 16): `?lang=` (the page's language switch) first, then the fan's remembered
// choice (cookie `dd_lang`), then Accept-Language, then English. The choice is remembered in that first-party cookie
// only when the page already has the fan's consent to cookies; otherwise it lives in the URL alone (every link of
// the page carries it). docs/smart-link.md "Languages".
import { type Request, type Response } from 'express';
import { DEFAULT_LANGUAGE, type Lang, languageOfTag, negotiateLanguage } from '../../lib/i18n';
import { parseCookie } from './cookies';

export const LANGUAGE_COOKIE = 'dd_lang';
const LANGUAGE_COOKIE_MAX_AGE_MS = 180 * 24 * 3600_000;

export interface FanLanguage {
  lang: Lang;
  /** where it came from: only a `header` (or `default`) language is the same for everyone sending that header */
  from: 'url' | 'cookie' | 'header' | 'default';
}

export function fanLanguage(req: Request): FanLanguage {
  const asked = typeof req.query.lang === 'string' ? languageOfTag(req.query.lang.slice(0, 35)) : null;
  if (asked) return { lang: asked, from: 'url' };
  const remembered = languageOfTag(parseCookie(req.get('cookie'), LANGUAGE_COOKIE));
  if (remembered) return { lang: remembered, from: 'cookie' };
  const header = req.get('accept-language');
  if (!header) return { lang: DEFAULT_LANGUAGE, from: 'default' };
  return { lang: negotiateLanguage(header), from: 'header' };
}

/** The query string `?lang=xx` for links of a page whose language came from its URL (else nothing to carry). */
export const languageQuery = (language: FanLanguage): string =>
  language.from === 'url' ? `lang=${language.lang}` : '';

/** `path` (which may have a query) with the page's language carried, when it came from the URL. */
export function withLanguage(path: string, language: FanLanguage): string {
  const q = languageQuery(language);
  if (!q) return path;
  const [base, hash = ''] = path.split('#');
  return `${base}${base.includes('?') ? '&' : '?'}${q}${hash ? `#${hash}` : ''}`;
}

/**
 * A switch to another language (`?lang=`) is remembered when the fan already agreed to cookies for this page
 * (`consented`) or holds the language cookie already (they did, earlier). Returns whether a cookie was set: such an
 * answer is the fan's alone and must not be kept by a shared cache.
 */
export function rememberLanguage(
  req: Request,
  res: Response,
  language: FanLanguage,
  cookies: { consented: boolean; secure: boolean },
): boolean {
  if (language.from !== 'url') return false;
  const current = parseCookie(req.get('cookie'), LANGUAGE_COOKIE);
  if (!cookies.consented && current === null) return false;
  if (current === language.lang) return false;
  res.cookie(LANGUAGE_COOKIE, language.lang, {
    path: '/',
    maxAge: LANGUAGE_COOKIE_MAX_AGE_MS,
    sameSite: 'lax',
    secure: cookies.secure,
  });
  return true;
}

/**
 * A language that came along from earlier (a sign-in's state, a stored row) on a request of the same browser: it
 * needs carrying in links only where the request alone would not give it again.
 */
export function carriedLanguage(req: Request, lang: Lang): FanLanguage {
  const own = fanLanguage(req);
  return own.lang === lang ? own : { lang, from: 'url' };
}
