// The artist app's session: a signed, expiring, HttpOnly, SameSite=Strict cookie. Two kinds sign in:
// - a member (e-mail and password, api/member-accounts.ts): the cookie names a server-side session row
//   (db/member-sessions.ts), so sign-out, "sign out everywhere" and a password reset revoke it;
// - an artist API key (the original dashboard sign-in, kept for scripts and tests): the cookie names the key's id
//   (never the key) and lasts while the key is not revoked.
// /v1 accepts the cookie for reads. A write with the cookie needs the session's anti-forgery token in the
// X-CSRF-Token header (which no cross-site form can set) and a member whose role the route admits (./write-roles.ts:
// deny by default); a key session stays read-only, as before.
import { type Request, type RequestHandler, type Response } from 'express';
import { findApiKeyByHash, isActiveArtistKey } from '../db/accounts';
import { activeMemberSession, insertMemberSession, revokeMemberSession } from '../db/member-sessions';
import { type DatabasePool } from '../db/pool';
import { hashApiKey } from '../lib/crypto/hash';
import { SignedValueError, type SigningKeys } from '../lib/crypto/signed-value';
import { type AuthContext, requireApiKey } from './auth';
import { ApiError } from './errors';
import { parseCookie } from './http/cookies';
import { sameSecret } from './http/form-csrf';
import { memberMayWrite, refusalOf, writeAccessOf } from './write-roles';

export const APP_SESSION_COOKIE = 'dd_app_session';
export const APP_SESSION_TTL_MS = 12 * 3600_000;
export const CSRF_HEADER = 'x-csrf-token';

/** `a`/`k`: account and API key id of a key session; `s`: the member session's row id. */
type SessionPayload = { a: string; k: string } | { s: string };
const UUID = /^[0-9a-f-]{36}$/;

function sessionPayload(keys: SigningKeys, req: Request): SessionPayload | null {
  const cookie = parseCookie(req.get('cookie'), APP_SESSION_COOKIE);
  if (!cookie) return null;
  try {
    return keys.verify<SessionPayload>('app-session', cookie).payload;
  } catch (error) {
    if (error instanceof SignedValueError) return null;
    throw error;
  }
}

/** The signed-in account, or null (no cookie, a forged or expired one, a revoked session or key). */
export async function appSession(pool: DatabasePool, keys: SigningKeys, req: Request): Promise<AuthContext | null> {
  const session = sessionPayload(keys, req);
  if (session && 's' in session && typeof session.s === 'string' && UUID.test(session.s)) {
    const member = await activeMemberSession(pool, session.s);
    return member
      ? { accountId: member.accountId, role: 'artist', member: { id: member.memberId, role: member.role } }
      : null;
  }
  if (!session || !('a' in session) || typeof session.a !== 'string' || typeof session.k !== 'string') return null;
  if (!UUID.test(session.k) || !UUID.test(session.a)) return null;
  return (await isActiveArtistKey(pool, { keyId: session.k, accountId: session.a }))
    ? { accountId: session.a, role: 'artist' }
    : null;
}

function setSessionCookie(keys: SigningKeys, res: Response, payload: SessionPayload, secure: boolean) {
  res.cookie(APP_SESSION_COOKIE, keys.sign<SessionPayload>('app-session', payload, APP_SESSION_TTL_MS), {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    maxAge: APP_SESSION_TTL_MS,
    path: '/',
  });
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
  setSessionCookie(keys, res, { a: found.accountId, k: found.id }, secure);
  return true;
}

/** Signs a member in: a new server-side session, named by the cookie. */
export async function startMemberSession(
  pool: DatabasePool,
  keys: SigningKeys,
  res: Response,
  memberId: string,
  secure: boolean,
): Promise<void> {
  const id = await insertMemberSession(pool, { memberId, ttlMs: APP_SESSION_TTL_MS });
  setSessionCookie(keys, res, { s: id }, secure);
}

/** Signs this browser out: a member session's row is revoked too, so a copy of the cookie stops working. */
export async function endAppSession(
  pool: DatabasePool,
  keys: SigningKeys,
  req: Request,
  res: Response,
  secure: boolean,
): Promise<void> {
  const session = sessionPayload(keys, req);
  if (session && 's' in session && typeof session.s === 'string' && UUID.test(session.s))
    await revokeMemberSession(pool, session.s);
  res.clearCookie(APP_SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}

/** /v1: a bearer API key, or the app's session cookie (see the header for what it may do). */
export function requireApiKeyOrAppSession(pool: DatabasePool, keys: SigningKeys): RequestHandler {
  const bearer = requireApiKey(pool);
  return async (req, res, next) => {
    if (req.get('authorization') || !parseCookie(req.get('cookie'), APP_SESSION_COOKIE)) return bearer(req, res, next);
    const reading = req.method === 'GET' || req.method === 'HEAD';
    const csrf = sessionCsrf(keys, req);
    if (!reading && !(csrf && sameSecret(req.get(CSRF_HEADER), csrf)))
      throw new ApiError(
        403,
        'forbidden',
        'a change from the app needs its X-CSRF-Token header; scripts send the API key as a bearer token instead',
      );
    const session = await appSession(pool, keys, req);
    if (!session) {
      res.set('WWW-Authenticate', 'Bearer');
      throw new ApiError(401, 'unauthorized', 'the app session expired or was signed out: sign in again at /app');
    }
    if (!reading && !session.member)
      throw new ApiError(
        403,
        'forbidden',
        'a session made with an API key can only read; send the key as a bearer token',
      );
    // Each write route declares the least role it needs (./write-roles.ts); an undeclared one is refused.
    if (!reading && session.member) {
      const access = writeAccessOf(req.method, req.originalUrl.split('?')[0]!);
      if (!memberMayWrite(session.member.role, access))
        throw new ApiError(403, 'forbidden', refusalOf(session.member.role, access), {
          needs: access ?? 'undeclared',
          role: session.member.role,
        });
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
