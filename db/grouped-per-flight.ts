// Statements of many callers in one round trip, a group commit: the first caller's statement goes at once; the
// callers that come while it is on its way to PostgreSQL wait, and go together in the next one. Light traffic pays
// nothing (each call is its own statement, sent at once); a burst pays one round trip per flight instead of one per
// call. For small statements on release day's busiest paths (db/request-rate-limits.ts).
import { type DatabasePool } from './pool';

const MAX_PER_STATEMENT = 500;

/**
 * One grouped sender per pool: `send(pool, batch)` runs one statement for the batch and resolves to one answer per
 * input, in the batch's order (a failure fails every call of the batch).
 */
export function groupedPerFlight<I, O>(
  send: (pool: DatabasePool, batch: readonly I[]) => Promise<readonly O[]>,
): (pool: DatabasePool, input: I) => Promise<O> {
  interface Waiting {
    input: I;
    resolve: (output: O) => void;
    reject: (error: unknown) => void;
  }
  const queues = new WeakMap<DatabasePool, { waiting: Waiting[]; flying: boolean }>();

  async function fly(pool: DatabasePool, queue: { waiting: Waiting[]; flying: boolean }) {
    queue.flying = true;
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, MAX_PER_STATEMENT);
      try {
        const outputs = await send(
          pool,
          batch.map((w) => w.input),
        );
        batch.forEach((w, i) => w.resolve(outputs[i]!));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    queue.flying = false;
  }

  return (pool, input) => {
    let queue = queues.get(pool);
    if (!queue) queues.set(pool, (queue = { waiting: [], flying: false }));
    const q = queue;
    return new Promise<O>((resolve, reject) => {
      q.waiting.push({ input, resolve, reject });
      if (!q.flying) void fly(pool, q);
    });
  };
}
