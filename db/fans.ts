import { type DatabaseTransactionConnection } from 'slonik';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type KeyRing } from '../lib/crypto/keyring';
import { type DatabasePool, NO_ROWS, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;

// Refresh tokens die six months after consent; refreshing does not extend that (Spotify, 2026).
export const REFRESH_TOKEN_LIFETIME_MS = 182 * 24 * 3600 * 1000;

const aad = (fanId: string, which: 'access' | 'refresh') => `fan_tokens:${fanId}:${which}`;

export async function upsertFan(
  db: Db,
  input: { provider: string; providerUserId: string; timeZone: string | null },
): Promise<string> {
  return db.oneFirst(sql.prepared('upsert_fan', z.object({ id: z.string().uuid() }))`
    INSERT INTO fans (provider, provider_user_id, time_zone) VALUES (${input.provider}, ${input.providerUserId}, ${input.timeZone})
    ON CONFLICT (provider, provider_user_id) DO UPDATE SET time_zone = coalesce(EXCLUDED.time_zone, fans.time_zone)
    RETURNING id`);
}

export type ConsentTokens = {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  scope: string;
  consentedAt: number;
};

export interface ConsentingFan {
  provider: string;
  providerUserId: string;
  timeZone: string | null;
  tokens: ConsentTokens;
}

/**
 * The CTEs `fan` (the fan upserted, RETURNING id) and `new_fan` (the same row, only when the fan is new to us: its
 * id is then `candidate`, chosen by the caller) and the fan's tokens inserted for a new fan, sealed to `candidate`
 * beforehand. Nothing is written unless `onlyIf` holds. For statements of more than one step (db/presave-capture.ts).
 */
export function consentedFanSteps(
  keyRing: KeyRing,
  candidate: string,
  input: ConsentingFan,
  onlyIf = sql.fragment`TRUE`,
) {
  const t = input.tokens;
  return sql.fragment`
    fan AS (
      INSERT INTO fans (id, provider, provider_user_id, time_zone)
      SELECT ${candidate}::uuid, ${input.provider}::text, ${input.providerUserId}::text, ${input.timeZone}::text
      WHERE ${onlyIf}
      ON CONFLICT (provider, provider_user_id) DO UPDATE SET time_zone = coalesce(EXCLUDED.time_zone, fans.time_zone)
      RETURNING id
    ), new_fan AS (
      SELECT id FROM fan WHERE id = ${candidate}
    ), new_fan_tokens AS (
      INSERT INTO fan_tokens (fan_id, access_token_enc, refresh_token_enc, access_expires_at, scopes, consented_at,
                              refresh_expires_at)
      SELECT id, ${keyRing.encrypt(t.accessToken, aad(candidate, 'access'))},
             ${keyRing.encrypt(t.refreshToken, aad(candidate, 'refresh'))},
             to_timestamp(${(t.consentedAt + t.expiresInSeconds * 1000) / 1000}), ${t.scope},
             to_timestamp(${t.consentedAt / 1000}), to_timestamp(${(t.consentedAt + REFRESH_TOKEN_LIFETIME_MS) / 1000})
      FROM new_fan
    )`;
}

/**
 * A fan who has just consented, with their tokens: upsertFan and storeFanTokens in one statement (one round trip on
 * the pre-save's path) for a fan new to us — their id is chosen here, so the tokens can be sealed to it before the
 * statement. A fan we know already keeps their id: the statement writes no tokens for them, and storeFanTokens
 * seals theirs again to that id (a second statement, as before). Returns the fan's id.
 */
export async function storeConsentedFan(db: Db, keyRing: KeyRing, input: ConsentingFan): Promise<string> {
  const candidate = randomUUID();
  const id = await db.oneFirst(sql.prepared('store_consented_fan', z.object({ id: z.string().uuid() }))`
    WITH ${consentedFanSteps(keyRing, candidate, input)}
    SELECT id FROM fan`);
  if (id !== candidate) await storeFanTokens(db, keyRing, id, input.tokens);
  return id;
}

/** A fresh consent: new tokens, new consent time, status active again. */
export async function storeFanTokens(db: Db, keyRing: KeyRing, fanId: string, t: ConsentTokens): Promise<void> {
  await db.query(sql.prepared('store_fan_tokens', NO_ROWS)`
    INSERT INTO fan_tokens (fan_id, access_token_enc, refresh_token_enc, access_expires_at, scopes, consented_at, refresh_expires_at)
    VALUES (${fanId}, ${keyRing.encrypt(t.accessToken, aad(fanId, 'access'))}, ${keyRing.encrypt(t.refreshToken, aad(fanId, 'refresh'))},
            to_timestamp(${(t.consentedAt + t.expiresInSeconds * 1000) / 1000}), ${t.scope},
            to_timestamp(${t.consentedAt / 1000}), to_timestamp(${(t.consentedAt + REFRESH_TOKEN_LIFETIME_MS) / 1000}))
    ON CONFLICT (fan_id) DO UPDATE SET access_token_enc = EXCLUDED.access_token_enc,
      refresh_token_enc = EXCLUDED.refresh_token_enc, access_expires_at = EXCLUDED.access_expires_at,
      scopes = EXCLUDED.scopes, consented_at = EXCLUDED.consented_at, refresh_expires_at = EXCLUDED.refresh_expires_at,
      status = 'active', refresh_claim = NULL, refresh_claimed_until = NULL, updated_at = now()`);
}

export interface ConsentedFan {
  /** chosen by the caller: the tokens' ciphertexts are bound to it */
  id: string;
  provider: string;
  providerUserId: string;
  timeZone: string | null;
  tokens: { accessToken: string; refreshToken: string; expiresInSeconds: number; scope: string; consentedAt: number };
}

/**
 * Many new fans with their consent's tokens, encrypted as storeFanTokens does, in two statements (the bulk path
 * that seeds a benchmark's fans: docs/performance.md). Fans that exist already are left as they are.
 */
export async function insertConsentedFans(db: Db, keyRing: KeyRing, fans: readonly ConsentedFan[]): Promise<number> {
  if (fans.length === 0) return 0;
  const fresh = await insertFansInBulk(db, fans);
  const rows = fans.filter((f) => fresh.has(f.id));
  if (rows.length === 0) return 0;
  const tokens = (pick: (f: ConsentedFan) => string | number | null, type: string) => sql.array(rows.map(pick), type);
  await db.query(sql.unsafe`
    INSERT INTO fan_tokens (fan_id, access_token_enc, refresh_token_enc, access_expires_at, scopes, consented_at,
                            refresh_expires_at)
    SELECT id, access_enc, refresh_enc, to_timestamp((consented_ms + expires_in * 1000) / 1000), scope,
           to_timestamp(consented_ms / 1000), to_timestamp((consented_ms + ${REFRESH_TOKEN_LIFETIME_MS}) / 1000)
    FROM unnest(${tokens((f) => f.id, 'uuid')},
                ${tokens((f) => keyRing.encrypt(f.tokens.accessToken, aad(f.id, 'access')), 'text')},
                ${tokens((f) => keyRing.encrypt(f.tokens.refreshToken, aad(f.id, 'refresh')), 'text')},
                ${tokens((f) => f.tokens.consentedAt, 'float8')}, ${tokens((f) => f.tokens.expiresInSeconds, 'float8')},
                ${tokens((f) => f.tokens.scope, 'text')})
         AS t(id, access_enc, refresh_enc, consented_ms, expires_in, scope)`);
  return rows.length;
}

/** Many new fans in one statement (the bulk seeding path); the ids of those that did not exist already. */
export async function insertFansInBulk(
  db: Db,
  fans: readonly Pick<ConsentedFan, 'id' | 'provider' | 'providerUserId' | 'timeZone'>[],
): Promise<Set<string>> {
  if (fans.length === 0) return new Set();
  const column = (pick: (f: (typeof fans)[number]) => string | null, type: string) => sql.array(fans.map(pick), type);
  const inserted = await db.anyFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO fans (id, provider, provider_user_id, time_zone)
    SELECT * FROM unnest(${column((f) => f.id, 'uuid')}, ${column((f) => f.provider, 'text')},
                         ${column((f) => f.providerUserId, 'text')}, ${column((f) => f.timeZone, 'text')})
    ON CONFLICT (provider, provider_user_id) DO NOTHING
    RETURNING id`);
  return new Set(inserted);
}

const tokenRow = z.object({
  accessTokenEnc: z.string(),
  refreshTokenEnc: z.string(),
  accessExpiresAt: z.number(),
  refreshExpiresAt: z.number(),
  consentedAt: z.number(),
  status: z.enum(['active', 'revoked']),
});
const tokenColumns = sql.fragment`
  access_token_enc AS "accessTokenEnc", refresh_token_enc AS "refreshTokenEnc", access_expires_at AS "accessExpiresAt",
  refresh_expires_at AS "refreshExpiresAt", consented_at AS "consentedAt", status`;

export interface FanTokens {
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: number;
  refreshExpiresAt: number;
  /** which consent these tokens belong to: a refresh's result is written only to the same consent */
  consentedAt: number;
  status: 'active' | 'revoked';
}

const decryptTokens = (keyRing: KeyRing, fanId: string, row: z.infer<typeof tokenRow>): FanTokens => ({
  accessToken: keyRing.decrypt(row.accessTokenEnc, aad(fanId, 'access')),
  refreshToken: keyRing.decrypt(row.refreshTokenEnc, aad(fanId, 'refresh')),
  accessExpiresAt: row.accessExpiresAt,
  refreshExpiresAt: row.refreshExpiresAt,
  consentedAt: row.consentedAt,
  status: row.status,
});

/** A fan's tokens, decrypted. */
export async function loadFanTokens(db: Db, keyRing: KeyRing, fanId: string): Promise<FanTokens | null> {
  const row = await db.maybeOne(sql.type(tokenRow)`SELECT ${tokenColumns} FROM fan_tokens WHERE fan_id = ${fanId}`);
  return row && decryptTokens(keyRing, fanId, row);
}

/** Many fans' tokens in one read (a release batch), decrypted; fans without tokens are absent. */
export async function loadFanTokensOf(
  db: Db,
  keyRing: KeyRing,
  fanIds: readonly string[],
): Promise<Map<string, FanTokens>> {
  if (fanIds.length === 0) return new Map();
  const rows = await db.any(sql.type(tokenRow.extend({ fanId: z.string() }))`
    SELECT fan_id AS "fanId", ${tokenColumns} FROM fan_tokens WHERE fan_id = ANY(${sql.array([...fanIds], 'uuid')})`);
  return new Map(rows.map((row) => [row.fanId, decryptTokens(keyRing, row.fanId, row)]));
}

/**
 * Takes the right to refresh the fan's tokens for `leaseMs`, in one statement (no transaction stays open across
 * Spotify's answer). Null while another holder's claim is live or the fan is revoked. A holder that died leaves
 * its claim to run out.
 */
export async function claimTokenRefresh(
  db: Db,
  keyRing: KeyRing,
  input: { fanId: string; claim: string; leaseMs: number },
): Promise<FanTokens | null> {
  const row = await db.maybeOne(sql.type(tokenRow)`
    UPDATE fan_tokens SET refresh_claim = ${input.claim},
      refresh_claimed_until = clock_timestamp() + ${input.leaseMs} * interval '1 millisecond'
    WHERE fan_id = ${input.fanId} AND status = 'active'
      AND (refresh_claim IS NULL OR refresh_claimed_until < clock_timestamp())
    RETURNING ${tokenColumns}`);
  return row && decryptTokens(keyRing, input.fanId, row);
}

/** Gives a claim back unused (the refresh failed, or someone else had refreshed already). */
export async function releaseTokenRefreshClaim(db: Db, input: { fanId: string; claim: string }): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE fan_tokens SET refresh_claim = NULL, refresh_claimed_until = NULL
    WHERE fan_id = ${input.fanId} AND refresh_claim = ${input.claim}`);
}

/**
 * After a refresh: a new access token and, when Spotify rotated it, a new refresh token; the claim goes. Written
 * whoever holds the claim now (the old refresh token is spent either way), but only to the consent it was
 * refreshed from. Returns whether it was written.
 */
export async function storeRefreshedTokens(
  db: Db,
  keyRing: KeyRing,
  input: { fanId: string; claim: string; consentedAt: number },
  t: { accessToken: string; refreshToken?: string; expiresInSeconds: number },
): Promise<boolean> {
  const { fanId } = input;
  const result = await db.query(sql.unsafe`
    UPDATE fan_tokens SET access_token_enc = ${keyRing.encrypt(t.accessToken, aad(fanId, 'access'))},
      refresh_token_enc = coalesce(${t.refreshToken ? keyRing.encrypt(t.refreshToken, aad(fanId, 'refresh')) : null}, refresh_token_enc),
      access_expires_at = clock_timestamp() + ${t.expiresInSeconds} * interval '1 second', updated_at = now(),
      refresh_claim = CASE WHEN refresh_claim = ${input.claim} THEN NULL ELSE refresh_claim END,
      refresh_claimed_until = CASE WHEN refresh_claim = ${input.claim} THEN NULL ELSE refresh_claimed_until END
    WHERE fan_id = ${fanId} AND abs(extract(epoch FROM consented_at) * 1000 - ${input.consentedAt}) < 1`);
  return result.rowCount === 1;
}

/** Revocation deletes nothing yet (the deletion workflow does), but no token is ever used again. */
export async function markFanRevoked(db: Db, fanId: string): Promise<void> {
  await db.query(sql.unsafe`UPDATE fan_tokens SET status = 'revoked', updated_at = now() WHERE fan_id = ${fanId}`);
}

/** Revocation: the tokens go at once (nothing may use them again). Returns whether there was a row. */
export async function deleteFanTokens(db: Db, fanId: string): Promise<boolean> {
  const result = await db.query(sql.unsafe`DELETE FROM fan_tokens WHERE fan_id = ${fanId}`);
  return result.rowCount > 0;
}

/** Whether the fan consented (again) after `since`, e.g. after a revocation. */
export async function hasConsentedSince(db: Db, fanId: string, since: number): Promise<boolean> {
  return db.exists(sql.unsafe`
    SELECT 1 FROM fan_tokens WHERE fan_id = ${fanId} AND consented_at > to_timestamp(${since / 1000})`);
}

/** The fan a provider's user id belongs to, if we hold one. */
export async function findFanIdByProviderUser(
  db: Db,
  provider: string,
  providerUserId: string,
): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM fans WHERE provider = ${provider} AND provider_user_id = ${providerUserId}`);
}

export async function fanExists(db: Db, fanId: string): Promise<boolean> {
  return db.exists(sql.unsafe`SELECT 1 FROM fans WHERE id = ${fanId}`);
}

/** Deletes these fans' rows; returns how many went. Their events must go first (db/events.ts). */
export async function deleteFans(db: Db, fanIds: readonly string[]): Promise<number> {
  if (fanIds.length === 0) return 0;
  return (await db.query(sql.unsafe`DELETE FROM fans WHERE id = ANY(${sql.array([...fanIds], 'uuid')})`)).rowCount;
}
