// Artists' connected accounts (Google Ads, Meta, Spotify): starting a connect answers the consent URL to open, the
// provider sends the browser back to /oauth/<provider>/callback, and completing it stores the encrypted tokens and
// starts the connectionTokenWorkflow that keeps the connection fresh. The state (./state.ts) is signed, expiring and
// single-use; it is not bound to a browser cookie, because the flow is started by an API call, not by the browser
// that finishes it.
import { z } from 'zod';
import { createConnection } from '../../db/connections';
import { type Config } from '../../lib/config';
import { signalDisconnect, startConnectionToken } from '../../lib/starters/connection-token';
import { ProviderError } from '../../lib/providers/errors';
import { META_ADS_SCOPES } from '../../lib/providers/meta-oauth';
import { type AppDeps } from '../deps';
import { type OAuthStates } from './state';

const STATE_TTL_MS = 15 * 60_000;
export const CONNECTION_PROVIDERS = ['google', 'meta', 'spotify'] as const;
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
}

/** What differs per provider: whether it is configured, its consent URL, and turning a code into tokens. */
function providers({ config, providers: { googleOAuth: google, metaOAuth: meta, spotify } }: AppDeps) {
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
        return { ...long, scope: META_ADS_SCOPES.join(',') };
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

export type ConnectStart =
  { configured: false; label: string } | { configured: true; authorizeUrl: string; expiresAt: number };

export type ConnectOutcome =
  | { outcome: 'refused' } // the state is not valid, expired, of another kind or already used
  | { outcome: 'declined' } // the artist did not allow access
  | { outcome: 'connected'; label: string }
  | { outcome: 'provider_failed'; label: string };

export function createArtistConnections(deps: AppDeps, states: OAuthStates) {
  const { pool, keyRing, config, temporal, logger } = deps;
  const byProvider = providers(deps);

  return {
    /** The consent URL for the artist to open, under a fresh state bound to their account. */
    async start(provider: ConnectionProvider, accountId: string): Promise<ConnectStart> {
      if (!byProvider[provider].configured) return { configured: false, label: byProvider[provider].label };
      const issued = await states.issue(`connect:${provider}`, { accountId }, STATE_TTL_MS);
      const authorizeUrl = byProvider[provider].authorizeUrl(issued.state, issued.codeChallenge);
      return { configured: true, authorizeUrl, expiresAt: issued.expiresAt };
    },

    /** The provider's callback: consume the state, exchange the code, store the connection, keep it fresh. */
    async complete(provider: ConnectionProvider, query: ConnectionCallbackQuery): Promise<ConnectOutcome> {
      const state = await states.consume(query.state, { purposes: [`connect:${provider}`] });
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
