// Bearer API keys. Only a key's SHA-256 is stored; a request's key resolves to its account and role. Every data
// route then scopes its queries by that account, so another tenant's ids read as 404.
import { type RequestHandler, type Response } from 'express';
import { findApiKeyByHash, hasActiveOpsKey } from '../db/accounts';
import { SignedValueError, type SigningKeys } from '../lib/crypto/signed-value';
import { parseCookie } from './http/cookies';
import { hashApiKey } from '../lib/crypto/hash';
import { type MemberRole } from '../db/members';
import { type DatabasePool } from '../db/pool';
import { ApiError } from './errors';

export type Role = 'artist' | 'ops';
export interface AuthContext {
  accountId: string;
  role: Role;
  /** signed in to the artist app as a member (not with a key): who, and what their role lets them do */
  member?: { id: string; role: MemberRole };
}

export function requireApiKey(pool: DatabasePool): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      res.set('WWW-Authenticate', 'Bearer');
      throw new ApiError(401, 'unauthorized', 'missing bearer API key');
    }
    const key = await findApiKeyByHash(pool, hashApiKey(match[1]));
    if (!key) {
      res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new ApiError(401, 'unauthorized', 'invalid API key');
    }
    res.locals.auth = { accountId: key.accountId, role: key.role } satisfies AuthContext;
    next();
  };
}

/**
 * An ops session for the browser (the Temporal Web UI's codec calls carry cookies, not bearer keys): a signed,
 * expiring cookie made by POST /ops/login from an ops key. Accepted where `allowOpsSession` is asked for, and only
 * while the account still holds an active ops key.
 */
export const OPS_SESSION_COOKIE = 'dd_ops_session';

export function requireApiKeyOrOpsSession(pool: DatabasePool, keys: SigningKeys): RequestHandler {
  const bearer = requireApiKey(pool);
  return async (req, res, next) => {
    if (req.get('authorization')) return bearer(req, res, next);
    const cookie = parseCookie(req.get('cookie'), OPS_SESSION_COOKIE);
    let accountId: string | null = null;
    try {
      accountId = cookie ? keys.verify<{ a: string }>('ops-session', cookie).payload.a : null;
    } catch (error) {
      if (!(error instanceof SignedValueError)) throw error;
    }
    if (!accountId || !(await hasActiveOpsKey(pool, accountId))) {
      res.set('WWW-Authenticate', 'Bearer');
      throw new ApiError(401, 'unauthorized', 'missing bearer API key or ops session');
    }
    res.locals.auth = { accountId, role: 'ops' } satisfies AuthContext;
    next();
  };
}

export function requireRole(role: Role): RequestHandler {
  return (_req, res, next) => {
    if (auth(res).role !== role) throw new ApiError(403, 'forbidden', `this route needs an ${role} API key`);
    next();
  };
}

export function auth(res: Response): AuthContext {
  const context = res.locals.auth as AuthContext | undefined;
  if (!context) throw new ApiError(401, 'unauthorized', 'missing bearer API key');
  return context;
}
