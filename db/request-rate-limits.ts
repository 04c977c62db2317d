// The counters of api/rate-limit.ts: one fixed window per policy and client, counted in PostgreSQL so that every
// API process shares them. Window boundaries come from the database's clock. The one writer of
// request_rate_limits.
import { z } from 'zod';
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
  let queue = queues.get(pool);
  if (!queue) queues.set(pool, (queue = { waiting: [], flushing: false }));
  const q = queue;
  return new Promise((resolve, reject) => {
    q.waiting.push({ ...input, resolve, reject });
    if (!q.flushing) void flush(pool, q);
  });
}

interface WaitingHit {
  policy: string;
  client: string;
  windowSeconds: number;
  resolve: (hit: RateLimitHit) => void;
  reject: (error: unknown) => void;
}
interface HitQueue {
  waiting: WaitingHit[];
  flushing: boolean;
}
const queues = new WeakMap<DatabasePool, HitQueue>();
const MAX_HITS_PER_STATEMENT = 500;

async function flush(pool: DatabasePool, q: HitQueue): Promise<void> {
  q.flushing = true;
  while (q.waiting.length > 0) {
    const batch = q.waiting.splice(0, MAX_HITS_PER_STATEMENT);
    try {
      await countHits(pool, batch);
    } catch (error) {
      for (const hit of batch) hit.reject(error);
    }
  }
  q.flushing = false;
}

const counted = z.object({
  policy: z.string(),
  client: z.string(),
  hits: z.number(),
  windowStartMs: z.number(),
  nowMs: z.number(),
});

/** One upsert for the batch: the hits of each (policy, client) added at once, each request told its own count. */
async function countHits(pool: DatabasePool, batch: readonly WaitingHit[]): Promise<void> {
  const byKey = new Map<string, WaitingHit[]>();
  for (const hit of batch) {
    const key = `${hit.policy}\n${hit.client}`;
    const same = byKey.get(key);
    if (same) same.push(hit);
    else byKey.set(key, [hit]);
  }
  const keys = [...byKey.values()];
  const rows = await pool.any(sql.prepared('hit_rate_limits', counted)`
    WITH hit AS (
      SELECT policy, client, n,
             to_timestamp(floor(extract(epoch FROM clock_timestamp()) / window_seconds) * window_seconds) AS start
      FROM unnest(${sql.array(
        keys.map((k) => k[0]!.policy),
        'text',
      )}, ${sql.array(
        keys.map((k) => k[0]!.client),
        'text',
      )},
                  ${sql.array(
                    keys.map((k) => k[0]!.windowSeconds),
                    'int4',
                  )}, ${sql.array(
                    keys.map((k) => k.length),
                    'int4',
                  )})
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
  for (const [key, hits] of byKey) {
    const row = result.get(key);
    if (!row) {
      for (const hit of hits) hit.reject(new Error('rate-limit counter not returned'));
      continue;
    }
    // The batch's hits of this client are the last `hits.length` of the window's count, in the order they came.
    hits.forEach((hit, i) =>
      hit.resolve({
        hits: row.hits - hits.length + i + 1,
        resetInMs: row.windowStartMs + hit.windowSeconds * 1000 - row.nowMs,
      }),
    );
  }
}

/** Forgets counters whose window ended more than `olderThanSeconds` ago; returns how many. */
export async function purgeRateLimits(pool: DatabasePool, olderThanSeconds: number): Promise<number> {
  const result = await pool.query(sql.unsafe`
    DELETE FROM request_rate_limits WHERE window_start < clock_timestamp() - ${olderThanSeconds} * interval '1 second'`);
  return result.rowCount;
}
