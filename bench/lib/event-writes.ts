// The view-event lever of bench:api: what writing page views costs PostgreSQL, the way the API's buffer writes
// them today (db/events.ts insertEvents: one unnest INSERT per batch, dedupe by ON CONFLICT, the campaign and fan
// checked to exist) against a staging table (an UNLOGGED copy of events without indexes or checks, the batch
// appended as it is, moved into events in one INSERT … SELECT later). The staging figure counts the move too.
// The scratch table lives in the bench's own database and goes with it.
import { randomUUID } from 'node:crypto';
import { insertEvents, type NewEvent } from '../../db/events';
import { type DatabasePool, sql } from '../../db/pool';

const EVENTS = 20_000;
const BATCH = 500;

function pageViews(campaignId: string): NewEvent[] {
  return Array.from({ length: EVENTS }, (_, i) => ({
    campaignId,
    type: 'PAGE_VIEW' as const,
    dedupeKey: `PAGE_VIEW:${randomUUID()}`,
    source: i % 3 ? 'instagram' : null,
    medium: i % 3 ? 'social' : null,
    channel: i % 3 ? 'social' : 'direct',
    referrerHost: i % 3 ? 'instagram.com' : null,
    ipHash: `ip-${i % 5000}`,
    uaHash: `ua-${i % 50}`,
  }));
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export async function measureEventWrites(pool: DatabasePool, campaignId: string) {
  const batches = (events: NewEvent[]) =>
    Array.from({ length: Math.ceil(events.length / BATCH) }, (_, i) => events.slice(i * BATCH, (i + 1) * BATCH));

  const insertSeconds = await timed(async () => {
    for (const batch of batches(pageViews(campaignId))) await insertEvents(pool, batch);
  });

  await pool.query(sql.unsafe`CREATE UNLOGGED TABLE IF NOT EXISTS bench_event_staging
    (campaign_id uuid, type text, dedupe_key text, occurred_at timestamptz, source text, medium text, channel text,
     referrer_host text, ip_hash text, ua_hash text)`);
  const stagingSeconds = await timed(async () => {
    for (const batch of batches(pageViews(campaignId))) {
      const col = (pick: (e: NewEvent) => string | null | undefined) =>
        sql.array(
          batch.map((e) => pick(e) ?? null),
          'text',
        );
      await pool.query(sql.unsafe`
        INSERT INTO bench_event_staging
        SELECT campaign_id::uuid, type, dedupe_key, now(), source, medium, channel, referrer_host, ip_hash, ua_hash
        FROM unnest(${col((e) => e.campaignId)}, ${col((e) => e.type)}, ${col((e) => e.dedupeKey)},
                    ${col((e) => e.source)}, ${col((e) => e.medium)}, ${col((e) => e.channel)},
                    ${col((e) => e.referrerHost)}, ${col((e) => e.ipHash)}, ${col((e) => e.uaHash)})
          AS t(campaign_id, type, dedupe_key, source, medium, channel, referrer_host, ip_hash, ua_hash)`);
    }
    await pool.query(sql.unsafe`
      WITH moved AS (DELETE FROM bench_event_staging RETURNING *)
      INSERT INTO events (campaign_id, type, dedupe_key, occurred_at, source, medium, channel, referrer_host, ip_hash,
                          ua_hash)
      SELECT campaign_id, type, dedupe_key, occurred_at, source, medium, channel, referrer_host, ip_hash, ua_hash
      FROM moved WHERE EXISTS (SELECT 1 FROM campaigns c WHERE c.id = moved.campaign_id)
      ON CONFLICT (dedupe_key) DO NOTHING`);
  });
  return {
    events: EVENTS,
    batch: BATCH,
    insertPerSecond: Math.round(EVENTS / insertSeconds),
    stagingPerSecond: Math.round(EVENTS / stagingSeconds),
  };
}
