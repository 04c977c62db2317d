// The counters of api/rate-limit.ts: one fixed window per policy and client, counted in PostgreSQL so that every
// API process shares them. Window boundaries come from the database's clock. The one writer of
// request_rate_limits.
import { z } from 'zod';
import { type DatabasePool, sql } from './pool';

const hitRow = z.object({ hits: z.number(), resetInMs: z.number() });
export type RateLimitHit = z.infer<typeof hitRow>;

/**
 * Counts one request of `client` against `policy` in the current window of `windowSeconds` (one upsert, one round
 * trip) and returns the requests counted in this window, this one included, and the milliseconds until it ends.
 */
export async function hitRateLimit(
  pool: DatabasePool,
  input: { policy: string; client: string; windowSeconds: number },
): Promise<RateLimitHit> {
  return pool.one(sql.prepared('hit_rate_limit', hitRow)`
    WITH w AS (
      SELECT to_timestamp(floor(extract(epoch FROM clock_timestamp()) / ${input.windowSeconds}) * ${input.windowSeconds})
             AS start
    )
    INSERT INTO request_rate_limits AS r (policy, client, window_start, hits)
    SELECT ${input.policy}, ${input.client}, w.start, 1 FROM w
    ON CONFLICT (policy, client) DO UPDATE
      SET hits = CASE WHEN r.window_start = excluded.window_start THEN r.hits + 1 ELSE 1 END,
          window_start = excluded.window_start
    RETURNING r.hits,
              (extract(epoch FROM r.window_start - clock_timestamp()) * 1000 + ${input.windowSeconds} * 1000)::float8
              AS "resetInMs"`);
}

/** Forgets counters whose window ended more than `olderThanSeconds` ago; returns how many. */
export async function purgeRateLimits(pool: DatabasePool, olderThanSeconds: number): Promise<number> {
  const result = await pool.query(sql.unsafe`
    DELETE FROM request_rate_limits WHERE window_start < clock_timestamp() - ${olderThanSeconds} * interval '1 second'`);
  return result.rowCount;
}
