// OAuth states in flight are sealed into the state parameter itself (api/oauth/state.ts, the one state + PKCE
// module); what the database keeps is each state's one use (oauth_state_uses, migration 038), so none works twice.
// The daily retention sweep deletes the expired records (purgeExpiredOAuthStates, at the end).
import { z } from 'zod';
import { groupedPerFlight } from './grouped-per-flight';
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

/**
 * Records the one use of the state sealed under `nonce` (api/oauth/state.ts): true the first time, false for every
 * later one (a replay). `expiresAt`: the state's own expiry, after which its signature refuses it anyway and the
 * record is worthless. Uses that arrive while one is on its way to PostgreSQL go together in the next statement
 * (./grouped-per-flight.ts). About one statement in fifty also sweeps up to 1,000 expired records (the daily
 * retention sweep gets the rest).
 */
export function recordOAuthStateUse(pool: DatabasePool, nonce: string, expiresAt: number): Promise<boolean> {
  return recordUsePerFlight(pool, { nonce, expiresAt });
}

async function recordUses(
  pool: DatabasePool,
  uses: readonly { nonce: string; expiresAt: number }[],
): Promise<boolean[]> {
  const fresh = new Set(
    await pool.anyFirst(sql.prepared('record_oauth_state_uses', z.object({ nonce: z.string() }))`
      INSERT INTO oauth_state_uses (nonce, expires_at)
      SELECT nonce, to_timestamp(expires_ms / 1000)
      FROM unnest(${sql.array(
        uses.map((u) => u.nonce),
        'text',
      )}, ${sql.array(
        uses.map((u) => u.expiresAt),
        'float8',
      )}) AS t(nonce, expires_ms)
      ON CONFLICT (nonce) DO NOTHING
      RETURNING nonce`),
  );
  if (Math.random() < 0.02) {
    await pool.query(sql.unsafe`
      DELETE FROM oauth_state_uses WHERE nonce IN (
        SELECT nonce FROM oauth_state_uses WHERE expires_at < now() - interval '1 hour' LIMIT 1000)`);
  }
  // The same state twice in one batch (a replay racing its first use): the first of them is the use.
  return uses.map((u) => fresh.delete(u.nonce));
}

const recordUsePerFlight = groupedPerFlight(recordUses);

/** A used state's record is worthless once it has expired; the callbacks sweep too, this catches quiet periods. */
export async function purgeExpiredOAuthStates(pool: DatabasePool): Promise<number> {
  const result = await pool.query(
    sql.unsafe`DELETE FROM oauth_state_uses WHERE expires_at < now() - interval '1 hour'`,
  );
  return result.rowCount;
}
