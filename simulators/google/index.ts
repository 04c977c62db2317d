// Loopback simulator of Google's OAuth 2.0 endpoints as dropday uses them for Google Ads (docs/providers/google.md):
// the authorization page (sandbox consent), the token endpoint (code + PKCE with client secret, refresh), and
// revocation; and "Sign in with Google" (OpenID Connect, ./oidc.ts): with the `openid` scope the consent page asks
// for the sandbox Google account's address and the token answer carries a signed ID token. Refresh tokens do not rotate; a revoked or unknown one answers invalid_grant. Test control under
// /__control: revoke a user's grants, change the access-token lifetime, read the recorded calls.
import { randomBytes, createHash } from 'node:crypto';
import { answerUnmatchedInJson } from '../json-fallbacks';
import { listenOnLoopback } from '../listen';
import { mountGoogleAdsApi } from './ads';
import { issuerOf, mountOidc, OidcKeys } from './oidc';
import { googleErrorEnvelope } from './rpc-envelope';
import express, { type Express } from 'express';

export interface GoogleSimulatorOptions {
  clientId: string;
  clientSecret: string;
  accessTokenTtlSeconds?: number;
}

interface Grant {
  user: string;
  scope: string;
  refreshToken: string;
  revoked: boolean;
  /** `openid` grants: who signed in, and the nonce the client sent */
  identity?: { email: string; emailVerified: boolean; name: string; nonce?: string };
}

export class GoogleSimState {
  accessTokenTtlSeconds: number;
  readonly grants = new Map<string, Grant>(); // by refresh token
  readonly accessTokens = new Map<string, { grant: Grant; expiresAt: number }>();
  readonly codes = new Map<string, { grant: Grant; redirectUri: string; challenge?: string; expiresAt: number }>();
  readonly calls: { at: number; path: string; grantType?: string; user?: string; status: number }[] = [];
  readonly oidc = new OidcKeys();

  constructor(readonly opts: GoogleSimulatorOptions) {
    this.accessTokenTtlSeconds = opts.accessTokenTtlSeconds ?? 3599;
  }

  revokeUser(user: string): number {
    let n = 0;
    for (const grant of this.grants.values()) {
      if (grant.user !== user || grant.revoked) continue;
      grant.revoked = true;
      n++;
    }
    return n;
  }

  issueAccessToken(grant: Grant): { access_token: string; expires_in: number; scope: string; token_type: 'Bearer' } {
    const token = `ya29.${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(token, { grant, expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000 });
    return { access_token: token, expires_in: this.accessTokenTtlSeconds, scope: grant.scope, token_type: 'Bearer' };
  }
}

const page = (body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>Sandbox Google</title></head><body>${body}</body></html>`;
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function createGoogleSimulator(opts: GoogleSimulatorOptions): { app: Express; state: GoogleSimState } {
  const state = new GoogleSimState(opts);
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());

  app.get('/o/oauth2/v2/auth', (req, res) => {
    const q = req.query as Record<string, string>;
    if (q.client_id !== opts.clientId)
      return res.status(400).type('html').send(page('<h1>Error 401: invalid_client</h1>'));
    const hidden = Object.entries(q)
      .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(String(v))}">`)
      .join('');
    if (/(^| )openid( |$)/.test(q.scope ?? ''))
      return res.type('html').send(
        page(`<h1>Sandbox Google</h1><p>Sign in to dropday with your Google account</p>
<form method="post" action="/o/oauth2/v2/auth">${hidden}<label>E-mail <input name="email" value="sandbox.artist@example.com"></label>
<label>Name <input name="name" value="Sandbox Artist"></label>
<label><input type="checkbox" name="email_verified" value="true" checked> Google has verified this address</label>
<button name="decision" value="accept">Continue</button><button name="decision" value="deny">Cancel</button></form>`),
      );
    res.type('html').send(
      page(`<h1>Sandbox Google</h1><p>dropday wants to manage your Google Ads campaigns (${escape(q.scope ?? '')})</p>
<form method="post" action="/o/oauth2/v2/auth">${hidden}<label>Account <input name="user" value="sandbox-advertiser"></label>
<button name="decision" value="accept">Allow</button><button name="decision" value="deny">Cancel</button></form>`),
    );
  });

  app.post('/o/oauth2/v2/auth', (req, res) => {
    const b = req.body as Record<string, string>;
    const target = new URL(b.redirect_uri);
    target.searchParams.set('state', b.state ?? '');
    if (b.decision !== 'accept') {
      target.searchParams.set('error', 'access_denied');
      return res.redirect(302, target.toString());
    }
    const grant: Grant = {
      user: b.user || 'sandbox-advertiser',
      scope: b.scope ?? '',
      refreshToken: `1//${randomBytes(24).toString('base64url')}`,
      revoked: false,
    };
    if (/(^| )openid( |$)/.test(b.scope ?? '')) {
      const email = (b.email || 'sandbox.artist@example.com').trim().toLowerCase();
      grant.user = email;
      grant.identity = { email, emailVerified: b.email_verified === 'true', name: b.name || email, nonce: b.nonce };
    }
    const code = `4/${randomBytes(16).toString('base64url')}`;
    state.codes.set(code, {
      grant,
      redirectUri: b.redirect_uri,
      challenge: b.code_challenge,
      expiresAt: Date.now() + 600_000,
    });
    target.searchParams.set('code', code);
    res.redirect(302, target.toString());
  });

  app.post('/token', (req, res) => {
    const b = req.body as Record<string, string>;
    const answer = (status: number, body: object) => {
      const user = state.grants.get(b.refresh_token)?.user ?? state.codes.get(b.code)?.grant.user;
      state.calls.push({ at: Date.now(), path: '/token', grantType: b.grant_type, user, status });
      res.status(status).json(body);
    };
    if (b.client_id !== opts.clientId || b.client_secret !== opts.clientSecret)
      return answer(401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
    if (b.grant_type === 'authorization_code') {
      const code = state.codes.get(b.code);
      const verifierOk =
        !code?.challenge ||
        createHash('sha256')
          .update(b.code_verifier ?? '')
          .digest('base64url') === code.challenge;
      if (!code || code.expiresAt < Date.now() || code.redirectUri !== b.redirect_uri || !verifierOk) {
        state.codes.delete(b.code);
        return answer(400, { error: 'invalid_grant', error_description: 'Bad Request' });
      }
      state.grants.set(code.grant.refreshToken, code.grant);
      const { identity } = code.grant;
      const issued = {
        ...state.issueAccessToken(code.grant),
        refresh_token: code.grant.refreshToken,
        // The subject is stable per address, as Google's is per account.
        ...(identity
          ? {
              id_token: state.oidc.idToken(issuerOf(req), opts.clientId, {
                ...identity,
                sub: String(BigInt(`0x${createHash('sha256').update(identity.email).digest('hex').slice(0, 15)}`)),
              }),
            }
          : {}),
      };
      answer(200, issued);
      state.codes.delete(b.code); // single use
      return;
    }
    if (b.grant_type === 'refresh_token') {
      const grant = state.grants.get(b.refresh_token);
      if (!grant || grant.revoked)
        return answer(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      return answer(200, state.issueAccessToken(grant));
    }
    answer(400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${b.grant_type}` });
  });

  app.post('/revoke', (req, res) => {
    const token = String((req.body as Record<string, string>).token ?? req.query.token ?? '');
    const grant = state.grants.get(token) ?? state.accessTokens.get(token)?.grant;
    const status = grant && !grant.revoked ? 200 : 400;
    if (grant) grant.revoked = true;
    state.calls.push({ at: Date.now(), path: '/revoke', status });
    if (status === 200) return res.status(200).json({});
    res.status(400).json({ error: 'invalid_token', error_description: 'Token expired or revoked' });
  });

  app.post('/__control/users/:user/revoke', (req, res) => res.json({ revoked: state.revokeUser(req.params.user) }));
  app.patch('/__control/config', (req, res) => {
    const ttl = Number((req.body as { accessTokenTtlSeconds?: unknown }).accessTokenTtlSeconds);
    if (Number.isFinite(ttl) && ttl > 0) state.accessTokenTtlSeconds = ttl;
    res.json({ accessTokenTtlSeconds: state.accessTokenTtlSeconds });
  });
  app.get('/__control/calls', (_req, res) => res.json(state.calls));
  mountOidc(app, state.oidc);
  mountGoogleAdsApi(app, state); // Google Ads REST: mutate, search, faults (ads.ts)
  answerUnmatchedInJson(app, googleErrorEnvelope(['/token', '/revoke']));
  return { app, state };
}

export async function startGoogleSimulator(
  opts: GoogleSimulatorOptions & { port?: number },
): Promise<{ url: string; state: GoogleSimState; close(): Promise<void> }> {
  const { app, state } = createGoogleSimulator(opts);
  return { ...(await listenOnLoopback(app, opts.port)), state };
}
