// Pre-saves: one row per campaign, fan and platform, from consent to delivery (claimed in batches on release day,
// marked done / failed / revoked). The one writer of presaves: campaigns.ts reschedules and cancels through it.
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;

/** The instant a fan's pre-save is due: the campaign's zone for a global release, the fan's own for a local one. */
export const dueAtExpression = (fanZone: ReturnType<typeof sql.fragment>) => sql.fragment`
  CASE WHEN c.release_policy = 'global' THEN (c.release_date + c.release_time) AT TIME ZONE c.time_zone
       ELSE (c.release_date + c.release_time) AT TIME ZONE coalesce(${fanZone}, c.time_zone) END`;

export const PRESAVE_STATES = ['pending', 'running', 'done', 'failed', 'revoked', 'cancelled'] as const;
export type PresaveState = (typeof PRESAVE_STATES)[number];

/**
 * For a RETURNING of presaves: an earlier pre-save of the campaign waits for the same instant, so the release engine
 * has this wave in its plan already. Earlier rows only, so the subquery reads the statement's snapshot the same
 * whether the row was new or not.
 */
export const WAVE_PLANNED = sql.fragment`EXISTS (
    SELECT 1 FROM presaves p
    WHERE p.campaign_id = presaves.campaign_id AND p.due_at = presaves.due_at
      AND p.state IN ('pending', 'running') AND (p.created_at, p.id) < (presaves.created_at, presaves.id)
  ) AS "wavePlanned"`;

/** A new pre-save, due at the release instant for this fan. A fan who consents again after a revocation or
 * failure gets a fresh pending row; a delivered one stays delivered. A row forever-save enrolment made becomes
 * the visit's own (a later stop of the forever-save leaves it). `lang`: the fan's language (migration 030), kept as
 * given at the latest consent. `wavePlanned`: an earlier pre-save of the campaign waits for the same instant, so
 * the release engine already has this wave in its plan (read in the same statement: one round trip fewer on the
 * pre-save's path). */
export async function upsertPresave(
  db: Db,
  input: { campaignId: string; fanId: string; platform: string; lang?: string | null },
) {
  const row = z.object({
    id: z.string().uuid(),
    dueAt: z.number(),
    state: z.enum(PRESAVE_STATES),
    wavePlanned: z.boolean(),
  });
  const lang = input.lang ?? null;
  const wavePlanned = WAVE_PLANNED;
  const retried = sql.fragment`presaves.state IN ('failed', 'revoked')`;
  const upserted = await db.maybeOne(sql.prepared('upsert_presave', row)`
    INSERT INTO presaves (campaign_id, fan_id, platform, due_at, lang)
    SELECT c.id, f.id, ${input.platform}, ${dueAtExpression(sql.fragment`f.time_zone`)}, ${lang}
    FROM campaigns c, fans f WHERE c.id = ${input.campaignId} AND f.id = ${input.fanId}
    ON CONFLICT (campaign_id, fan_id, platform) DO UPDATE
      SET state = CASE WHEN ${retried} THEN 'pending' ELSE presaves.state END,
          reason = CASE WHEN ${retried} THEN NULL ELSE presaves.reason END,
          last_error = CASE WHEN ${retried} THEN NULL ELSE presaves.last_error END,
          attempts = CASE WHEN ${retried} THEN 0 ELSE presaves.attempts END,
          due_at = CASE WHEN ${retried} THEN EXCLUDED.due_at ELSE presaves.due_at END,
          lang = coalesce(EXCLUDED.lang, presaves.lang),
          source = 'visit'
      WHERE ${retried} OR presaves.source = 'forever_save'
    RETURNING id, due_at AS "dueAt", state, ${wavePlanned}`);
  // A fan who consents again in another language: their pre-save speaks it from now on.
  if (!upserted && lang)
    await db.query(sql.unsafe`
      UPDATE presaves SET lang = ${lang}
      WHERE campaign_id = ${input.campaignId} AND fan_id = ${input.fanId} AND platform = ${input.platform}
        AND lang IS DISTINCT FROM ${lang}`);
  // No row back means the existing pre-save stands as it is.
  return (
    upserted ??
    db.one(sql.type(row)`
      SELECT id, due_at AS "dueAt", state, ${wavePlanned} FROM presaves
      WHERE campaign_id = ${input.campaignId} AND fan_id = ${input.fanId} AND platform = ${input.platform}`)
  );
}

/**
 * Many pending pre-saves of one campaign, each due at the instant given (the bulk path that seeds a benchmark's
 * fans, which compresses the zones' local waves into minutes: docs/performance.md). Existing ones stay as they are.
 */
export async function insertDuePresaves(
  db: Db,
  input: { campaignId: string; platform: string; rows: readonly { fanId: string; dueAt: number }[] },
): Promise<number> {
  if (input.rows.length === 0) return 0;
  const result = await db.query(sql.unsafe`
    INSERT INTO presaves (campaign_id, fan_id, platform, due_at)
    SELECT ${input.campaignId}, fan_id, ${input.platform}, to_timestamp(due_ms / 1000)
    FROM unnest(${sql.array(
      input.rows.map((r) => r.fanId),
      'uuid',
    )}, ${sql.array(
      input.rows.map((r) => r.dueAt),
      'float8',
    )}) AS r(fan_id, due_ms)
    ON CONFLICT (campaign_id, fan_id, platform) DO NOTHING`);
  return result.rowCount;
}

/** Claims one pre-save by id (the one-workflow-per-fan comparison variant). */
export async function claimPresave(pool: DatabasePool, input: { id: string; claimToken: string; leaseMs: number }) {
  return pool.maybeOne(sql.type(
    z.object({
      id: z.string().uuid(),
      fanId: z.string().uuid(),
      attempts: z.number(),
      campaignId: z.string().uuid(),
      dueAt: z.number(),
    }),
  )`
    UPDATE presaves p
    SET state = 'running', claim_token = ${input.claimToken}, attempts = p.attempts + 1,
        lease_until = clock_timestamp() + ${input.leaseMs} * interval '1 millisecond'
    WHERE id = ${input.id}
      AND (state = 'pending' OR (state = 'running' AND lease_until < clock_timestamp()))
    RETURNING p.id, p.fan_id AS "fanId", p.attempts, p.campaign_id AS "campaignId", p.due_at AS "dueAt"`);
}

export interface ClaimedPresave {
  id: string;
  fanId: string;
  /** counting this one; above 1 the outcome of an earlier attempt is unknown */
  attempts: number;
  dueAt: number;
  platform: string;
  /** added to the fan's library already at consent (an Apple Music pre-add) */
  preadded: boolean;
}

/** At most this many due instants share a claim fairly; older ones beyond it are served by the claim's remainder. */
const FAIR_CLAIM_MAX_WAVES = 64;

/**
 * Claims up to `limit` due pre-saves for one batch, fairly across the due waves (instants): each due wave, newest
 * first, gets an equal share of the claim (at least one row), and what the shares leave (a wave with fewer rows
 * left than its share) goes to the oldest due rows. So a zone whose instant has just come is served by the very
 * next claim instead of waiting behind earlier zones' backlog. SKIP LOCKED lets parallel batches take disjoint rows.
 * A row whose lease ran out (its holder died and stopped renewing it) is taken again; its outcome is unknown.
 * Rows come back wave by wave in turn (`interleaveWaves`), so each wave's first row is among the first delivered.
 * Every probe walks the partial index presaves_due (campaign_id, due_at), in its order: no sort of a wave's rows.
 */
export async function claimDuePresaves(
  pool: DatabasePool,
  input: { campaignId: string; claimToken: string; limit: number; leaseMs: number },
): Promise<readonly ClaimedPresave[]> {
  const { campaignId, limit } = input;
  const claimable = sql.fragment`p.state IN ('pending', 'running')
      AND (p.state = 'pending' OR p.lease_until < clock_timestamp())`;
  const rows = await pool.any(sql.type(
    z.object({
      id: z.string().uuid(),
      fanId: z.string().uuid(),
      attempts: z.number(),
      dueAt: z.number(),
      platform: z.string(),
      preadded: z.boolean(),
    }),
  )`
    WITH RECURSIVE waves(due_at, n) AS (
      SELECT max(p.due_at), 1 FROM presaves p
      WHERE p.campaign_id = ${campaignId} AND p.state IN ('pending', 'running') AND p.due_at <= clock_timestamp()
      UNION ALL
      SELECT (SELECT max(p.due_at) FROM presaves p
              WHERE p.campaign_id = ${campaignId} AND p.state IN ('pending', 'running') AND p.due_at < w.due_at),
             w.n + 1
      FROM waves w WHERE w.due_at IS NOT NULL AND w.n < ${FAIR_CLAIM_MAX_WAVES}
    ),
    due AS (SELECT due_at, n FROM waves WHERE due_at IS NOT NULL),
    share AS (SELECT greatest(1, ${limit} / greatest(1, count(*)))::int AS rows FROM due),
    fair AS (
      SELECT picked.id FROM due CROSS JOIN LATERAL (
        SELECT p.id FROM presaves p
        WHERE p.campaign_id = ${campaignId} AND p.due_at = due.due_at AND ${claimable}
        LIMIT (SELECT rows FROM share)
        FOR UPDATE SKIP LOCKED
      ) picked
      LIMIT ${limit}
    ),
    rest AS (
      SELECT p.id FROM presaves p
      WHERE p.campaign_id = ${campaignId} AND p.due_at <= clock_timestamp() AND ${claimable}
        AND p.id NOT IN (SELECT id FROM fair)
      ORDER BY p.due_at
      LIMIT greatest(0, ${limit} - (SELECT count(*) FROM fair))
      FOR UPDATE SKIP LOCKED
    ),
    candidates AS (SELECT id FROM fair UNION ALL SELECT id FROM rest)
    UPDATE presaves p
    SET state = 'running', claim_token = ${input.claimToken}, attempts = p.attempts + 1,
        lease_until = clock_timestamp() + ${input.leaseMs} * interval '1 millisecond'
    FROM candidates WHERE p.id = candidates.id
    RETURNING p.id, p.fan_id AS "fanId", p.attempts, p.due_at AS "dueAt", p.platform,
              p.preadded_at IS NOT NULL AS preadded`);
  return interleaveWaves(rows);
}

/** The instant of the campaign's next wave that is not due yet (its earliest pending row after now), or null. */
export async function nextWaveInstant(pool: DatabasePool, campaignId: string): Promise<number | null> {
  return pool.oneFirst(sql.type(z.object({ at: z.number().nullable() }))`
    SELECT min(due_at) AS at FROM presaves
    WHERE campaign_id = ${campaignId} AND state IN ('pending', 'running') AND due_at > clock_timestamp()`);
}

/** Rows in turns across their due instants (newest wave first in each turn): every wave's first row comes early. */
export function interleaveWaves<T extends { dueAt: number }>(rows: readonly T[]): T[] {
  const byWave = new Map<number, T[]>();
  for (const row of rows) {
    const wave = byWave.get(row.dueAt);
    if (wave) wave.push(row);
    else byWave.set(row.dueAt, [row]);
  }
  const waves = [...byWave.entries()].sort((a, b) => b[0] - a[0]).map(([, wave]) => wave);
  const out: T[] = [];
  for (let turn = 0; out.length < rows.length; turn++)
    for (const wave of waves) if (turn < wave.length) out.push(wave[turn]);
  return out;
}

/**
 * One row's outcome of a delivery attempt: finished (done, failed, revoked), or given back (`pending`) for a later
 * round keeping what went wrong. `attempted: false` for a row given back when nothing was sent to the provider (not
 * live yet, paused, batch stopped), so the claim does not count as an attempt.
 */
export interface PresaveSettlement {
  id: string;
  state: 'done' | 'failed' | 'revoked' | 'pending';
  reason?: string;
  lastError?: string;
  attempted?: boolean;
  /** when a done row was delivered (epoch ms); the time of the write when absent */
  executedAt?: number;
}

/**
 * Records many rows' outcomes in one statement, each row its own, and only where this claim still holds the row
 * (a superseded attempt writes nothing). Returns the rows written.
 */
export async function settlePresaves(
  db: Db,
  input: { claimToken: string; settlements: readonly PresaveSettlement[] },
): Promise<readonly { id: string; state: PresaveSettlement['state'] }[]> {
  const { settlements } = input;
  if (settlements.length === 0) return [];
  const column = (pick: (s: PresaveSettlement) => string | number | boolean | null, type: string) =>
    sql.array(settlements.map(pick), type);
  const ids = column((s) => s.id, 'uuid');
  const states = column((s) => s.state, 'text');
  const reasons = column((s) => s.reason ?? null, 'text');
  const errors = column((s) => s.lastError ?? null, 'text');
  const attempted = column((s) => s.attempted !== false, 'bool');
  const executedMs = column((s) => s.executedAt ?? null, 'float8');
  return db.any(sql.type(z.object({ id: z.string().uuid(), state: z.enum(['done', 'failed', 'revoked', 'pending']) }))`
    UPDATE presaves p
    SET state = o.state, reason = o.reason, last_error = o.last_error,
        executed_at = CASE WHEN o.state = 'done' THEN coalesce(to_timestamp(o.executed_ms / 1000), clock_timestamp())
                           ELSE p.executed_at END,
        attempts = p.attempts - CASE WHEN o.state = 'pending' AND NOT o.attempted THEN 1 ELSE 0 END,
        claim_token = NULL, lease_until = NULL
    FROM unnest(${ids}, ${states}, ${reasons}, ${errors}, ${attempted}, ${executedMs})
         AS o(id, state, reason, last_error, attempted, executed_ms)
    WHERE p.id = o.id AND p.claim_token = ${input.claimToken} AND p.state = 'running'
    RETURNING p.id, p.state`);
}

/** Records one row's outcome, only while this claim still holds the row. */
export async function finishPresave(
  db: Db,
  input: { id: string; claimToken: string; state: 'done' | 'failed' | 'revoked'; reason?: string; lastError?: string },
): Promise<boolean> {
  const { claimToken, ...settlement } = input;
  return (await settlePresaves(db, { claimToken, settlements: [settlement] })).length === 1;
}

/** Keeps the claim alive while its holder works (a dead holder stops renewing, and the lease runs out). */
export async function renewLease(db: Db, input: { claimToken: string; leaseMs: number }): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE presaves SET lease_until = clock_timestamp() + ${input.leaseMs} * interval '1 millisecond'
    WHERE claim_token = ${input.claimToken} AND state = 'running'`);
}

/** Gives one row back for a later round (see PresaveSettlement for `attempted`). */
export async function returnPresave(
  db: Db,
  input: { id: string; claimToken: string; lastError: string; reason?: string; attempted?: boolean },
): Promise<void> {
  const { claimToken, ...settlement } = input;
  await settlePresaves(db, { claimToken, settlements: [{ ...settlement, state: 'pending' }] });
}

/** Pre-saves counted by state (`p` is the presaves table), for progress and for analytics' delivery tables. */
export const countsByStateShape = {
  total: z.number(),
  pending: z.number(),
  done: z.number(),
  failed: z.number(),
  revoked: z.number(),
  cancelled: z.number(),
  /** of these, the pre-saves forever-save enrolment made (counts taken before it have none) */
  foreverSave: z.number().default(0),
};
export const countsByState = sql.fragment`
  count(*)::int AS total,
  (count(*) FILTER (WHERE p.state IN ('pending', 'running')))::int AS pending,
  (count(*) FILTER (WHERE p.state = 'done'))::int AS done,
  (count(*) FILTER (WHERE p.state = 'failed'))::int AS failed,
  (count(*) FILTER (WHERE p.state = 'revoked'))::int AS revoked,
  (count(*) FILTER (WHERE p.state = 'cancelled'))::int AS cancelled,
  (count(*) FILTER (WHERE p.source = 'forever_save'))::int AS "foreverSave"`;

export const progressRow = z.object({
  ...countsByStateShape,
  dueNow: z.number(),
  nextDueAt: z.number().nullable(),
});
export type PresaveProgress = z.infer<typeof progressRow>;

export async function presaveProgress(db: Db, campaignId: string): Promise<PresaveProgress> {
  return db.one(sql.type(progressRow)`
    SELECT ${countsByState},
           (count(*) FILTER (WHERE p.state IN ('pending', 'running') AND p.due_at <= clock_timestamp()))::int AS "dueNow",
           min(p.due_at) FILTER (WHERE p.state IN ('pending', 'running')) AS "nextDueAt"
    FROM presaves p WHERE p.campaign_id = ${campaignId}`);
}

/** Distinct due instants still ahead or unfinished: the campaign's waves. */
export async function pendingWaves(db: Db, campaignId: string): Promise<readonly number[]> {
  return db.anyFirst(sql.type(z.object({ dueAt: z.number() }))`
    SELECT DISTINCT due_at AS "dueAt" FROM presaves
    WHERE campaign_id = ${campaignId} AND state IN ('pending', 'running') ORDER BY 1`);
}

const listedRow = z.object({
  id: z.string().uuid(),
  platform: z.string(),
  status: z.enum(PRESAVE_STATES),
  dueAt: z.number(),
  executedAt: z.number().nullable(),
  reason: z.string().nullable(),
  /** full-precision created_at, for the cursor */
  createdAtKey: z.string(),
});

/** Keyset pagination over (created_at, id), so pages stay stable while fans keep arriving. */
export async function listPresaves(
  db: Db,
  input: {
    campaignId: string;
    status?: PresaveState;
    platform?: string;
    after?: { createdAtKey: string; id: string };
    limit: number;
  },
) {
  return db.any(sql.type(listedRow)`
    SELECT id, platform, state AS status, due_at AS "dueAt", executed_at AS "executedAt", reason,
           created_at::text AS "createdAtKey"
    FROM presaves
    WHERE campaign_id = ${input.campaignId}
      ${input.status ? sql.fragment`AND state = ${input.status}` : sql.fragment``}
      ${input.platform ? sql.fragment`AND platform = ${input.platform}` : sql.fragment``}
      ${input.after ? sql.fragment`AND (created_at, id) > (${input.after.createdAtKey}::timestamptz, ${input.after.id}::uuid)` : sql.fragment``}
    ORDER BY created_at, id
    LIMIT ${input.limit}`);
}

/**
 * The campaign's fan token ledger: of its pending pre-savers, how many can be reached at their release instant,
 * how many have a refresh token that dies before it (consent + 6 months), and how many are already lost; Spotify
 * fans by their tokens, Apple Music fans by their Music-User-Token (no known end: active or to re-authorize).
 * `foreverSave`: of the reachable, those enrolled by their forever-save with the artist (no visit to this release).
 */
export async function tokenLedger(db: Db, campaignId: string) {
  return db.one(sql.type(
    z.object({
      reachable: z.number(),
      expiringBeforeRelease: z.number(),
      expired: z.number(),
      revoked: z.number(),
      foreverSave: z.number(),
    }),
  )`
    WITH ledger AS (
      SELECT p.source,
             CASE WHEN am.status = 'active' THEN 'reachable'
                  WHEN t.status = 'active' AND t.refresh_expires_at > greatest(p.due_at, now()) THEN 'reachable'
                  WHEN t.status = 'active' AND t.refresh_expires_at > now() THEN 'expiring'
                  WHEN t.status = 'active' THEN 'expired'
                  ELSE 'revoked' END AS standing
      FROM presaves p
      LEFT JOIN fan_tokens t ON t.fan_id = p.fan_id AND p.platform <> 'apple_music'
      LEFT JOIN apple_music_tokens am ON am.fan_id = p.fan_id AND p.platform = 'apple_music'
      WHERE p.campaign_id = ${campaignId} AND p.state IN ('pending', 'running')
    )
    SELECT (count(*) FILTER (WHERE standing = 'reachable'))::int AS reachable,
           (count(*) FILTER (WHERE standing = 'expiring'))::int AS "expiringBeforeRelease",
           (count(*) FILTER (WHERE standing = 'expired'))::int AS expired,
           (count(*) FILTER (WHERE standing = 'revoked'))::int AS revoked,
           (count(*) FILTER (WHERE standing = 'reachable' AND source = 'forever_save'))::int AS "foreverSave"
    FROM ledger`);
}

/** Ops repair: a campaign's failed pre-saves go back to pending, due now. Returns how many. */
export async function retryFailedPresaves(db: Db, campaignId: string): Promise<number> {
  const result = await db.query(sql.unsafe`
    UPDATE presaves SET state = 'pending', attempts = 0, reason = NULL, last_error = NULL, due_at = least(due_at, now())
    WHERE campaign_id = ${campaignId} AND state = 'failed'`);
  return result.rowCount;
}

/** A reschedule: every pending pre-save of the campaign becomes due at the campaign's new instant (in its zone). */
export async function moveDuePresaves(tx: DatabaseTransactionConnection, campaignId: string): Promise<void> {
  await tx.query(sql.unsafe`
    UPDATE presaves p SET due_at = ${dueAtExpression(sql.fragment`f.time_zone`)}
    FROM campaigns c, fans f
    WHERE p.campaign_id = ${campaignId} AND c.id = p.campaign_id AND f.id = p.fan_id AND p.state = 'pending'`);
}

/** A cancelled campaign: its open pre-saves are cancelled and any claim on them released. */
export async function cancelOpenPresaves(tx: DatabaseTransactionConnection, campaignId: string): Promise<void> {
  await tx.query(sql.unsafe`
    UPDATE presaves SET state = 'cancelled', reason = 'campaign_cancelled', claim_token = NULL, lease_until = NULL
    WHERE campaign_id = ${campaignId} AND state IN ('pending', 'running')`);
}

/** When this fan's Spotify pre-save of the campaign is due (the thank-you page says so). */
/** When the fan's pre-save on `platform` is delivered, and the zone to show it in (the fan's, else the campaign's). */
export async function presaveDueAt(
  db: Db,
  campaignId: string,
  fanId: string,
  platform = 'spotify',
): Promise<{ at: number; zone: string } | null> {
  return db.maybeOne(sql.type(z.object({ at: z.number(), zone: z.string() }))`
    SELECT p.due_at AS at, coalesce(f.time_zone, c.time_zone) AS zone
    FROM presaves p JOIN fans f ON f.id = p.fan_id JOIN campaigns c ON c.id = p.campaign_id
    WHERE p.campaign_id = ${campaignId} AND p.fan_id = ${fanId} AND p.platform = ${platform}`);
}

/** Whether the fan pre-saved the campaign on any platform. */
export async function hasPresaved(db: Db, campaignId: string, fanId: string): Promise<boolean> {
  return db.exists(sql.unsafe`SELECT 1 FROM presaves WHERE campaign_id = ${campaignId} AND fan_id = ${fanId}`);
}

/** The fan's pre-saves, by id (an erasure deletes the workflows named after them). */
export async function presaveIdsOfFan(db: Db, fanId: string): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ id: z.string() }))`SELECT id FROM presaves WHERE fan_id = ${fanId}`);
}

/** The campaign's most recent pre-savers whose tokens are active, newest first: whose token may look the catalogue up. */
export async function recentPresaversWithActiveTokens(
  db: Db,
  campaignId: string,
  limit: number,
): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ fanId: z.string() }))`
    SELECT p.fan_id AS "fanId" FROM presaves p JOIN fan_tokens t ON t.fan_id = p.fan_id
    WHERE p.campaign_id = ${campaignId} AND t.status = 'active' ORDER BY p.created_at DESC LIMIT ${limit}`);
}

/**
 * Pending pre-saves whose fan's Spotify consent ends before the pre-save is due (refresh tokens die six months
 * after consent) and who gave an e-mail on that campaign's page, with what the nudge needs.
 */
export async function presavesNeedingReconsent(db: Db) {
  return db.any(sql.type(
    z.object({
      presaveId: z.string(),
      subscriberId: z.string(),
      title: z.string(),
      slug: z.string(),
      lang: z.string().nullable(),
    }),
  )`
    SELECT p.id AS "presaveId", s.id AS "subscriberId", c.title, c.slug, coalesce(p.lang, s.lang) AS lang
    FROM presaves p
    JOIN campaigns c ON c.id = p.campaign_id AND c.status IN ('scheduled', 'releasing')
    JOIN fan_tokens t ON t.fan_id = p.fan_id AND t.status = 'active'
    JOIN subscribers s ON s.fan_id = p.fan_id AND s.campaign_id = p.campaign_id
                       AND s.confirmed_at IS NOT NULL AND s.unsubscribed_at IS NULL
                       AND s.email_enc IS NOT NULL
    WHERE p.state = 'pending' AND t.refresh_expires_at <= p.due_at`);
}

/** Every pre-save of the fan (erasure); returns how many went. */
export async function deletePresavesOfFan(db: Db, fanId: string): Promise<number> {
  return (await db.query(sql.unsafe`DELETE FROM presaves WHERE fan_id = ${fanId}`)).rowCount;
}

/** An Apple Music pre-add made at consent time and read back (the row stays pending until its release instant). */
export async function markPreadded(db: Db, presaveId: string): Promise<void> {
  await db.query(sql.unsafe`UPDATE presaves SET preadded_at = coalesce(preadded_at, now()) WHERE id = ${presaveId}`);
}

/**
 * Enrols the artist's forever-save fans into this campaign: a pending pre-save, due at the fan's release instant like
 * any other, for each fan whose opt-in is on and whose authorization is still good at that instant (Spotify: an
 * active token whose refresh lasts until then; Apple Music: an active Music-User-Token), on a platform the campaign
 * offers. Only the campaign's own artist's opt-ins: never across artists. Idempotent (a fan with a pre-save of this
 * campaign on that platform, however made, is left as is), and only while the campaign still takes pre-saves.
 * Returns how many were enrolled now.
 */
export async function enrolForeverSaveFans(db: Db, campaignId: string): Promise<number> {
  const result = await db.query(sql.unsafe`
    INSERT INTO presaves (campaign_id, fan_id, platform, due_at, source)
    SELECT c.id, f.id, f.provider, ${dueAtExpression(sql.fragment`f.time_zone`)}, 'forever_save'
    FROM campaigns c
    JOIN forever_saves fs ON fs.artist_id = c.artist_id AND fs.stopped_at IS NULL
    JOIN fans f ON f.id = fs.fan_id
    LEFT JOIN fan_tokens t ON t.fan_id = f.id AND f.provider = 'spotify'
    LEFT JOIN apple_music_tokens am ON am.fan_id = f.id AND f.provider = 'apple_music'
    WHERE c.id = ${campaignId} AND c.status IN ('scheduled', 'releasing')
      AND f.provider = ANY(c.platforms)
      AND (
        (f.provider = 'spotify' AND t.status = 'active'
          AND t.refresh_expires_at > greatest(now(), ${dueAtExpression(sql.fragment`f.time_zone`)}))
        OR (f.provider = 'apple_music' AND am.status = 'active' AND c.upc IS NOT NULL)
      )
    ON CONFLICT (campaign_id, fan_id, platform) DO NOTHING`);
  return result.rowCount;
}

/** A stopped forever-save: the pre-saves enrolment made for the fan with this artist, not yet delivered, go. */
export async function dropForeverSavePresaves(
  tx: DatabaseTransactionConnection,
  input: { fanId: string; artistId: string },
): Promise<number> {
  const result = await tx.query(sql.unsafe`
    DELETE FROM presaves p USING campaigns c
    WHERE p.fan_id = ${input.fanId} AND p.source = 'forever_save' AND p.state = 'pending'
      AND c.id = p.campaign_id AND c.artist_id = ${input.artistId}`);
  return result.rowCount;
}
