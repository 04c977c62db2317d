// OAuth states in flight are sealed into the state parameter itself (api/oauth/state.ts, the one state + PKCE
// module); what the database keeps is each state's one use (oauth_state_uses, migration 038), so none works twice.
// The daily retention sweep deletes the expired records (purgeExpiredOAuthStates, at the end).
import { z } from 'zod';
import { type DatabasePool, sql } from './pool';

/** What a state was issued for; it is signed into the state too, so one kind cannot be replayed as another. */
export const OAUTH_PURPOSES = [
  'presave',
  'deletion',
  'connect:google',
  'connect:meta',
  'connect:spotify',
  'connect:instagram',
  'sign-in:google',
] as const;
export type OAuthPurpose = (typeof OAUTH_PURPOSES)[number];

const recordedUse = z.object({ nonce: z.string() });

/**
 * Records the one use of the state sealed under `nonce` (api/oauth/state.ts): true the first time, false for every
 * later one (a replay). `expiresAt`: the state's own expiry, after which its signature refuses it anyway and the
 * record is worthless. About one use in fifty sweeps up to 1,000 of those (the daily retention sweep gets the rest).
 */
export async function recordOAuthStateUse(pool: DatabasePool, nonce: string, expiresAt: number): Promise<boolean> {
  const first = await pool.maybeOne(sql.prepared('record_oauth_state_use', recordedUse)`
    INSERT INTO oauth_state_uses (nonce, expires_at) VALUES (${nonce}, to_timestamp(${expiresAt / 1000}))
    ON CONFLICT (nonce) DO NOTHING
    RETURNING nonce`);
  if (Math.random() < 0.02) {
    await pool.query(sql.unsafe`
      DELETE FROM oauth_state_uses WHERE nonce IN (
        SELECT nonce FROM oauth_state_uses WHERE expires_at < now() - interval '1 hour' LIMIT 1000)`);
  }
  return first !== null;
}

/** A used state's record is worthless once it has expired; the callbacks sweep too, this catches quiet periods. */
export async function purgeExpiredOAuthStates(pool: DatabasePool): Promise<number> {
  const result = await pool.query(
    sql.unsafe`DELETE FROM oauth_state_uses WHERE expires_at < now() - interval '1 hour'`,
  );
  return result.rowCount;
}
