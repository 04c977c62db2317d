export interface SpotifySimulatorOptions {
  /** The one registered app. */
  clientId: string;
  /** If set, the secret-based code flow with Basic auth (and client credentials) is also accepted. */
  clientSecret?: string;
  /** App-wide requests per rolling window for Web API calls (default 6000). */
  rateLimitPerWindow?: number;
  /** Rolling window length (default 30000). */
  windowMs?: number;
  /** Web API calls per rolling 24 h before 429 reason QUOTA_EXCEEDED (default Infinity). */
  dailyQuota?: number;
  /** Access token lifetime (default 3600). */
  accessTokenTtlSeconds?: number;
  /** Refresh tokens stop working this long after consent; refreshing never extends it (default 182.5 days). */
  refreshTokenMaxAgeMs?: number;
  /** Accept spotify:artist: on PUT/DELETE /v1/me/library as a follow (default true). */
  artistUrisInLibrary?: boolean;
  /** Clock for every expiry and rate-limit decision (default Date.now). */
  now?: () => number;
  /** Shown on the consent page (default: the client id). */
  appName?: string;
  /** When set, /authorize also requires an exact match with one of these (like the dashboard's allow-list). */
  redirectUris?: string[];
  /** Answer 403 "Insufficient client scope" when the token lacks the endpoint's scope (default true). */
  enforceScopes?: boolean;
  /** Secret (Basic) clients get a new refresh token on refresh too (default false: they keep theirs). */
  rotateSecretClientRefreshTokens?: boolean;
}

export const DEFAULT_REFRESH_TOKEN_MAX_AGE_MS = 182.5 * 24 * 60 * 60 * 1000;
