import type { RequestHandler, Response } from 'express';
import type { ApiSession, SimUser } from './auth-store';
import { sendApiError } from './errors';
import type { SpotifySimState } from './state';

/** Checks the bearer token; 401 bodies follow the Web API error shape. */
export function authenticateMiddleware(state: SpotifySimState): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization');
    if (header === undefined || header.trim() === '') return sendApiError(res, 401, 'No token provided');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return sendApiError(res, 400, 'Only valid bearer authentication supported');
    const result = state.auth.authenticate(match[1], state.now());
    if (!result.ok) return sendApiError(res, 401, result.message);
    res.locals.session = result.session;
    next();
  };
}

export function sessionOf(res: Response): ApiSession {
  return res.locals.session as ApiSession;
}

/** Endpoints under /me need a user token; a client-credentials token gets Spotify's 401. */
export function requireUser(state: SpotifySimState, res: Response): SimUser | undefined {
  const userId = sessionOf(res).userId;
  const user = userId === undefined ? undefined : state.auth.users.get(userId);
  if (!user) sendApiError(res, 401, 'Valid user authentication required');
  return user;
}

/** 403 when the token lacks a scope the endpoint needs (can be switched off with enforceScopes: false). */
export function requireScopes(state: SpotifySimState, res: Response, scopes: Iterable<string>): boolean {
  if (!state.enforceScopes) return true;
  const granted = sessionOf(res).scopes;
  for (const scope of scopes) {
    if (!granted.has(scope)) {
      sendApiError(res, 403, 'Insufficient client scope');
      return false;
    }
  }
  return true;
}
