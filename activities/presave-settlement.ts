// What a delivery's outcome writes to its pre-save row, and a batch's outcomes written together: one UPDATE for the
// rows (each its own outcome, only while this claim holds them) and one INSERT for their events, every `flushEvery`
// outcomes or `flushAfterMs` after the first unwritten one. Outcomes not written yet when a process dies are safe:
// their rows stay claimed until the lease runs out, and the next claim (attempts > 1) looks before saving again.
import { type Campaign } from '../db/campaigns';
import { insertEvents, type NewEvent } from '../db/events';
import { type DatabasePool } from '../db/pool';
import { type PresaveSettlement, settlePresaves } from '../db/presaves';
import { countPresave, recordLateness } from './metrics';
import { type DeliveryOutcome } from './presave-delivery';
import type { BatchResult } from './release';

/** Rows that failed this often for provider reasons are given up on, with their last error. */
const MAX_ATTEMPTS = 8;

export interface SettledRow {
  id: string;
  fanId: string;
  /** counting this one; above 1 the outcome of an earlier attempt is unknown */
  attempts: number;
  dueAt: number;
}

/** The row's next state for one delivery outcome. */
export function settlementOf(row: SettledRow, outcome: DeliveryOutcome, at = Date.now()): PresaveSettlement {
  switch (outcome.kind) {
    case 'done':
      return { id: row.id, state: 'done', executedAt: at };
    case 'revoked':
      return { id: row.id, state: 'revoked', reason: outcome.reason };
    case 'failed':
      return { id: row.id, state: 'failed', reason: outcome.reason, lastError: outcome.error };
    case 'retry_later':
      return {
        id: row.id,
        state: row.attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
        reason: outcome.reason,
        lastError: outcome.error,
      };
    case 'paused':
      return {
        id: row.id,
        state: 'pending',
        reason: outcome.reason,
        lastError: `Spotify paused: ${outcome.reason}`,
        // Counted as an attempt when one of its tries may have been applied: the next one then looks first.
        attempted: outcome.uncertain,
      };
  }
}

/**
 * Collects a batch's outcomes and writes them in bulk, counting into `result` the rows actually written. A
 * `paused` outcome is seen at once (result.paused), so the batch's other lanes stop sending.
 */
export function createBatchSettler(opts: {
  pool: DatabasePool;
  campaign: Pick<Campaign, 'id'>;
  claimToken: string;
  result: BatchResult;
  flushEvery?: number;
  flushAfterMs?: number;
}) {
  const { pool, campaign, claimToken, result, flushEvery = 100, flushAfterMs = 200 } = opts;
  let unwritten: { row: SettledRow; settlement: PresaveSettlement; followed: boolean }[] = [];
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;

  /** The rows and their events in one transaction: a row is never seen done without its SAVE_TRACK event. */
  async function write(items: typeof unwritten): Promise<void> {
    const counts = { done: 0, failed: 0, revoked: 0, returned: 0 };
    const delivered: SettledRow[] = [];
    await pool.transaction(async (tx) => {
      const settled = await settlePresaves(tx, { claimToken, settlements: items.map((i) => i.settlement) });
      const written = new Map(settled.map((w) => [w.id, w.state]));
      const events: NewEvent[] = [];
      for (const { row, followed } of items) {
        const state = written.get(row.id);
        if (state === 'done') {
          counts.done++;
          delivered.push(row);
          events.push({
            campaignId: campaign.id,
            fanId: row.fanId,
            type: 'SAVE_TRACK',
            dedupeKey: `SAVE_TRACK:${row.id}`,
          });
          if (followed)
            events.push({
              campaignId: campaign.id,
              fanId: row.fanId,
              type: 'FOLLOW_ARTIST',
              dedupeKey: `FOLLOW_ARTIST:${campaign.id}:${row.fanId}`,
            });
        } else if (state === 'failed') counts.failed++;
        else if (state === 'revoked') counts.revoked++;
        else if (state === 'pending') counts.returned++;
      }
      await insertEvents(tx, events);
    });
    // Counted once committed (a transaction retried by nobody: a failed write fails the batch, as before).
    result.done += counts.done;
    result.failed += counts.failed;
    result.revoked += counts.revoked;
    result.returned += counts.returned;
    for (const row of delivered) recordLateness((Date.now() - row.dueAt) / 1000);
  }

  /** Writes what is collected (after the writes already under way; a failed write fails every later one). */
  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const items = unwritten;
    unwritten = [];
    writing = writing.then(() => (items.length > 0 ? write(items) : undefined));
    return writing;
  }

  function collect(row: SettledRow, settlement: PresaveSettlement, followed = false): Promise<void> {
    unwritten.push({ row, settlement, followed });
    if (unwritten.length >= flushEvery) return flush();
    timer ??= setTimeout(() => void flush().catch(() => undefined), flushAfterMs); // the final flush reports it
    return Promise.resolve();
  }

  return {
    /** One delivery's outcome. */
    add(row: SettledRow, outcome: DeliveryOutcome): Promise<void> {
      countPresave(outcome.kind, 'reason' in outcome ? outcome.reason : undefined);
      if (outcome.kind === 'paused') result.paused = { reason: outcome.reason, untilMs: outcome.untilMs };
      return collect(row, settlementOf(row, outcome), outcome.kind === 'done' && outcome.followed);
    },
    /** A row given back untried (not live, paused, batch stopped): its claim is not an attempt. */
    giveBack(row: SettledRow, lastError: string, reason?: string): Promise<void> {
      return collect(row, { id: row.id, state: 'pending', lastError, reason, attempted: false });
    },
    flush,
  };
}
