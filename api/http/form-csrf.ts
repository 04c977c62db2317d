// The anti-forgery field of every artist-app form. Signed in, it is a MAC of the session cookie (as the connect and
// verification pages always had); signed out (sign-in, sign-up, password reset), a MAC of a random pre-session
// cookie set with the page, so a cross-site form cannot sign a browser in to someone else's account (login CSRF).
// The cookies are SameSite=Strict and every form route also checks the Origin (./same-origin.ts): two locks.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type Request, type Response } from 'express';
import { type SigningKeys } from '../../lib/crypto/signed-value';
import { parseCookie } from './cookies';

const APP_SESSION_COOKIE = 'dd_app_session'; // ../app-session.ts: read here too, to bind the field to it
const FORM_COOKIE = 'dd_form';

export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function expectedTokens(keys: SigningKeys, req: Request): string[] {
  const session = parseCookie(req.get('cookie'), APP_SESSION_COOKIE);
  const form = parseCookie(req.get('cookie'), FORM_COOKIE);
  return [session && keys.mac('csrf', session), form && keys.mac('csrf', `form:${form}`)].filter((t): t is string =>
    Boolean(t),
  );
}

/** The field for a page's forms; sets the pre-session cookie when the browser has neither cookie yet. */
export function formCsrf(keys: SigningKeys, req: Request, res: Response, secure: boolean): string {
  const [existing] = expectedTokens(keys, req);
  if (existing) return existing;
  const value = randomBytes(18).toString('base64url');
  res.cookie(FORM_COOKIE, value, { httpOnly: true, sameSite: 'strict', secure, path: '/app', maxAge: 3600_000 });
  return keys.mac('csrf', `form:${value}`);
}

/** Whether a posted form carries the field of this browser's session or pre-session cookie. */
export function hasFormCsrf(keys: SigningKeys, req: Request): boolean {
  return isFormCsrf(keys, req, (req.body as { csrf?: unknown } | undefined)?.csrf);
}

/** Whether `given` (a form's field, however its body was read) is this browser's anti-forgery value. */
export function isFormCsrf(keys: SigningKeys, req: Request, given: unknown): boolean {
  return expectedTokens(keys, req).some((expected) => sameSecret(given, expected));
}
