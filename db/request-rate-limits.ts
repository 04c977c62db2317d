// The counters of api/rate-limit.ts: one fixed window per policy and client, counted in PostgreSQL so that every
// API process shares them. Window boundaries come from the database's clock. The one writer of
// request_rate_limits.
import { z } from 'zod';
import { groupedPerFlight } from './grouped-per-flight';
import { type DatabasePool, sql } from './pool';

export interface RateLimitHit {
  hits: number;
  resetInMs: number;
}

/**
 * Counts one request of `client` against `policy` in the current window of `windowSeconds` and returns the requests
 * counted in this window, this one included, and the milliseconds until it ends. The counts of requests that
 * arrive while an earlier count is on its way to PostgreSQL go together in the next statement (a group commit):
 * one round trip for all of them, each still told its exact place in the window. When traffic is light every
 * request is its own statement, sent at once; under a burst there is one statement in flight per API process.
 */
export function hitRateLimit(
  pool: DatabasePool,
  input: { policy: string; client: string; windowSeconds: number },
): Promise<RateLimitHit> {
  return countHitPerFlight(pool, input);
}

interface Hit {
  policy: string;
  client: string;
  windowSeconds: number;
}

const counted = z.object({
  policy: z.string(),
  client: z.string(),
  hits: z.number(),
  windowStartMs: z.number(),
  nowMs: z.number(),
});

/** One upsert for the batch: the hits of each (policy, client) added at once, each request told its own count. */
async function countHits(pool: DatabasePool, batch: readonly Hit[]): Promise<RateLimitHit[]> {
  const byKey = new Map<string, number[]>(); // the batch's positions of each client's hits
  batch.forEach((hit, i) => {
    const key = `${hit.policy}\n${hit.client}`;
    const same = byKey.get(key);
    if (same) same.push(i);
    else byKey.set(key, [i]);
  });
  const firsts = [...byKey.values()].map((positions) => batch[positions[0]!]!);
  const policies = firsts.map((h) => h.policy);
  const clients = firsts.map((h) => h.client);
  const windows = firsts.map((h) => h.windowSeconds);
  const counts = [...byKey.values()].map((positions) => positions.length);
  const rows = await pool.any(sql.prepared('hit_rate_limits', counted)`
    WITH hit AS (
      SELECT policy, client, n,
             to_timestamp(floor(extract(epoch FROM clock_timestamp()) / window_seconds) * window_seconds) AS start
      FROM unnest(${sql.array(policies, 'text')}, ${sql.array(clients, 'text')}, ${sql.array(windows, 'int4')},
                  ${sql.array(counts, 'int4')})
             AS t(policy, client, window_seconds, n)
    )
    INSERT INTO request_rate_limits AS r (policy, client, window_start, hits)
    SELECT policy, client, start, n FROM hit
    -- rows locked in one order by every API process's batches: two batches never wait for each other in a cycle
    ORDER BY policy, client
    ON CONFLICT (policy, client) DO UPDATE
      SET hits = CASE WHEN r.window_start = excluded.window_start THEN r.hits + excluded.hits ELSE excluded.hits END,
          window_start = excluded.window_start
    RETURNING r.policy, r.client, r.hits,
              (extract(epoch FROM r.window_start) * 1000)::float8 AS "windowStartMs",
              (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS "nowMs"`);
  const result = new Map(rows.map((r) => [`${r.policy}\n${r.client}`, r]));
  const answers: RateLimitHit[] = [];
  for (const [key, positions] of byKey) {
    const row = result.get(key);
    if (!row) throw new Error('rate-limit counter not returned');
    // The batch's hits of this client are the last `positions.length` of the window's count, in the order they came.
    positions.forEach((at, k) => {
      answers[at] = {
        hits: row.hits - positions.length + k + 1,
        resetInMs: row.windowStartMs + batch[at]!.windowSeconds * 1000 - row.nowMs,
      };
    });
  }
  return answers;
}

const countHitPerFlight = groupedPerFlight(countHits);

/** Forgets counters whose window ended more than `olderThanSeconds` ago; returns how many. */
export async function purgeRateLimits(pool: DatabasePool, olderThanSeconds: number): Promise<number> {
  const result = await pool.query(sql.unsafe`
    DELETE FROM request_rate_limits WHERE window_start < clock_timestamp() - ${olderThanSeconds} * interval '1 second'`);
  return result.rowCount;
}
