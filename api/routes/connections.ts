// Artists' connected accounts (Google Ads, Meta): the API answers the consent URL to open, the provider sends the
// browser back to /oauth/<provider>/callback, and a connectionTokenWorkflow keeps each live connection fresh.
// The connect state is signed, expiring and single-use; it is not bound to a browser cookie, because the flow is
// started by an API call, not by the browser that finishes it.
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { openAdCampaignIdsOfConnection } from '../../db/ad-campaigns';
import { createConnection, findConnection, listConnections, markDisconnected } from '../../db/connections';
import { consumeOAuthState, saveOAuthState } from '../../db/oauth-states';
import { codeChallengeS256, createCodeVerifier } from '../../lib/crypto/pkce';
import { SignedValueError, signValue, verifyValue } from '../../lib/crypto/signed-value';
import { disconnectWithStart, signalDisconnect, startConnectionToken } from '../../lib/starters/connection-token';
import { type Config } from '../../lib/config';
import { type ProviderClients, ProviderError } from '../../lib/providers';
import { META_ADS_SCOPES } from '../../lib/providers/meta-oauth';
import { auth } from '../auth';
import { type AppDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { messagePage } from '../pages/smart-link';
import { uuidParam } from '../schemas';
import { sendPage } from '../spotify-signin';
import { parseParams } from '../validation';

const STATE_TTL_MS = 15 * 60_000;
const providerParam = z.object({ provider: z.enum(['google', 'meta', 'spotify']) });
type Provider = z.infer<typeof providerParam>['provider'];

interface Granted {
  accessToken: string;
  refreshToken?: string;
  expiresInSeconds: number;
  scope: string;
}

/** What differs per provider: whether it is configured, its consent URL, and turning a code into tokens. */
function providers(config: Config, { googleOAuth: google, metaOAuth: meta, spotify }: ProviderClients) {
  const redirectUri = (p: Provider) => `${config.PUBLIC_URL}${callbackPath(p)}`;
  return {
    google: {
      label: 'Google Ads',
      configured: Boolean(config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET),
      authorizeUrl: (state: string, verifier: string) => google.authorizeUrl({ redirectUri: redirectUri('google'), state, codeChallenge: codeChallengeS256(verifier) }),
      async grant(code: string, verifier: string): Promise<Granted> {
        const t = await google.exchangeCode({ code, redirectUri: redirectUri('google'), codeVerifier: verifier });
        if (!t.refreshToken) throw new ProviderError('google', 'invalid_request', 'no refresh token (access_type=offline, prompt=consent expected)');
        return t;
      },
    },
    meta: {
      label: 'Meta',
      configured: Boolean(config.META_APP_ID && config.META_APP_SECRET),
      authorizeUrl: (state: string) => meta.dialogUrl({ redirectUri: redirectUri('meta'), state }),
      async grant(code: string): Promise<Granted> {
        const short = await meta.exchangeCode({ code, redirectUri: redirectUri('meta') });
        const long = await meta.exchangeForLongLived(short.accessToken); // ~60 days, renewed by the workflow
        return { ...long, scope: META_ADS_SCOPES.join(',') };
      },
    },
    spotify: {
      label: 'Spotify',
      configured: Boolean(config.SPOTIFY_CLIENT_ID),
      authorizeUrl: (state: string, verifier: string) =>
        spotify.authorizeUrl({ redirectUri: redirectUri('spotify'), scopes: ARTIST_SPOTIFY_SCOPES, state, codeChallenge: codeChallengeS256(verifier) }),
      async grant(code: string, verifier: string): Promise<Granted> {
        const t = await spotify.exchangeCode({ code, redirectUri: redirectUri('spotify'), codeVerifier: verifier });
        if (!t.refreshToken) throw new ProviderError('spotify', 'invalid_request', 'no refresh token in the code exchange');
        return { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresInSeconds: t.expiresInSeconds, scope: t.scope };
      },
    },
  } satisfies Record<Provider, unknown>;
}

// The fans' Spotify sign-in owns /oauth/spotify/callback; an artist's Spotify connection comes back elsewhere.
const callbackPath = (p: Provider) => (p === 'spotify' ? '/oauth/spotify-artist/callback' : `/oauth/${p}/callback`);
const ARTIST_SPOTIFY_SCOPES = ['user-read-private'];

const connectionStart = (config: Config, c: { id: string; accountId: string }) => ({
  connectionId: c.id,
  accountId: c.accountId,
  refreshMarginMs: config.CONNECTION_REFRESH_MARGIN_SECONDS * 1000,
});

/** Public: the provider redirects the artist's browser here. */
export function connectionCallbackRoutes({ pool, keyRing, config, temporal, logger, providers: clients }: AppDeps): Router {
  const router = Router();
  const byProvider = providers(config, clients);

  for (const provider of providerParam.shape.provider.options) router.get(callbackPath(provider), async (req, res) => {
    const query = z.object({ code: z.string().max(2048).optional(), state: z.string().max(2048), error: z.string().max(200).optional() }).safeParse(req.query);
    let nonce: string | null = null;
    try {
      if (query.success) nonce = verifyValue<{ n: string }>(config.STATE_SIGNING_SECRET, query.data.state).payload.n;
    } catch (error) {
      if (!(error instanceof SignedValueError)) throw error;
    }
    const state = nonce ? await consumeOAuthState(pool, keyRing, nonce) : null;
    if (!query.success || !state || state.purpose !== `connect:${provider}` || !state.accountId) {
      return sendPage(res, 400, messagePage('Connection failed', 'This connection link is not valid, expired or was already used. Start again from dropday.'));
    }
    if (query.data.error || !query.data.code) return sendPage(res, 200, messagePage('Not connected', 'You did not allow access, so nothing was connected.'));
    try {
      const granted = await byProvider[provider].grant(query.data.code, state.codeVerifier);
      const { id, replaced } = await createConnection(pool, keyRing, { accountId: state.accountId, provider, ...granted });
      if (replaced) await signalDisconnect(temporal, { connectionId: replaced }).catch(() => undefined);
      await startConnectionToken(temporal, config.TEMPORAL_TASK_QUEUE, connectionStart(config, { id, accountId: state.accountId }));
      sendPage(res, 200, messagePage(`${byProvider[provider].label} connected`, 'dropday can now run your campaigns there. You can close this page.'));
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      logger.warn({ provider, kind: error.kind }, 'connection failed');
      sendPage(res, 502, messagePage('Connection failed', `${byProvider[provider].label} did not complete the connection. Please try again.`));
    }
  });
  return router;
}

/** Behind the API key. */
export function connectionRoutes({ pool, keyRing, config, temporal, providers: clients }: AppDeps): Router {
  const router = Router();
  const byProvider = providers(config, clients);

  router.post('/v1/connections/:provider', async (req, res) => {
    const { provider } = parseParams(providerParam, req);
    if (!byProvider[provider].configured) throw new ApiError(503, 'provider_not_configured', `${byProvider[provider].label} credentials are not configured`);
    const nonce = randomBytes(16).toString('base64url');
    const codeVerifier = createCodeVerifier();
    await saveOAuthState(pool, keyRing, { nonce, purpose: `connect:${provider}`, campaignId: null, accountId: auth(res).accountId, codeVerifier, timeZone: null, expiresAt: Date.now() + STATE_TTL_MS });
    const state = signValue(config.STATE_SIGNING_SECRET, { n: nonce }, STATE_TTL_MS);
    res.status(201).json({ provider, authorizeUrl: byProvider[provider].authorizeUrl(state, codeVerifier), expiresAt: new Date(Date.now() + STATE_TTL_MS).toISOString() });
  });

  router.get('/v1/connections', async (_req, res) => {
    const items = await listConnections(pool, auth(res).accountId);
    res.json({
      items: items.map((c) => ({
        id: c.id,
        provider: c.provider,
        status: c.status,
        accessExpiresAt: c.accessExpiresAt === null ? null : new Date(c.accessExpiresAt).toISOString(),
        createdAt: new Date(c.createdAt).toISOString(),
      })),
    });
  });

  router.delete('/v1/connections/:id', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const connection = await findConnection(pool, id);
    if (!connection || connection.accountId !== auth(res).accountId) throw notFound('connection');
    // Without the token dropday could no longer pause or remove them: the artist cancels them first.
    const adCampaignIds = await openAdCampaignIdsOfConnection(pool, id);
    if (adCampaignIds.length) {
      throw new ApiError(409, 'connection_in_use', 'ad campaigns still run or wait to launch with this connection; cancel them first', { adCampaignIds });
    }
    await markDisconnected(pool, id);
    // The workflow revokes the grant and forgets the tokens; signal-with-start also covers one that had ended.
    await disconnectWithStart(temporal, config.TEMPORAL_TASK_QUEUE, connectionStart(config, connection));
    res.json({ id, status: 'disconnected' });
  });

  return router;
}
