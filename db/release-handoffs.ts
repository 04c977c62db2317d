// The outbox between a stored pre-save and its campaign's release engine (migration 021). The one writer of
// release_handoffs: the pre-save callback queues a row in the pre-save's own transaction, whoever signals the
// engine deletes it, and the `release-handoffs` Schedule hands off what the API left behind.
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type DatabasePool, NO_ROWS, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;

/** Queues word to the campaign's release engine that a pre-save due at `dueAt` changed its plan. */
export async function queueReleaseHandoff(
  tx: DatabaseTransactionConnection,
  input: { campaignId: string; dueAt: number },
) {
  return tx.oneFirst(sql.prepared('queue_release_handoff', z.object({ id: z.string().uuid() }))`
    INSERT INTO release_handoffs (campaign_id, due_at) VALUES (${input.campaignId}, to_timestamp(${input.dueAt / 1000}))
    RETURNING id`);
}

/** The engine heard of it. */
export async function deleteReleaseHandoff(db: Db, id: string): Promise<void> {
  await db.query(sql.prepared('delete_release_handoff', NO_ROWS)`DELETE FROM release_handoffs WHERE id = ${id}`);
}

const pendingHandoff = z.object({
  id: z.string().uuid(),
  campaignId: z.string().uuid(),
  accountId: z.string().uuid(),
  dueAt: z.number(),
  /** ms since the row was queued: how late the API's own signal is */
  ageMs: z.number(),
});
export type PendingReleaseHandoff = z.infer<typeof pendingHandoff>;

/**
 * Hands off the oldest rows queued more than `olderThanMs` ago (younger ones are the API's to signal) one at a
 * time: each is locked (SKIP LOCKED, so several workers share the work), given to `handOff`, and deleted in the
 * same transaction. A failure is counted on the row, which is tried again next round.
 */
export async function handOffPendingReleaseHandoffs(
  pool: DatabasePool,
  input: { limit: number; olderThanMs: number },
  handOff: (row: PendingReleaseHandoff) => Promise<void>,
): Promise<{ handedOff: number; failed: number; oldestAgeMs: number }> {
  const tried: string[] = []; // not again in this round
  let handedOff = 0;
  let oldestAgeMs = 0;
  while (tried.length < input.limit) {
    const outcome = await pool.transaction(async (tx) => {
      const row = await tx.maybeOne(sql.type(pendingHandoff)`
        SELECT h.id, h.campaign_id AS "campaignId", c.account_id AS "accountId", h.due_at AS "dueAt",
               (extract(epoch FROM clock_timestamp() - h.created_at) * 1000)::float8 AS "ageMs"
        FROM release_handoffs h JOIN campaigns c ON c.id = h.campaign_id
        WHERE h.created_at < clock_timestamp() - ${input.olderThanMs} * interval '1 millisecond'
          AND h.id <> ALL(${sql.array(tried, 'uuid')})
        ORDER BY h.created_at LIMIT 1 FOR UPDATE OF h SKIP LOCKED`);
      if (!row) return 'none';
      tried.push(row.id);
      oldestAgeMs = Math.max(oldestAgeMs, row.ageMs);
      try {
        await handOff(row);
      } catch (error) {
        await tx.query(sql.unsafe`
          UPDATE release_handoffs SET attempts = attempts + 1, last_error = ${String(error).slice(0, 500)}
          WHERE id = ${row.id}`);
        return 'failed';
      }
      await tx.query(sql.unsafe`DELETE FROM release_handoffs WHERE id = ${row.id}`);
      return 'handed_off';
    });
    if (outcome === 'none') break;
    if (outcome === 'handed_off') handedOff++;
  }
  return { handedOff, failed: tried.length - handedOff, oldestAgeMs };
}
