// Loopback simulator of Meta's login and token endpoints as dropday uses them for an artist's ad account
// (docs/providers/meta.md): the OAuth dialog (sandbox consent), code → short-lived token, fb_exchange_token →
// long-lived (~60 days) token, and revoking the app's permissions. Errors use Graph's shape
// {error:{message,type:"OAuthException",code:190,error_subcode,fbtrace_id}} with HTTP 400. Every Graph path is
// served under each version Graph still serves (graph-http.ts), with form or JSON bodies, as the Business SDK calls it.
import { createHash, randomBytes } from 'node:crypto';
import { consentTarget, escapeHtml, hiddenFields } from '../hidden-fields';
import { answerUnmatchedInJson } from '../json-fallbacks';
import { listenOnLoopback } from '../listen';
import { mountConversionsApi } from './conversions';
import { graphErrorEnvelope, graphParams, META_API_VERSIONS } from './graph-http';
import { mountMetaMarketingApi } from './marketing';
import express, { type Express, type Response, Router } from 'express';

export { META_API_VERSION, META_API_VERSIONS } from './graph-http';

export interface MetaSimulatorOptions {
  appId: string;
  appSecret: string;
  shortLivedTtlSeconds?: number;
  longLivedTtlSeconds?: number; // Meta: ~60 days (5183944 s)
}

interface MetaToken {
  user: string;
  expiresAt: number;
  longLived: boolean;
}

export class MetaSimState {
  longLivedTtlSeconds: number;
  readonly tokens = new Map<string, MetaToken>();
  readonly revokedUsers = new Set<string>();
  readonly codes = new Map<string, { user: string; redirectUri: string }>();
  readonly calls: { at: number; path: string; kind: string; user?: string; status: number }[] = [];

  constructor(readonly opts: MetaSimulatorOptions) {
    this.longLivedTtlSeconds = opts.longLivedTtlSeconds ?? 5_183_944;
  }

  /** The user's app-scoped id (digits, stable per app and user): what /me answers and signed_request names. */
  appScopedUserId(user: string): string {
    return metaAppScopedUserId(this.opts.appId, user);
  }

  issue(user: string, longLived: boolean): { access_token: string; token_type: 'bearer'; expires_in: number } {
    const ttl = longLived ? this.longLivedTtlSeconds : (this.opts.shortLivedTtlSeconds ?? 3600);
    const token = `EAAB${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { user, expiresAt: Date.now() + ttl * 1000, longLived });
    return { access_token: token, token_type: 'bearer', expires_in: ttl };
  }
}

export function metaAppScopedUserId(appId: string, user: string): string {
  return BigInt(`0x${createHash('sha256').update(`${appId}:${user}`).digest('hex').slice(0, 13)}`).toString();
}

const fbtrace = () => randomBytes(8).toString('base64url');
function oauthError(res: Response, message: string, code: number, subcode?: number) {
  res.status(400).json({
    error: {
      message,
      type: 'OAuthException',
      code,
      ...(subcode ? { error_subcode: subcode } : {}),
      fbtrace_id: fbtrace(),
    },
  });
}

export function createMetaSimulator(opts: MetaSimulatorOptions): { app: Express; state: MetaSimState } {
  const state = new MetaSimState(opts);
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const graph = Router(); // mounted under /{version}: the paths below start after it
  graph.use(express.json({ limit: '4mb' }), graphParams);

  graph.get('/dialog/oauth', (req, res) => {
    const q = req.query as Record<string, string>;
    if (q.client_id !== opts.appId) return res.status(400).type('html').send('<h1>Invalid App ID</h1>');
    const hidden = hiddenFields(q);
    res.type('html')
      .send(`<!doctype html><title>Sandbox Facebook</title><h1>Sandbox Facebook</h1><p>dropday asks for ${escapeHtml(q.scope ?? '')}</p>
<form method="post" action="${req.baseUrl}/dialog/oauth">${hidden}<input name="user" value="sandbox-meta-user"><button name="decision" value="accept">Continue</button><button name="decision" value="deny">Cancel</button></form>`);
  });

  graph.post('/dialog/oauth', (req, res) => {
    const b = req.body as Record<string, string>;
    const target = consentTarget(b, res);
    if (!target) return;
    const code = `AQ${randomBytes(16).toString('base64url')}`;
    state.codes.set(code, { user: b.user || 'sandbox-meta-user', redirectUri: b.redirect_uri });
    state.revokedUsers.delete(b.user || 'sandbox-meta-user'); // consenting again restores access
    target.searchParams.set('code', code);
    res.redirect(302, target.toString());
  });

  graph.get('/oauth/access_token', (req, res) => {
    const q = req.query as Record<string, string>;
    const record = (kind: string, status: number, user?: string) =>
      state.calls.push({ at: Date.now(), path: '/oauth/access_token', kind, user, status });
    if (q.client_id !== opts.appId || q.client_secret !== opts.appSecret) {
      record('bad_client', 400);
      return oauthError(res, 'Error validating client secret.', 1);
    }
    if (q.grant_type === 'fb_exchange_token') {
      const token = state.tokens.get(q.fb_exchange_token ?? '');
      if (!token || token.expiresAt <= Date.now() || state.revokedUsers.has(token.user)) {
        record('exchange', 400, token?.user);
        return oauthError(
          res,
          'Error validating access token: Session has expired or the user changed their password.',
          190,
          token && state.revokedUsers.has(token.user) ? 460 : 463,
        );
      }
      record('exchange', 200, token.user);
      return res.json(state.issue(token.user, true));
    }
    const code = state.codes.get(q.code ?? '');
    state.codes.delete(q.code ?? '');
    if (!code || code.redirectUri !== q.redirect_uri) {
      record('code', 400);
      return oauthError(res, 'This authorization code has been used.', 100, 36009);
    }
    record('code', 200, code.user);
    res.json(state.issue(code.user, false));
  });

  graph.delete('/me/permissions', (req, res) => {
    const token = state.tokens.get(String(req.query.access_token ?? ''));
    if (!token || state.revokedUsers.has(token.user)) {
      state.calls.push({ at: Date.now(), path: '/me/permissions', kind: 'revoke', status: 400 });
      return oauthError(res, 'Error validating access token', 190, 460);
    }
    state.revokedUsers.add(token.user);
    state.calls.push({ at: Date.now(), path: '/me/permissions', kind: 'revoke', user: token.user, status: 200 });
    res.json({ success: true });
  });

  // Who the token belongs to: its user's app-scoped id (the `user_id` of Meta's data deletion callback).
  graph.get('/me', (req, res) => {
    const token = state.tokens.get(String(req.query.access_token ?? ''));
    const refused = !token || token.expiresAt <= Date.now() || state.revokedUsers.has(token.user);
    state.calls.push({ at: Date.now(), path: '/me', kind: 'me', user: token?.user, status: refused ? 400 : 200 });
    if (refused) return oauthError(res, 'Error validating access token', 190, token ? 460 : undefined);
    res.json({ id: state.appScopedUserId(token.user) });
  });

  app.post('/__control/users/:user/revoke', (req, res) => {
    state.revokedUsers.add(req.params.user);
    res.json({ revoked: true });
  });
  app.get('/__control/calls', (_req, res) => res.json(state.calls));
  mountConversionsApi(app, graph, state);
  mountMetaMarketingApi(app, graph, state); // campaigns, ad sets, creatives, ads, insights (marketing.ts)
  app.use('/:version', (req, res, next) =>
    META_API_VERSIONS.includes(req.params.version) ? graph(req, res, next) : next(),
  );
  answerUnmatchedInJson(app, graphErrorEnvelope);
  return { app, state };
}

export async function startMetaSimulator(
  opts: MetaSimulatorOptions & { port?: number },
): Promise<{ url: string; state: MetaSimState; close(): Promise<void> }> {
  const { app, state } = createMetaSimulator(opts);
  return { ...(await listenOnLoopback(app, opts.port)), state };
}
