// Apple Music fans' Music-User-Tokens: the one writer of apple_music_tokens. Encrypted at rest under the key ring,
// bound to the fan's row (AAD), like Spotify's fan_tokens. There is no refresh: a token Apple refused is marked
// `reauthorize` and never handed out again.
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type KeyRing } from '../lib/crypto/keyring';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;

const aad = (fanId: string) => `apple_music_tokens:${fanId}:user`;

/** A fresh authorization: the new token, its storefront and consent time; active again. */
export async function storeAppleMusicToken(
  db: Db,
  keyRing: KeyRing,
  fanId: string,
  t: { musicUserToken: string; storefront: string; consentedAt: number },
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO apple_music_tokens (fan_id, user_token_enc, storefront, consented_at)
    VALUES (${fanId}, ${keyRing.encrypt(t.musicUserToken, aad(fanId))}, ${t.storefront}, to_timestamp(${t.consentedAt / 1000}))
    ON CONFLICT (fan_id) DO UPDATE SET user_token_enc = EXCLUDED.user_token_enc, storefront = EXCLUDED.storefront,
      consented_at = EXCLUDED.consented_at, status = 'active', updated_at = now()`);
}

/**
 * Many fresh authorizations in one statement, encrypted as storeAppleMusicToken does (the bulk path that seeds a
 * benchmark's Apple Music fans, bench/lib/seed.ts). Fans that hold a token already keep it.
 */
export async function insertAppleMusicTokensInBulk(
  db: Db,
  keyRing: KeyRing,
  rows: readonly { fanId: string; musicUserToken: string; storefront: string; consentedAt: number }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db.query(sql.unsafe`
    INSERT INTO apple_music_tokens (fan_id, user_token_enc, storefront, consented_at)
    SELECT fan_id, token_enc, storefront, to_timestamp(consented_ms / 1000)
    FROM unnest(${sql.array(
      rows.map((r) => r.fanId),
      'uuid',
    )}, ${sql.array(
      rows.map((r) => keyRing.encrypt(r.musicUserToken, aad(r.fanId))),
      'text',
    )}, ${sql.array(
      rows.map((r) => r.storefront),
      'text',
    )}, ${sql.array(
      rows.map((r) => r.consentedAt),
      'float8',
    )}) AS t(fan_id, token_enc, storefront, consented_ms)
    ON CONFLICT (fan_id) DO NOTHING`);
  return result.rowCount;
}

export interface AppleMusicToken {
  musicUserToken: string;
  storefront: string;
  status: 'active' | 'reauthorize';
}

/** The fan's token, decrypted; null when there is none. */
export async function loadAppleMusicToken(db: Db, keyRing: KeyRing, fanId: string): Promise<AppleMusicToken | null> {
  const row = await db.maybeOne(
    sql.type(
      z.object({ userTokenEnc: z.string(), storefront: z.string(), status: z.enum(['active', 'reauthorize']) }),
    )`SELECT user_token_enc AS "userTokenEnc", storefront, status FROM apple_music_tokens WHERE fan_id = ${fanId}`,
  );
  if (!row) return null;
  return {
    musicUserToken: keyRing.decrypt(row.userTokenEnc, aad(fanId)),
    storefront: row.storefront,
    status: row.status,
  };
}

/** Apple refused the token (403 40300): the fan must authorize again; nothing retries it. */
export async function markAppleMusicReauthorize(db: Db, fanId: string): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE apple_music_tokens SET status = 'reauthorize', updated_at = now() WHERE fan_id = ${fanId}`);
}
