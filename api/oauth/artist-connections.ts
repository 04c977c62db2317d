// Artists' connected accounts (Google Ads, Meta, Spotify, Instagram professional accounts: several per label). A connect is bound to a signed-in browser of the account,
// so nobody can hand their own connect link to an artist and receive the artist's ad account:
//   1. POST /v1/connections/:provider (API key) answers a dropday link, /app/connect/<token> (signed, purpose
//      `connect-link`, 15 minutes), naming the account and the provider: never the provider's URL.
//   2. That page needs the dashboard session of that very account (api/app-session.ts), names the account and asks
//      to confirm; the confirm is a same-origin POST from that session with its anti-forgery field.
//   3. Only the confirm issues the OAuth state (./state.ts), with its nonce in an HttpOnly cookie of that browser,
//      and redirects to the provider.
//   4. The provider's callback (/oauth/<provider>/callback) consumes the state only with that cookie: a provider URL
//      or callback opened in any other browser is refused. Then the tokens are stored encrypted and the
//      connectionTokenWorkflow keeps the connection fresh.
import { type Response } from 'express';
import { z } from 'zod';
import { createConnection } from '../../db/connections';
import { type Config } from '../../lib/config';
import { signalDisconnect, startConnectionToken } from '../../lib/starters/connection-token';
import { ProviderError } from '../../lib/providers/errors';
import { META_ADS_SCOPES } from '../../lib/providers/meta-oauth';
import { INSTAGRAM_SCOPES } from '../../lib/providers/instagram';
import { createLookupHasher, lookupHashSecret } from '../../lib/crypto/lookup-hash';
import { metaUserLookupHash } from '../../lib/crypto/meta-signed-request';
import { SignedValueError, signingKeys } from '../../lib/crypto/signed-value';
import { type AppDeps } from '../deps';
import { parseCookie } from '../http/cookies';
import { type OAuthStates } from './state';

const STATE_TTL_MS = 15 * 60_000;
export const CONNECT_LINK_TTL_MS = 15 * 60_000;
/** The browser binding of a connect's OAuth state: its nonce, sent back to every /oauth/<provider>/callback. */
const CONNECT_STATE_COOKIE = 'dd_connect_state';
const CONNECT_STATE_COOKIE_PATH = '/oauth';
export const CONNECTION_PROVIDERS = ['google', 'meta', 'spotify', 'instagram'] as const;
export type ConnectionProvider = (typeof CONNECTION_PROVIDERS)[number];
const ARTIST_SPOTIFY_SCOPES = ['user-read-private'];

// The fans' Spotify sign-in owns /oauth/spotify/callback; an artist's Spotify connection comes back elsewhere.
export const connectionCallbackPath = (p: ConnectionProvider) =>
  p === 'spotify' ? '/oauth/spotify-artist/callback' : `/oauth/${p}/callback`;

interface Granted {
  accessToken: string;
  refreshToken?: string;
  expiresInSeconds: number;
  scope: string;
  /** Meta: which Meta user made the connection, so their data deletion callback finds it (lookup hash). */
  providerUserHash?: string;
  /** Instagram: which professional account (a label may connect several) and its @username */
  externalAccountId?: string;
  displayName?: string;
}

/** What differs per provider: whether it is configured, its consent URL, and turning a code into tokens. */
function providers({ config, providers: { googleOAuth: google, metaOAuth: meta, spotify, instagram } }: AppDeps) {
  const hash = createLookupHasher(lookupHashSecret(config));
  const redirectUri = (p: ConnectionProvider) => `${config.PUBLIC_URL}${connectionCallbackPath(p)}`;
  return {
    google: {
      label: 'Google Ads',
      configured: Boolean(config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET),
      authorizeUrl: (state: string, codeChallenge: string) =>
        google.authorizeUrl({ redirectUri: redirectUri('google'), state, codeChallenge }),
      async grant(code: string, verifier: string): Promise<Granted> {
        const t = await google.exchangeCode({ code, redirectUri: redirectUri('google'), codeVerifier: verifier });
        if (!t.refreshToken)
          throw new ProviderError(
            'google',
            'invalid_request',
            'no refresh token (access_type=offline, prompt=consent expected)',
          );
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
        const metaUserId = await meta.appScopedUserId(long.accessToken);
        return {
          ...long,
          scope: META_ADS_SCOPES.join(','),
          providerUserHash: metaUserLookupHash(hash, metaUserId),
        };
      },
    },
    spotify: {
      label: 'Spotify',
      configured: Boolean(config.SPOTIFY_CLIENT_ID),
      authorizeUrl: (state: string, codeChallenge: string) =>
        spotify.authorizeUrl({
          redirectUri: redirectUri('spotify'),
          scopes: ARTIST_SPOTIFY_SCOPES,
          state,
          codeChallenge,
        }),
      async grant(code: string, verifier: string): Promise<Granted> {
        const t = await spotify.exchangeCode({ code, redirectUri: redirectUri('spotify'), codeVerifier: verifier });
        if (!t.refreshToken)
          throw new ProviderError('spotify', 'invalid_request', 'no refresh token in the code exchange');
        return {
          accessToken: t.accessToken,
          refreshToken: t.refreshToken,
          expiresInSeconds: t.expiresInSeconds,
          scope: t.scope,
        };
      },
    },
    instagram: {
      label: 'Instagram',
      configured: Boolean(config.INSTAGRAM_APP_ID && config.INSTAGRAM_APP_SECRET),
      authorizeUrl: (state: string) => instagram.authorizeUrl({ redirectUri: redirectUri('instagram'), state }),
      async grant(code: string): Promise<Granted> {
        const short = await instagram.exchangeCode({ code, redirectUri: redirectUri('instagram') });
        const long = await instagram.exchangeForLongLived(short.accessToken); // 60 days, refreshed by the workflow
        const account = await instagram.me(long.accessToken);
        await instagram.subscribeWebhooks(long.accessToken); // comments and messages of this account
        return {
          ...long,
          scope: INSTAGRAM_SCOPES.join(','),
          externalAccountId: account.userId,
          displayName: account.username,
        };
      },
    },
  } satisfies Record<ConnectionProvider, unknown>;
}

export const connectionStart = (config: Config, c: { id: string; accountId: string }) => ({
  connectionId: c.id,
  accountId: c.accountId,
  refreshMarginMs: config.CONNECTION_REFRESH_MARGIN_SECONDS * 1000,
});

export const connectionCallbackQuery = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(2048),
  error: z.string().max(200).optional(),
});
export type ConnectionCallbackQuery = z.infer<typeof connectionCallbackQuery>;

export type ConnectStart = { configured: false; label: string } | { configured: true; link: string; expiresAt: number };

/** What a connect link names, once its signature, purpose and expiry are checked. */
export interface ConnectLink {
  accountId: string;
  provider: ConnectionProvider;
  label: string;
}

export type ConnectOutcome =
  | { outcome: 'refused' } // the state is not valid, expired, of another kind or already used
  | { outcome: 'declined' } // the artist did not allow access
  | { outcome: 'connected'; label: string }
  | { outcome: 'provider_failed'; label: string };

export function createArtistConnections(deps: AppDeps, states: OAuthStates) {
  const { pool, keyRing, config, temporal, logger } = deps;
  const byProvider = providers(deps);
  const keys = signingKeys(config);
  const secureCookie = config.PUBLIC_URL.startsWith('https://');

  return {
    /** Whether the provider's app credentials are configured (else it cannot be connected here). */
    configured: (provider: ConnectionProvider) => byProvider[provider].configured,

    /** The dropday link for the artist to open (step 1): it confirms the connect in a signed-in browser. */
    start(provider: ConnectionProvider, accountId: string): ConnectStart {
      if (!byProvider[provider].configured) return { configured: false, label: byProvider[provider].label };
      const expiresAt = Date.now() + CONNECT_LINK_TTL_MS;
      const token = keys.sign('connect-link', { a: accountId, p: provider }, CONNECT_LINK_TTL_MS);
      return { configured: true, link: `${config.PUBLIC_URL}/app/connect/${token}`, expiresAt };
    },

    /** The link's account and provider, or null (forged, expired, of another kind, or a provider not configured). */
    readLink(token: string): ConnectLink | null {
      let payload: { a?: unknown; p?: unknown };
      try {
        payload = keys.verify<{ a?: unknown; p?: unknown }>('connect-link', token).payload;
      } catch (error) {
        if (error instanceof SignedValueError) return null;
        throw error;
      }
      const provider = CONNECTION_PROVIDERS.find((p) => p === payload?.p);
      if (!provider || typeof payload.a !== 'string' || !byProvider[provider].configured) return null;
      return { accountId: payload.a, provider, label: byProvider[provider].label };
    },

    /** Where the confirmation's form ends up (the provider's consent page): the confirm page's CSP must allow it. */
    consentOrigin(provider: ConnectionProvider): string {
      return new URL(byProvider[provider].authorizeUrl('state', 'challenge')).origin;
    },

    /**
     * The confirmation (step 3), from the account's own signed-in browser: a state bound to this browser's cookie,
     * and the provider's consent URL to redirect it to.
     */
    async confirm(res: Response, link: ConnectLink): Promise<string> {
      const issued = await states.issue(`connect:${link.provider}`, { accountId: link.accountId }, STATE_TTL_MS);
      res.cookie(CONNECT_STATE_COOKIE, issued.nonce, {
        httpOnly: true,
        sameSite: 'lax', // sent on the provider's top-level redirect back to us
        secure: secureCookie,
        maxAge: STATE_TTL_MS,
        path: CONNECT_STATE_COOKIE_PATH,
      });
      return byProvider[link.provider].authorizeUrl(issued.state, issued.codeChallenge);
    },

    /**
     * The provider's callback (step 4): consume the state (only in the browser that confirmed), exchange the code,
     * store the connection, keep it fresh.
     */
    async complete(
      provider: ConnectionProvider,
      query: ConnectionCallbackQuery,
      cookieHeader: string | undefined,
      res: Response,
    ): Promise<ConnectOutcome> {
      const browserNonce = parseCookie(cookieHeader, CONNECT_STATE_COOKIE);
      const state = await states.consume(query.state, { purposes: [`connect:${provider}`], browserNonce });
      if (state.ok || (!state.ok && state.refusal === 'used'))
        res.clearCookie(CONNECT_STATE_COOKIE, { path: CONNECT_STATE_COOKIE_PATH });
      if (!state.ok || !state.accountId) return { outcome: 'refused' };
      if (query.error || !query.code) return { outcome: 'declined' };
      const { label } = byProvider[provider];
      try {
        const granted = await byProvider[provider].grant(query.code, state.codeVerifier);
        const { id, replaced } = await createConnection(pool, keyRing, {
          accountId: state.accountId,
          provider,
          ...granted,
        });
        if (replaced) await signalDisconnect(temporal, { connectionId: replaced }).catch(() => undefined);
        await startConnectionToken(
          temporal,
          config.TEMPORAL_TASK_QUEUE,
          connectionStart(config, { id, accountId: state.accountId }),
        );
        return { outcome: 'connected', label };
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        logger.warn({ provider, kind: error.kind }, 'connection failed');
        return { outcome: 'provider_failed', label };
      }
    },
  };
}

export type ArtistConnections = ReturnType<typeof createArtistConnections>;
