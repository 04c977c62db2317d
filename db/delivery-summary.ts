// What the campaign page says about a delivery beyond the counts by state (db/presaves.ts): why pre-saves failed,
// how fast the current wave goes (for its ETA), and how many release-day reminders went out.
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;

/** How the pre-saves that failed for good failed: each reason and its count, the most frequent first. */
export async function failureReasons(db: Db, campaignId: string) {
  return db.any(sql.type(z.object({ reason: z.string(), count: z.number() }))`
    SELECT coalesce(reason, 'unknown') AS reason, count(*)::int AS count FROM presaves
    WHERE campaign_id = ${campaignId} AND state = 'failed'
    GROUP BY 1 ORDER BY 2 DESC, 1`);
}

/** Pre-saves delivered in the last `windowMs` (only a delivery stamps executed_at): the current pace. */
export async function deliveredWithin(db: Db, input: { campaignId: string; windowMs: number }): Promise<number> {
  return db.oneFirst(sql.type(z.object({ count: z.number() }))`
    SELECT count(*)::int AS count FROM presaves
    WHERE campaign_id = ${input.campaignId} AND state = 'done'
      AND executed_at > clock_timestamp() - make_interval(secs => ${input.windowMs / 1000})`);
}

/** Release-day reminders queued for the campaign's subscribers (each at most once: reminded_at). */
export async function remindersSent(db: Db, campaignId: string): Promise<number> {
  return db.oneFirst(sql.type(z.object({ count: z.number() }))`
    SELECT count(*)::int AS count FROM subscribers WHERE campaign_id = ${campaignId} AND reminded_at IS NOT NULL`);
}
