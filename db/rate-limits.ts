// The shared token buckets of activities/rate-limiter.ts: one row per provider app, refilled by elapsed time and
// leased in chunks, plus the pause any process sets on a 429 or a spent quota. Times come from the database's
// clock, so every worker process sees the same bucket. The one writer of provider_rate_limits.
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type DatabasePool, sql } from './pool';

/** Creates the provider's bucket, full, unless it exists. */
export async function ensureRateLimitRow(pool: DatabasePool, provider: string, capacity: number): Promise<void> {
  await pool.query(sql.unsafe`
    INSERT INTO provider_rate_limits (provider, tokens) VALUES (${provider}, ${capacity})
    ON CONFLICT (provider) DO NOTHING`);
}

/** Pauses the provider for `forMs` from now, unless a longer pause is in force. */
export async function pauseProvider(
  pool: DatabasePool,
  provider: string,
  forMs: number,
  reason: string,
): Promise<void> {
  await pool.query(sql.unsafe`
    UPDATE provider_rate_limits
    SET paused_until = greatest(coalesce(paused_until, '-infinity'), clock_timestamp() + ${forMs} * interval '1 millisecond'),
        -- a shorter pause must not relabel a longer one (a quick 429 during a spent quota)
        pause_reason = CASE WHEN clock_timestamp() + ${forMs} * interval '1 millisecond' >= coalesce(paused_until, '-infinity')
                            THEN ${reason} ELSE pause_reason END
    WHERE provider = ${provider}`);
}

/** The pause in force, as milliseconds left and its reason; null when there is none. */
export async function providerPause(pool: DatabasePool, provider: string) {
  return pool.maybeOne(sql.type(z.object({ forMs: z.number(), reason: z.string().nullable() }))`
    SELECT (extract(epoch FROM paused_until - clock_timestamp()) * 1000)::float8 AS "forMs", pause_reason AS reason
    FROM provider_rate_limits WHERE provider = ${provider} AND paused_until > clock_timestamp()`);
}

const leaseRow = z.object({
  granted: z.number(),
  available: z.number(),
  pausedForMs: z.number().nullable(),
  pauseReason: z.string().nullable(),
});
export type TokenLease = z.infer<typeof leaseRow>;

/**
 * Refills the bucket for the time elapsed (up to `capacity`) and takes up to `chunk` whole tokens, none while
 * paused. Returns what was granted, what the bucket held, and the pause in force.
 */
export async function leaseTokens(
  pool: DatabasePool,
  input: { provider: string; capacity: number; ratePerSecond: number; chunk: number },
): Promise<TokenLease> {
  // The lease does not wait for its commit to reach the disk: each process leases ten times a second, one after
  // the other, so a slow fsync (a busy disk) capped the send rate far below the budget. Should PostgreSQL crash
  // within that moment, the bucket forgets the last grants: its next refill never exceeds one second's capacity.
  return pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`SET LOCAL synchronous_commit = off`);
    return leaseIn(tx, input);
  });
}

function leaseIn(
  tx: DatabaseTransactionConnection,
  input: { provider: string; capacity: number; ratePerSecond: number; chunk: number },
): Promise<TokenLease> {
  return tx.one(sql.type(leaseRow)`
    WITH current AS (
      SELECT provider,
             least(${input.capacity}::float8,
                   tokens + ${input.ratePerSecond}::float8 * extract(epoch FROM clock_timestamp() - refilled_at)) AS available,
             CASE WHEN paused_until > clock_timestamp()
                  THEN (extract(epoch FROM paused_until - clock_timestamp()) * 1000)::float8 END AS paused_for_ms,
             pause_reason
      FROM provider_rate_limits WHERE provider = ${input.provider} FOR UPDATE
    ), grant_ AS (
      SELECT *, CASE WHEN paused_for_ms IS NULL THEN least(floor(available), ${input.chunk}) ELSE 0 END AS granted
      FROM current
    )
    UPDATE provider_rate_limits r
    SET tokens = g.available - g.granted, refilled_at = clock_timestamp()
    FROM grant_ g WHERE r.provider = g.provider
    RETURNING g.granted::float8 AS granted, g.available::float8 AS available,
              g.paused_for_ms AS "pausedForMs", g.pause_reason AS "pauseReason"`);
}
