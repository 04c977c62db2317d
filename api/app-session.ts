// The artist dashboard's session: signing in at /app with an artist API key sets a signed, expiring, HttpOnly,
// SameSite=Strict cookie naming the key's id (never the key). It lasts while the key is not revoked. /v1 accepts it
// for reads only (GET / HEAD): anything that changes data still needs the key as a bearer token, so a forged
// cross-site form can change nothing even if a browser ignored SameSite.
import { type Request, type RequestHandler, type Response } from 'express';
import { findApiKeyByHash, isActiveArtistKey } from '../db/accounts';
import { type DatabasePool } from '../db/pool';
import { hashApiKey } from '../lib/crypto/hash';
import { SignedValueError, type SigningKeys } from '../lib/crypto/signed-value';
import { type AuthContext, requireApiKey } from './auth';
import { ApiError } from './errors';
import { parseCookie } from './http/cookies';

export const APP_SESSION_COOKIE = 'dd_app_session';
export const APP_SESSION_TTL_MS = 12 * 3600_000;

interface SessionPayload {
  /** account id */
  a: string;
  /** api key id */
  k: string;
}

/** The signed-in account, or null (no cookie, a forged or expired one, or its key was revoked). */
export async function appSession(pool: DatabasePool, keys: SigningKeys, req: Request): Promise<AuthContext | null> {
  const cookie = parseCookie(req.get('cookie'), APP_SESSION_COOKIE);
  if (!cookie) return null;
  let session: SessionPayload;
  try {
    session = keys.verify<SessionPayload>('app-session', cookie).payload;
  } catch (error) {
    if (error instanceof SignedValueError) return null;
    throw error;
  }
  if (
    typeof session?.a !== 'string' ||
    typeof session.k !== 'string' ||
    !/^[0-9a-f-]{36}$/.test(session.k) ||
    !/^[0-9a-f-]{36}$/.test(session.a)
  )
    return null;
  return (await isActiveArtistKey(pool, { keyId: session.k, accountId: session.a }))
    ? { accountId: session.a, role: 'artist' }
    : null;
}

/** Signs in with an artist key: sets the session cookie and returns true, or returns false for any other key. */
export async function startAppSession(
  pool: DatabasePool,
  keys: SigningKeys,
  res: Response,
  key: string,
  secure: boolean,
): Promise<boolean> {
  const found = key ? await findApiKeyByHash(pool, hashApiKey(key)) : null;
  if (!found || found.role !== 'artist') return false;
  const value = keys.sign<SessionPayload>('app-session', { a: found.accountId, k: found.id }, APP_SESSION_TTL_MS);
  res.cookie(APP_SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    maxAge: APP_SESSION_TTL_MS,
    path: '/',
  });
  return true;
}

export function endAppSession(res: Response, secure: boolean): void {
  res.clearCookie(APP_SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}

/** /v1: a bearer API key, or for reads the dashboard's session cookie. */
export function requireApiKeyOrAppSession(pool: DatabasePool, keys: SigningKeys): RequestHandler {
  const bearer = requireApiKey(pool);
  return async (req, res, next) => {
    if (req.get('authorization') || !parseCookie(req.get('cookie'), APP_SESSION_COOKIE)) return bearer(req, res, next);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new ApiError(
        403,
        'forbidden',
        'the dashboard session can only read; send the API key as a bearer token to change data',
      );
    }
    const session = await appSession(pool, keys, req);
    if (!session) {
      res.set('WWW-Authenticate', 'Bearer');
      throw new ApiError(
        401,
        'unauthorized',
        'the dashboard session expired or its key was revoked: sign in again at /app',
      );
    }
    res.locals.auth = session satisfies AuthContext;
    next();
  };
}

/** The anti-forgery field of the session's forms: a MAC of the session cookie itself (null without a session). */
export function sessionCsrf(keys: SigningKeys, req: Request): string | null {
  const cookie = parseCookie(req.get('cookie'), APP_SESSION_COOKIE);
  return cookie ? keys.mac('csrf', cookie) : null;
}
