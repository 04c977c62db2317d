// What the attribution backfill keeps: the campaign's tracks, each fan's recently-played cursor per campaign, and
// how far each backfill run got (so a retried or resumed run carries on after the last finished fan).
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type DatabasePool, sql } from './pool';

export async function campaignTrackIds(pool: DatabasePool, campaignId: string): Promise<readonly string[]> {
  return pool.anyFirst(sql.type(z.object({ trackId: z.string() }))`
    SELECT track_id AS "trackId" FROM campaign_tracks WHERE campaign_id = ${campaignId} AND platform = 'spotify' ORDER BY track_id`);
}

export async function storeCampaignTracks(
  pool: DatabasePool,
  campaignId: string,
  trackIds: readonly string[],
): Promise<void> {
  if (trackIds.length === 0) return;
  await pool.query(sql.unsafe`
    INSERT INTO campaign_tracks (campaign_id, platform, track_id)
    SELECT ${campaignId}, 'spotify', t FROM unnest(${sql.array([...trackIds], 'text')}) AS t
    ON CONFLICT DO NOTHING`);
}

export const attributionFanRow = z.object({
  fanId: z.string().uuid(),
  presaveId: z.string().uuid(),
  /** why the fan cannot be read (no usable consent), or null */
  skipReason: z.string().nullable(),
  playedAfter: z.number(),
});
export type AttributionFan = z.infer<typeof attributionFanRow>;

/**
 * The campaign's fans after `afterFanId`, in id order: everyone who pre-saved it, each with the reason they are
 * skipped (tokens gone or revoked, consent older than six months) and their cursor.
 */
export async function attributionFans(
  pool: DatabasePool,
  input: { campaignId: string; afterFanId: string | null; limit: number },
): Promise<readonly AttributionFan[]> {
  return pool.any(sql.type(attributionFanRow)`
    SELECT p.fan_id AS "fanId", p.id AS "presaveId",
           CASE WHEN t.fan_id IS NULL THEN 'disconnected'
                WHEN t.status = 'revoked' THEN 'revoked'
                WHEN t.refresh_expires_at <= now() THEN 'consent_expired' END AS "skipReason",
           coalesce(c.played_after, 0)::float8 AS "playedAfter"
    FROM presaves p
    LEFT JOIN fan_tokens t ON t.fan_id = p.fan_id
    LEFT JOIN attribution_cursors c ON c.campaign_id = p.campaign_id AND c.fan_id = p.fan_id
    WHERE p.campaign_id = ${input.campaignId} AND p.platform = 'spotify' AND p.state <> 'cancelled'
      ${input.afterFanId ? sql.fragment`AND p.fan_id > ${input.afterFanId}` : sql.fragment``}
    ORDER BY p.fan_id
    LIMIT ${input.limit}`);
}

/** Moves the fan's recently-played cursor forward (never back) and notes the outcome of the check. */
export async function saveCursor(
  pool: DatabasePool,
  input: { campaignId: string; fanId: string; playedAfter?: number; outcome: string },
): Promise<void> {
  await pool.query(sql.unsafe`
    INSERT INTO attribution_cursors (campaign_id, fan_id, played_after, last_checked_at, last_outcome)
    VALUES (${input.campaignId}, ${input.fanId}, ${Math.floor(input.playedAfter ?? 0)}, now(), ${input.outcome})
    ON CONFLICT (campaign_id, fan_id) DO UPDATE
      SET played_after = greatest(attribution_cursors.played_after, EXCLUDED.played_after),
          last_checked_at = now(), last_outcome = EXCLUDED.last_outcome`);
}

/** Forgets where the fan's listening history was read up to, in every campaign (revocation). */
export async function deleteFanCursors(db: DatabasePool | DatabaseTransactionConnection, fanId: string): Promise<void> {
  await db.query(sql.unsafe`DELETE FROM attribution_cursors WHERE fan_id = ${fanId}`);
}

/** Which of the fan's library events for the campaign are stored already (by dedupe key). */
export async function storedKeys(pool: DatabasePool, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await pool.anyFirst(sql.type(z.object({ k: z.string() }))`
    SELECT dedupe_key AS k FROM events WHERE dedupe_key = ANY(${sql.array([...keys], 'text')})`);
  return new Set(rows);
}

const runRow = z.object({
  afterFanId: z.string().nullable(),
  fansChecked: z.number(),
  fansSkipped: z.number(),
  streams: z.number(),
  finished: z.boolean(),
});
export type AttributionRun = z.infer<typeof runRow>;

/** The run's progress, created on first use. */
export async function startOrResumeRun(
  pool: DatabasePool,
  input: { runKey: string; campaignId: string },
): Promise<AttributionRun> {
  await pool.query(sql.unsafe`
    INSERT INTO attribution_runs (run_key, campaign_id) VALUES (${input.runKey}, ${input.campaignId}) ON CONFLICT (run_key) DO NOTHING`);
  return pool.one(sql.type(runRow)`
    SELECT after_fan_id AS "afterFanId", fans_checked AS "fansChecked", fans_skipped AS "fansSkipped", streams,
           finished_at IS NOT NULL AS finished
    FROM attribution_runs WHERE run_key = ${input.runKey}`);
}

/** One fan done: the run carries on after them. */
export async function advanceRun(
  pool: DatabasePool,
  input: { runKey: string; fanId: string; skipped: boolean; streams: number },
): Promise<void> {
  await pool.query(sql.unsafe`
    UPDATE attribution_runs
    SET after_fan_id = ${input.fanId}, fans_checked = fans_checked + ${input.skipped ? 0 : 1},
        fans_skipped = fans_skipped + ${input.skipped ? 1 : 0}, streams = streams + ${input.streams}
    WHERE run_key = ${input.runKey} AND (after_fan_id IS NULL OR after_fan_id < ${input.fanId})`);
}

export async function finishRun(pool: DatabasePool, runKey: string): Promise<AttributionRun | null> {
  await pool.query(
    sql.unsafe`UPDATE attribution_runs SET finished_at = coalesce(finished_at, now()) WHERE run_key = ${runKey}`,
  );
  return pool.maybeOne(sql.type(runRow)`
    SELECT after_fan_id AS "afterFanId", fans_checked AS "fansChecked", fans_skipped AS "fansSkipped", streams,
           finished_at IS NOT NULL AS finished
    FROM attribution_runs WHERE run_key = ${runKey}`);
}

/** For the attribution status route: the last runs and the fans' cursors at a glance. */
export async function attributionSummary(pool: DatabasePool, campaignId: string) {
  const runs = await pool.any(sql.type(
    z.object({
      runKey: z.string(),
      fansChecked: z.number(),
      fansSkipped: z.number(),
      streams: z.number(),
      startedAt: z.number(),
      finishedAt: z.number().nullable(),
    }),
  )`
    SELECT run_key AS "runKey", fans_checked AS "fansChecked", fans_skipped AS "fansSkipped", streams,
           started_at AS "startedAt", finished_at AS "finishedAt"
    FROM attribution_runs WHERE campaign_id = ${campaignId} ORDER BY started_at DESC LIMIT 10`);
  const tracks = await campaignTrackIds(pool, campaignId);
  return { runs, tracks: tracks.length };
}
