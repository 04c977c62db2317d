// Keeps each campaign's analytics rolled up (migration 024) as events arrive, so the analytics route reads a few
// small tables instead of computing every flag and total from millions of events per request.
//
// The rollup is exact as of a watermark: it holds precisely what db/analytics.ts computes from the campaign's events
// with id <= `events_through`. Each round (the `analytics-rollup` Schedule, every few seconds):
//   1. finds the highest event id below which every insert has committed (settledThrough);
//   2. for each campaign with events past its watermark, settles the abuse flags those events can change and
//      applies the difference to the totals (db/analytics-rollup-incremental.ts);
//   3. rebuilds from scratch what an incremental step cannot follow: a campaign seen for the first time or behind
//      the scan, a large backlog, changed rules, or deleted / changed events (the trigger of migration 024);
//   4. retakes the campaign's pre-save snapshot (db/analytics-delivery.ts).
// Nothing here writes `events`: the write path is untouched. docs/analytics.md has the whole picture.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { type DatabaseTransactionConnection } from 'slonik';
import { type AbuseRules, computeFlags } from './analytics';
import { deliveryIsOpen, takeDeliverySnapshot } from './analytics-delivery';
import { applyDelta, rollUpNewEvents } from './analytics-rollup-incremental';
import { type DatabasePool, sql } from './pool';

type Tx = DatabaseTransactionConnection;

/** More new events than this for one campaign in one round: rebuilt from scratch, which is cheaper per event. */
export const INCREMENTAL_LIMIT = 50_000;
/** Time allowed to inserts that took an event id before the round looked, to commit or abort. */
const SETTLE_WAIT_MS = 5_000;

export interface RollupRound {
  /** every event with an id up to this is rolled up (for the campaigns that succeeded) */
  through: number;
  incremental: number;
  rebuilt: number;
  /** campaigns whose events were current, whose pre-save snapshot was retaken */
  snapshots: number;
  /** new events the incremental steps read */
  events: number;
}

const num = z.coerce.number();

/**
 * The highest event id such that no insert holding a lower id is still in flight. Ids come from a sequence before
 * their transaction commits, so a plain max(id) could overtake an insert that commits later (and is never rolled
 * up). Read the sequence, give inserts that just took an id a moment to get their transaction id, then wait until
 * every transaction that started before is over. Null when they are not over within SETTLE_WAIT_MS.
 */
async function settledThrough(pool: DatabasePool): Promise<number | null> {
  const last = await pool.oneFirst(sql.type(z.object({ last: num }))`
    SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('events', 'id')), 0) AS last`);
  await sleep(50);
  const xmax = await pool.oneFirst(
    sql.type(z.object({ xmax: z.string() }))`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax`,
  );
  const deadline = Date.now() + SETTLE_WAIT_MS;
  for (;;) {
    const over = await pool.oneFirst(sql.type(z.object({ over: z.boolean() }))`
      SELECT pg_snapshot_xmin(pg_current_snapshot()) >= ${xmax}::xid8 AS over`);
    if (over) return last;
    if (Date.now() > deadline) return null;
    await sleep(20);
  }
}

/** One round over every campaign (see the header). */
export async function rollUpAnalytics(pool: DatabasePool, rules: AbuseRules): Promise<RollupRound> {
  const scanned = await pool.oneFirst(
    sql.type(z.object({ s: num }))`SELECT scanned_through AS s FROM analytics_rollup_cursor`,
  );
  const through = await settledThrough(pool);
  if (through === null) return { through: scanned, incremental: 0, rebuilt: 0, snapshots: 0, events: 0 };
  const due = await pool.any(sql.type(z.object({ campaignId: z.string(), newEvents: num }))`
    WITH fresh AS (
      SELECT campaign_id, count(*) AS n FROM events
      WHERE id > ${scanned} AND id <= ${through} AND campaign_id IS NOT NULL GROUP BY campaign_id
    )
    SELECT campaign_id AS "campaignId", n AS "newEvents" FROM fresh
    UNION ALL
    SELECT r.campaign_id, 0 FROM analytics_rollups r
    WHERE (r.stale OR r.events_through < ${scanned} OR r.rules IS DISTINCT FROM ${JSON.stringify(rules)}::jsonb
           OR r.delivery_open OR ${deliveryIsOpen(sql.fragment`r.campaign_id`)})
      AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.campaign_id = r.campaign_id)`);
  const round: RollupRound = { through, incremental: 0, rebuilt: 0, snapshots: 0, events: 0 };
  for (const { campaignId, newEvents } of due) {
    const step = await rollUpCampaign(pool, campaignId, rules, { scanned, through, newEvents });
    if (step === 'rebuilt') round.rebuilt++;
    if (step === 'snapshot') round.snapshots++;
    if (step === 'incremental') {
      round.incremental++;
      round.events += newEvents;
    }
  }
  // Campaigns that were current at the last scan and had no event since are current now.
  await pool.query(sql.unsafe`
    UPDATE analytics_rollups SET events_through = ${through}
    WHERE events_through >= ${scanned} AND events_through < ${through} AND NOT stale
      AND campaign_id <> ALL(${sql.array(
        due.map((d) => d.campaignId),
        'uuid',
      )})`);
  await pool.query(sql.unsafe`
    UPDATE analytics_rollup_cursor SET scanned_through = greatest(scanned_through, ${through})`);
  return round;
}

const stateRow = z.object({ eventsThrough: num, sameRules: z.boolean(), stale: z.boolean() });

/**
 * One campaign up to `through`, under a lock on its rollup row (rounds may overlap; each step is retry-safe), and
 * then its pre-save snapshot (db/analytics-delivery.ts), which reads the flags and plays just settled.
 */
async function rollUpCampaign(
  pool: DatabasePool,
  campaignId: string,
  rules: AbuseRules,
  at: { scanned: number; through: number; newEvents: number },
): Promise<'gone' | 'snapshot' | 'incremental' | 'rebuilt'> {
  return pool.transaction(async (tx) => {
    // A rebuild over millions of events runs past the pool's statement timeout; the activity's own timeout bounds it.
    await tx.query(sql.unsafe`SET LOCAL statement_timeout = '9min'`);
    await tx.query(sql.unsafe`
      INSERT INTO analytics_rollups (campaign_id) SELECT id FROM campaigns WHERE id = ${campaignId}
      ON CONFLICT DO NOTHING`);
    const state = await tx.maybeOne(sql.type(stateRow)`
      SELECT events_through AS "eventsThrough", coalesce(rules = ${JSON.stringify(rules)}::jsonb, false) AS "sameRules",
             stale
      FROM analytics_rollups WHERE campaign_id = ${campaignId} FOR UPDATE`);
    if (!state) return 'gone';
    const { sameRules } = state;
    const eventsCurrent = state.eventsThrough >= at.through && !state.stale && sameRules;
    const incremental =
      sameRules &&
      !state.stale &&
      state.eventsThrough > 0 &&
      state.eventsThrough >= at.scanned &&
      at.newEvents <= INCREMENTAL_LIMIT;
    if (eventsCurrent) {
      // only the pre-saves moved
    } else if (incremental) await rollUpNewEvents(tx, campaignId, rules, state.eventsThrough, at.through);
    else await rebuild(tx, campaignId, rules, at.through);
    const snapshot = await takeDeliverySnapshot(tx, campaignId, at.through);
    await tx.query(sql.unsafe`
      UPDATE analytics_rollups
      SET events_through = greatest(events_through, ${at.through}), rules = ${JSON.stringify(rules)}::jsonb,
          stale = false, delivery = ${JSON.stringify(snapshot)}::jsonb,
          delivery_open = ${deliveryIsOpen(sql.fragment`${campaignId}::uuid`)}, rolled_at = now()
      WHERE campaign_id = ${campaignId}`);
    return eventsCurrent ? 'snapshot' : incremental ? 'incremental' : 'rebuilt';
  });
}

/** Every rollup row of the campaign from scratch: the flags by db/analytics.ts, each unflagged event counted once. */
async function rebuild(tx: Tx, campaignId: string, rules: AbuseRules, through: number): Promise<void> {
  for (const table of [
    'analytics_event_flags',
    'analytics_hourly',
    'analytics_sources',
    'analytics_fans',
    'analytics_plays',
  ])
    await tx.query(sql.unsafe`DELETE FROM ${sql.identifier([table])} WHERE campaign_id = ${campaignId}`);
  await computeFlags(tx, campaignId, rules, through);
  await tx.query(sql.unsafe`
    INSERT INTO analytics_event_flags (event_id, reason, campaign_id, detail, type, at)
    SELECT f.id, f.reason, ${campaignId}, f.detail, e.type, coalesce(e.played_at, e.occurred_at)
    FROM analytics_flags f JOIN events e ON e.id = f.id`);
  await tx.query(sql.unsafe`
    INSERT INTO analytics_fans (campaign_id, fan_id, flagged)
    SELECT DISTINCT ${campaignId}::uuid, e.fan_id, true
    FROM analytics_flags f JOIN events e ON e.id = f.id
    WHERE f.reason <> 'fan_flagged' AND e.type = 'AUTH' AND e.fan_id IS NOT NULL`);
  await tx.query(sql.unsafe`
    CREATE TEMPORARY TABLE rollup_delta ON COMMIT DROP AS
    SELECT e.id, e.type, e.fan_id, e.channel, e.source, e.medium, coalesce(e.played_at, e.occurred_at) AS at,
           e.played_at IS NOT NULL AS played, 1 AS delta
    FROM events e
    WHERE e.campaign_id = ${campaignId} AND e.id <= ${through}
      AND NOT EXISTS (SELECT 1 FROM analytics_flags f WHERE f.id = e.id)`);
  await applyDelta(tx, campaignId);
}
