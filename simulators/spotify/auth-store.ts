import { newAccountId, newOpaqueToken, newUserId, USER_ID } from './ids';
import { ControlError } from './errors';

const AUTHORIZATION_CODE_TTL_MS = 10 * 60 * 1000;

export interface SimUser {
  id: string;
  /** Immutable pseudonymous id (`account_id` on GET /me), the one to link accounts with. */
  accountId: string;
  displayName: string;
  /** Kept for tests; not returned by GET /me (Development mode drops `country`). */
  country: string;
  createdAt: number;
}

export interface UserInput {
  id?: string;
  accountId?: string;
  displayName?: string;
  country?: string;
}

/** One user's consent to one client. Refresh tokens die `refreshTokenMaxAgeMs` after `consentedAt`. */
export interface Grant {
  id: string;
  userId: string;
  clientId: string;
  scopes: string[];
  consentedAt: number;
  revoked: boolean;
}

export interface AuthorizationCode {
  grantId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge?: string;
  expiresAt: number;
}

export interface AccessTokenRecord {
  clientId: string;
  /** Absent for client-credentials tokens, which carry no user. */
  grantId?: string;
  userId?: string;
  scopes: string[];
  expiresAt: number;
}

export interface RefreshTokenRecord {
  grantId: string;
  clientId: string;
}

/** Who is calling the Web API, once the bearer token checked out. */
export interface ApiSession {
  clientId: string;
  userId?: string;
  scopes: ReadonlySet<string>;
}

export type AuthenticationResult = { ok: true; session: ApiSession } | { ok: false; message: string };

/** Users, consents, authorization codes and tokens. */
export class AuthStore {
  readonly users = new Map<string, SimUser>();
  readonly grants = new Map<string, Grant>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private grantSequence = 0;

  /** Creates a user or updates the given fields of an existing one. */
  upsertUser(input: UserInput, now: number): { user: SimUser; created: boolean } {
    if (input.id !== undefined && !USER_ID.test(input.id)) {
      throw new ControlError(400, `Invalid user id: ${input.id}`);
    }
    const existing = input.id === undefined ? undefined : this.users.get(input.id);
    if (existing) {
      if (input.accountId !== undefined) existing.accountId = input.accountId;
      if (input.displayName !== undefined) existing.displayName = input.displayName;
      if (input.country !== undefined) existing.country = input.country;
      return { user: existing, created: false };
    }
    const user: SimUser = {
      id: input.id ?? newUserId(),
      accountId: input.accountId ?? newAccountId(),
      displayName: input.displayName ?? 'Sandbox Fan',
      country: input.country ?? 'SE',
      createdAt: now,
    };
    this.users.set(user.id, user);
    return { user, created: true };
  }

  requireUser(id: string): SimUser {
    const user = this.users.get(id);
    if (!user) throw new ControlError(404, `Unknown user: ${id}`);
    return user;
  }

  /** Records a consent (accept on the consent page); each consent starts a new refresh-token lifetime. */
  grant(userId: string, clientId: string, scopes: string[], now: number): Grant {
    const grant: Grant = {
      id: `grant-${++this.grantSequence}`,
      userId,
      clientId,
      scopes,
      consentedAt: now,
      revoked: false,
    };
    this.grants.set(grant.id, grant);
    return grant;
  }

  issueCode(grant: Grant, redirectUri: string, codeChallenge: string | undefined, now: number): string {
    const code = newOpaqueToken('AQ');
    this.codes.set(code, {
      grantId: grant.id,
      clientId: grant.clientId,
      redirectUri,
      codeChallenge,
      expiresAt: now + AUTHORIZATION_CODE_TTL_MS,
    });
    return code;
  }

  /** Codes are single-use: any exchange attempt consumes the code, successful or not. */
  takeCode(code: string, now: number): AuthorizationCode | undefined {
    const record = this.codes.get(code);
    this.codes.delete(code);
    return record && record.expiresAt > now ? record : undefined;
  }

  issueAccessToken(clientId: string, grant: Grant | undefined, ttlSeconds: number, now: number): string {
    const token = newOpaqueToken('BQ');
    this.accessTokens.set(token, {
      clientId,
      grantId: grant?.id,
      userId: grant?.userId,
      scopes: grant?.scopes ?? [],
      expiresAt: now + ttlSeconds * 1000,
    });
    return token;
  }

  issueRefreshToken(grant: Grant): string {
    const token = newOpaqueToken('AQ');
    this.refreshTokens.set(token, { grantId: grant.id, clientId: grant.clientId });
    return token;
  }

  findRefreshToken(token: string): RefreshTokenRecord | undefined {
    return this.refreshTokens.get(token);
  }

  /** PKCE rotation: the old refresh token stops working once its successor is issued. */
  retireRefreshToken(token: string): void {
    this.refreshTokens.delete(token);
  }

  /** Resolves a user id from a bearer token without judging it (used to label recorded calls). */
  peekUserId(token: string): string | undefined {
    return this.accessTokens.get(token)?.userId;
  }

  authenticate(token: string, now: number): AuthenticationResult {
    const record = this.accessTokens.get(token);
    if (!record) return { ok: false, message: 'Invalid access token' };
    const grant = record.grantId === undefined ? undefined : this.grants.get(record.grantId);
    if (grant?.revoked) return { ok: false, message: 'Invalid access token' };
    if (record.expiresAt <= now) return { ok: false, message: 'The access token expired' };
    return {
      ok: true,
      session: { clientId: record.clientId, userId: record.userId, scopes: new Set(record.scopes) },
    };
  }

  /** The user removes the app (or resets the password): every grant, hence every token, dies. */
  revokeUser(userId: string): number {
    let revoked = 0;
    for (const grant of this.grants.values()) {
      if (grant.userId === userId && !grant.revoked) {
        grant.revoked = true;
        revoked++;
      }
    }
    return revoked;
  }

  /** Makes the user's live access tokens expire now (refresh tokens keep working). */
  expireAccessTokens(userId: string, now: number): number {
    let expired = 0;
    for (const record of this.accessTokens.values()) {
      if (record.userId === userId && record.expiresAt > now) {
        record.expiresAt = now;
        expired++;
      }
    }
    return expired;
  }

  /** Every access and refresh token ever issued and still known, so tests can look for them where they must not be. */
  issuedTokens(): string[] {
    return [...this.accessTokens.keys(), ...this.refreshTokens.keys()];
  }

  clear(): void {
    this.users.clear();
    this.grants.clear();
    this.codes.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }
}
