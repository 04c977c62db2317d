import { AuthStore, type Grant, type SimUser, type UserInput } from './auth-store';
import { Catalog, parseInstant, type CreatedRelease, type ReleaseInput } from './catalog';
import { ControlError } from './errors';
import { FaultQueue, type ActiveFault, type FaultSpec } from './faults';
import { LibraryStore, type LibraryCounters } from './library-store';
import { DEFAULT_REFRESH_TOKEN_MAX_AGE_MS, type SpotifySimulatorOptions } from './options';
import { AppRateLimiter, type RateLimits } from './rate-limit';
import { CallRecorder, type CallRecord } from './recorder';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  scope: string;
  expires_in: number;
  refresh_token?: string;
}

export interface PlayInput {
  trackId: string;
  /** ISO-8601 string or epoch ms; default now. */
  playedAt?: string | number;
  context?: { type: string; uri: string } | null;
}

export interface LibraryView {
  userId: string;
  items: Array<{ uri: string; type: string; saveCount: number; firstSavedAt: string; lastSavedAt: string }>;
  /** Saves/follows beyond the first, summed over items. */
  duplicateSaves: number;
}

export interface ConsentView {
  clientId: string;
  scopes: string[];
  consentedAt: string;
  revoked: boolean;
}

export interface SimStats extends LibraryCounters {
  calls: number;
  byStatus: Record<string, number>;
  rateLimited: number;
  quotaRejected: number;
}

/** The scopes a token minted through the control API gets unless told otherwise. */
export const DEFAULT_TEST_SCOPES = [
  'user-read-private',
  'user-read-email',
  'user-library-read',
  'user-library-modify',
  'user-follow-read',
  'user-follow-modify',
  'user-read-recently-played',
];

/** All simulator state, in memory; the control API is a thin HTTP layer over these methods. */
export class SpotifySimState {
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly appName: string;
  readonly redirectUris?: readonly string[];
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenMaxAgeMs: number;
  readonly artistUrisInLibrary: boolean;
  readonly enforceScopes: boolean;
  readonly rotateSecretClientRefreshTokens: boolean;
  /** Rate limits; mutable at run time through `configure`. */
  readonly config: RateLimits;
  readonly now: () => number;

  readonly catalog = new Catalog();
  readonly auth = new AuthStore();
  readonly library = new LibraryStore();
  readonly faults = new FaultQueue();
  readonly recorder = new CallRecorder();
  readonly limiter: AppRateLimiter;
  private readonly initialConfig: RateLimits;

  constructor(opts: SpotifySimulatorOptions) {
    this.clientId = opts.clientId;
    this.clientSecret = opts.clientSecret;
    this.appName = opts.appName ?? opts.clientId;
    this.redirectUris = opts.redirectUris;
    this.accessTokenTtlSeconds = opts.accessTokenTtlSeconds ?? 3600;
    this.refreshTokenMaxAgeMs = opts.refreshTokenMaxAgeMs ?? DEFAULT_REFRESH_TOKEN_MAX_AGE_MS;
    this.artistUrisInLibrary = opts.artistUrisInLibrary ?? true;
    this.enforceScopes = opts.enforceScopes ?? true;
    this.rotateSecretClientRefreshTokens = opts.rotateSecretClientRefreshTokens ?? false;
    this.now = opts.now ?? Date.now;
    this.initialConfig = {
      rateLimitPerWindow: opts.rateLimitPerWindow ?? 6000,
      windowMs: opts.windowMs ?? 30_000,
      dailyQuota: opts.dailyQuota ?? Number.POSITIVE_INFINITY,
    };
    this.config = { ...this.initialConfig };
    this.limiter = new AppRateLimiter(() => this.config);
  }

  addRelease(input: ReleaseInput): CreatedRelease {
    return this.catalog.addRelease(input);
  }

  upsertUser(input: UserInput = {}): { user: SimUser; created: boolean } {
    return this.auth.upsertUser(input, this.now());
  }

  getUser(id: string): SimUser {
    return this.auth.requireUser(id);
  }

  /** The user plus every consent they gave (consentedAt starts the 6-month refresh-token lifetime). */
  userView(id: string): SimUser & { consents: ConsentView[] } {
    const user = this.auth.requireUser(id);
    const consents = [...this.auth.grants.values()]
      .filter((g) => g.userId === id)
      .map((g) => ({
        clientId: g.clientId,
        scopes: g.scopes,
        consentedAt: new Date(g.consentedAt).toISOString(),
        revoked: g.revoked,
      }));
    return { ...user, consents };
  }

  /** The user revokes the app: refresh → invalid_grant "Refresh token revoked", API → 401. */
  revokeUser(userId: string): { revokedGrants: number } {
    this.auth.requireUser(userId);
    return { revokedGrants: this.auth.revokeUser(userId) };
  }

  /** Every live access token of the user expires now; refresh tokens are unaffected. */
  expireAccessTokens(userId: string): { expired: number } {
    this.auth.requireUser(userId);
    return { expired: this.auth.expireAccessTokens(userId, this.now()) };
  }

  addPlay(userId: string, input: PlayInput): void {
    this.auth.requireUser(userId);
    if (!this.catalog.tracks.has(input.trackId)) throw new ControlError(404, `Unknown track: ${input.trackId}`);
    const playedAt = input.playedAt === undefined ? this.now() : parseInstant(input.playedAt);
    this.library.addPlay(userId, { trackId: input.trackId, playedAt, context: input.context ?? null });
  }

  /**
   * Mints the token set a consent would produce, skipping the browser dance (benchmarks, seeding).
   * `pkce` tokens rotate on refresh like PKCE clients' tokens.
   */
  issueTokensForUser(userId: string, scopes: string[] = DEFAULT_TEST_SCOPES): TokenResponse {
    this.auth.requireUser(userId);
    const grant = this.auth.grant(userId, this.clientId, scopes, this.now());
    return this.issueTokenSet(grant, true);
  }

  /** Access token (+ refresh token when asked) for a grant, in the /api/token response shape. */
  issueTokenSet(grant: Grant, withRefreshToken: boolean): TokenResponse {
    const response: TokenResponse = {
      access_token: this.auth.issueAccessToken(grant.clientId, grant, this.accessTokenTtlSeconds, this.now()),
      token_type: 'Bearer',
      scope: grant.scopes.join(' '),
      expires_in: this.accessTokenTtlSeconds,
    };
    if (withRefreshToken) response.refresh_token = this.auth.issueRefreshToken(grant);
    return response;
  }

  injectFault(spec: FaultSpec): ActiveFault {
    return this.faults.add(spec, this.now());
  }

  clearFaults(): void {
    this.faults.clear();
  }

  configure(patch: Partial<RateLimits>): RateLimits {
    for (const key of ['rateLimitPerWindow', 'windowMs', 'dailyQuota'] as const) {
      const value = patch[key];
      if (value !== undefined) this.config[key] = value;
    }
    return { ...this.config };
  }

  calls(): CallRecord[] {
    return this.recorder.records.map((r) => ({ ...r }));
  }

  libraryOf(userId: string): LibraryView {
    const items = this.library.entries(userId).map((e) => ({
      uri: e.uri,
      type: e.type,
      saveCount: e.saveCount,
      firstSavedAt: new Date(e.firstSavedAt).toISOString(),
      lastSavedAt: new Date(e.lastSavedAt).toISOString(),
    }));
    return { userId, items, duplicateSaves: items.reduce((sum, i) => sum + i.saveCount - 1, 0) };
  }

  stats(): SimStats {
    const { calls, byStatus, rateLimited, quotaRejected } = this.recorder.counters;
    return { calls, byStatus: { ...byStatus }, ...this.library.counters, rateLimited, quotaRejected };
  }

  /** Back to the freshly created simulator: no users, releases, tokens, faults or history. */
  reset(): void {
    this.catalog.clear();
    this.auth.clear();
    this.library.clear();
    this.faults.clear();
    this.recorder.clear();
    this.limiter.clear();
    Object.assign(this.config, this.initialConfig);
  }
}
