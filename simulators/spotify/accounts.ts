import express, { type Request, type Response, type Router } from 'express';
import type { Grant } from './auth-store';
import { renderConsentPage, renderErrorPage } from './consent-page';
import { ControlError, sendOAuthError } from './errors';
import { faultMiddleware } from './faults';
import { bodyField } from './http-util';
import { s256Challenge } from './ids';
import { labelCallUser, recordCallMiddleware } from './recorder';
import type { SpotifySimState } from './state';

/** Scopes Spotify knows; anything else is `invalid_scope`. */
const KNOWN_SCOPES = new Set([
  'ugc-image-upload',
  'user-read-playback-state',
  'user-modify-playback-state',
  'user-read-currently-playing',
  'app-remote-control',
  'streaming',
  'playlist-read-private',
  'playlist-read-collaborative',
  'playlist-modify-private',
  'playlist-modify-public',
  'user-follow-modify',
  'user-follow-read',
  'user-read-playback-position',
  'user-top-read',
  'user-read-recently-played',
  'user-library-modify',
  'user-library-read',
  'user-read-email',
  'user-read-private',
  'user-personalized',
]);

/** Query parameters of /authorize that the consent form carries through to its POST. */
const AUTHORIZE_PARAMS = [
  'client_id',
  'response_type',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge_method',
  'code_challenge',
  'show_dialog',
] as const;

interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state?: string;
  codeChallenge?: string;
  params: Record<string, string>;
}

type AuthorizeCheck =
  { ok: true; request: AuthorizeRequest } | { ok: false; page: string } | { ok: false; redirect: string };

function pickAuthorizeParams(source: Record<string, unknown>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const name of AUTHORIZE_PARAMS) {
    const value = source[name];
    if (typeof value === 'string') params[name] = value;
  }
  return params;
}

/**
 * Since 2025-11-27: HTTPS everywhere except loopback IP literals over http; the name `localhost` is refused
 * even over https.
 */
function isSecureRedirectUri(url: URL): boolean {
  if (url.hostname === 'localhost') return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]');
}

function redirectTo(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/** Validates an authorization request in Spotify's order: client, redirect URI (HTML errors), then the rest (redirects). */
function checkAuthorizeRequest(state: SpotifySimState, params: Record<string, string>): AuthorizeCheck {
  if (params.client_id !== state.clientId) return { ok: false, page: 'INVALID_CLIENT: Invalid client' };
  let url: URL;
  try {
    url = new URL(params.redirect_uri ?? '');
  } catch {
    return { ok: false, page: 'INVALID_CLIENT: Invalid redirect URI' };
  }
  if (!isSecureRedirectUri(url)) return { ok: false, page: 'INVALID_CLIENT: Insecure redirect URI' };
  const redirectUri = params.redirect_uri as string;
  if (state.redirectUris && !state.redirectUris.includes(redirectUri)) {
    return { ok: false, page: 'INVALID_CLIENT: Invalid redirect URI' };
  }

  const fail = (error: string, description: string): AuthorizeCheck => ({
    ok: false,
    redirect: redirectTo(redirectUri, { error, error_description: description, state: params.state }),
  });
  if (params.response_type !== 'code') return fail('unsupported_response_type', 'response_type must be code');
  const challenge = params.code_challenge;
  if (challenge !== undefined && params.code_challenge_method !== 'S256') {
    return fail('invalid_request', 'code_challenge_method must be S256');
  }
  if (challenge === undefined && state.clientSecret === undefined) {
    return fail('invalid_request', 'code_challenge required');
  }
  const scopes = (params.scope ?? '').split(/[\s+]+/).filter((s) => s !== '');
  const unknown = scopes.find((s) => !KNOWN_SCOPES.has(s));
  if (unknown !== undefined) return fail('invalid_scope', `Invalid scope: ${unknown}`);

  return {
    ok: true,
    request: { clientId: state.clientId, redirectUri, scopes, state: params.state, codeChallenge: challenge, params },
  };
}

function answerFailedCheck(res: Response, check: Exclude<AuthorizeCheck, { ok: true }>): void {
  if ('page' in check) res.status(400).type('html').send(renderErrorPage(check.page));
  else res.redirect(302, check.redirect);
}

function showConsentPage(state: SpotifySimState, req: Request, res: Response): void {
  const check = checkAuthorizeRequest(state, pickAuthorizeParams(req.query as Record<string, unknown>));
  if (!check.ok) return answerFailedCheck(res, check);
  res
    .status(200)
    .type('html')
    .send(
      renderConsentPage({
        appName: state.appName,
        scopes: check.request.scopes,
        authorizeParams: check.request.params,
      }),
    );
}

/** The consent form's POST (tests and benchmarks may POST it directly without fetching the page). */
function decideConsent(state: SpotifySimState, req: Request, res: Response): void {
  const check = checkAuthorizeRequest(state, pickAuthorizeParams((req.body ?? {}) as Record<string, unknown>));
  if (!check.ok) return answerFailedCheck(res, check);
  const { request } = check;
  const decision = bodyField(req, 'decision');
  if (decision === 'deny') {
    res.redirect(302, redirectTo(request.redirectUri, { error: 'access_denied', state: request.state }));
    return;
  }
  if (decision !== 'accept') {
    res.status(400).type('html').send(renderErrorPage('decision must be accept or deny'));
    return;
  }

  const existingId = bodyField(req, 'user').trim();
  let userId: string;
  try {
    const existing = existingId === '' ? undefined : state.auth.users.get(existingId);
    userId =
      existing?.id ??
      state.upsertUser({
        id: existingId === '' ? undefined : existingId,
        displayName: bodyField(req, 'display_name').trim() || undefined,
        country: bodyField(req, 'country').trim().toUpperCase() || undefined,
      }).user.id;
  } catch (err) {
    const message = err instanceof ControlError ? err.message : 'Could not create the user';
    res.status(400).type('html').send(renderErrorPage(message));
    return;
  }

  const now = state.now();
  const grant = state.auth.grant(userId, request.clientId, request.scopes, now);
  const code = state.auth.issueCode(grant, request.redirectUri, request.codeChallenge, now);
  res.redirect(302, redirectTo(request.redirectUri, { code, state: request.state }));
}

type ClientAuthentication = { ok: true; clientId: string; viaSecret: boolean } | { ok: false };

/** Basic header (secret flow) or body client_id (PKCE); a Basic header that does not check out is fatal. */
function authenticateClient(state: SpotifySimState, req: Request): ClientAuthentication {
  const header = req.get('authorization');
  if (header !== undefined) {
    const match = /^Basic\s+(\S+)$/i.exec(header);
    if (!match || state.clientSecret === undefined) return { ok: false };
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const id = decoded.slice(0, separator);
    const secret = decoded.slice(separator + 1);
    if (separator < 0 || id !== state.clientId || secret !== state.clientSecret) return { ok: false };
    return { ok: true, clientId: id, viaSecret: true };
  }
  const clientId = bodyField(req, 'client_id');
  return clientId === state.clientId ? { ok: true, clientId, viaSecret: false } : { ok: false };
}

function exchangeCode(state: SpotifySimState, req: Request, res: Response, clientId: string, viaSecret: boolean): void {
  const invalid = () => sendOAuthError(res, 400, 'invalid_grant', 'Invalid authorization code');
  const code = state.auth.takeCode(bodyField(req, 'code'), state.now());
  if (!code || code.clientId !== clientId || code.redirectUri !== bodyField(req, 'redirect_uri')) return invalid();
  if (code.codeChallenge !== undefined) {
    const verifier = bodyField(req, 'code_verifier');
    if (verifier === '' || s256Challenge(verifier) !== code.codeChallenge) return invalid();
  } else if (!viaSecret) {
    return invalid();
  }
  const grant = state.auth.grants.get(code.grantId);
  if (!grant || grant.revoked) return invalid();
  labelCallUser(res, grant.userId);
  res.status(200).json(state.issueTokenSet(grant, true));
}

function refresh(state: SpotifySimState, req: Request, res: Response, clientId: string, viaSecret: boolean): void {
  const token = bodyField(req, 'refresh_token');
  const record = state.auth.findRefreshToken(token);
  const grant: Grant | undefined = record && state.auth.grants.get(record.grantId);
  if (!record || !grant || record.clientId !== clientId) {
    return sendOAuthError(res, 400, 'invalid_grant', 'Invalid refresh token');
  }
  labelCallUser(res, grant.userId);
  if (grant.revoked) return sendOAuthError(res, 400, 'invalid_grant', 'Refresh token revoked');
  // The 2026 lifetime counts from consent; refreshing never extends it.
  if (state.now() - grant.consentedAt >= state.refreshTokenMaxAgeMs) {
    return sendOAuthError(res, 400, 'invalid_grant', 'Invalid refresh token');
  }
  // PKCE refresh tokens are single-use; secret clients keep theirs unless configured otherwise.
  const rotate = !viaSecret || state.rotateSecretClientRefreshTokens;
  if (rotate) state.auth.retireRefreshToken(token);
  res.status(200).json(state.issueTokenSet(grant, rotate));
}

function clientCredentials(state: SpotifySimState, res: Response, clientId: string): void {
  const now = state.now();
  res.status(200).json({
    access_token: state.auth.issueAccessToken(clientId, undefined, state.accessTokenTtlSeconds, now),
    token_type: 'Bearer',
    expires_in: state.accessTokenTtlSeconds,
  });
}

function issueToken(state: SpotifySimState, req: Request, res: Response): void {
  const grantType = bodyField(req, 'grant_type');
  if (grantType === '') return sendOAuthError(res, 400, 'unsupported_grant_type', 'grant_type parameter is missing');
  if (!['authorization_code', 'refresh_token', 'client_credentials'].includes(grantType)) {
    return sendOAuthError(
      res,
      400,
      'unsupported_grant_type',
      'grant_type must be client_credentials, authorization_code or refresh_token',
    );
  }
  const client = authenticateClient(state, req);
  if (!client.ok || (grantType === 'client_credentials' && !client.viaSecret)) {
    return sendOAuthError(res, 401, 'invalid_client', 'Invalid client');
  }
  if (grantType === 'authorization_code') return exchangeCode(state, req, res, client.clientId, client.viaSecret);
  if (grantType === 'refresh_token') return refresh(state, req, res, client.clientId, client.viaSecret);
  return clientCredentials(state, res, client.clientId);
}

/** accounts.spotify.com: GET/POST /authorize and POST /api/token. */
export function accountsRouter(state: SpotifySimState): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  router.get('/authorize', (req, res) => showConsentPage(state, req, res));
  router.post('/authorize', form, (req, res) => decideConsent(state, req, res));
  router.post('/api/token', recordCallMiddleware(state), faultMiddleware(state), form, (req, res) =>
    issueToken(state, req, res),
  );
  return router;
}
