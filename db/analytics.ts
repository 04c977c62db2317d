// A campaign's analytics, read from `events` (the contract of migration 008) and `presaves`. Abuse flags are
// derived here on every read, so a change of thresholds applies to past events too; flagged events are left out of
// every total (funnel, sources, value, series) and listed with their reasons.
import { z } from 'zod';
import { EVENT_TYPES } from './events';
import { type DatabaseTransactionConnection } from 'slonik';
import { type Config } from '../lib/config';
import { type DatabasePool, sql } from './pool';
import { countsByState, countsByStateShape } from './presaves';

type Tx = DatabaseTransactionConnection;

export interface AbuseRules {
  /** window either side of an authorisation */
  authWindowSeconds: number;
  /** more authorisations than this from one IP hash within the window are flagged */
  authMaxPerIp: number;
  authMaxPerUa: number;
  /** a play this soon after the same fan's previous play is flagged */
  streamMinGapSeconds: number;
  /** an authorisation by a provider account younger than this is flagged (only when the age is known) */
  newAccountSeconds: number;
}

/** The rules as configured (lib/config.ts ABUSE_*). */
export function abuseRulesFrom(config: Config): AbuseRules {
  return {
    authWindowSeconds: config.ABUSE_AUTH_WINDOW_SECONDS,
    authMaxPerIp: config.ABUSE_AUTH_MAX_PER_IP,
    authMaxPerUa: config.ABUSE_AUTH_MAX_PER_UA,
    streamMinGapSeconds: config.ABUSE_STREAM_MIN_GAP_SECONDS,
    newAccountSeconds: config.ABUSE_NEW_ACCOUNT_SECONDS,
  };
}

export const FLAG_REASONS = ['auth_burst_ip', 'auth_burst_ua', 'new_account', 'stream_rate', 'fan_flagged'] as const;

/**
 * The flag rules as rows (event id, reason, detail) of `analytics_flags`, a temporary table of this transaction, over
 * the campaign's events with an id up to `throughId` (all of them by default; a rollup settles up to its watermark).
 */
export async function computeFlags(
  tx: DatabaseTransactionConnection,
  campaignId: string,
  rules: AbuseRules,
  throughId: number = Number.MAX_SAFE_INTEGER,
): Promise<void> {
  const window = sql.fragment`make_interval(secs => ${rules.authWindowSeconds})`;
  await tx.query(
    sql.unsafe`CREATE TEMPORARY TABLE analytics_flags (id bigint NOT NULL, reason text NOT NULL, detail text NOT NULL) ON COMMIT DROP`,
  );
  await tx.query(sql.unsafe`
    INSERT INTO analytics_flags (id, reason, detail)
    WITH auth AS (
      SELECT e.id, e.fan_id, e.occurred_at,
             CASE WHEN e.ip_hash IS NULL THEN 0 ELSE count(*) OVER (PARTITION BY e.ip_hash ORDER BY e.occurred_at
               RANGE BETWEEN ${window} PRECEDING AND ${window} FOLLOWING) END AS ip_count,
             CASE WHEN e.ua_hash IS NULL THEN 0 ELSE count(*) OVER (PARTITION BY e.ua_hash ORDER BY e.occurred_at
               RANGE BETWEEN ${window} PRECEDING AND ${window} FOLLOWING) END AS ua_count,
             analytics_try_timestamptz(e.properties->>'accountCreatedAt') AS account_created_at
      FROM events e WHERE e.campaign_id = ${campaignId} AND e.type = 'AUTH' AND e.id <= ${throughId}
    ),
    plays AS (
      SELECT e.id, coalesce(e.played_at, e.occurred_at) AS at,
             lag(coalesce(e.played_at, e.occurred_at)) OVER (PARTITION BY e.fan_id ORDER BY coalesce(e.played_at, e.occurred_at), e.id) AS previous_at
      FROM events e
      WHERE e.campaign_id = ${campaignId} AND e.type = 'STREAM' AND e.fan_id IS NOT NULL AND e.id <= ${throughId}
    ),
    rule_flags AS (
      SELECT id, 'auth_burst_ip' AS reason,
             format('%s authorisations from one IP address within %s s', ip_count, ${rules.authWindowSeconds}::int) AS detail
      FROM auth WHERE ip_count > ${rules.authMaxPerIp}
      UNION ALL
      SELECT id, 'auth_burst_ua', format('%s authorisations from one user agent within %s s', ua_count, ${rules.authWindowSeconds}::int)
      FROM auth WHERE ua_count > ${rules.authMaxPerUa}
      UNION ALL
      SELECT id, 'new_account', format('provider account created %s min before authorising',
                                       floor(extract(epoch FROM occurred_at - account_created_at) / 60))
      FROM auth WHERE account_created_at IS NOT NULL AND account_created_at <= occurred_at
        AND occurred_at - account_created_at < make_interval(secs => ${rules.newAccountSeconds})
      UNION ALL
      SELECT id, 'stream_rate', format('played %s s after the previous play (at least %s s expected)',
                                       round(extract(epoch FROM at - previous_at)::numeric, 1), ${rules.streamMinGapSeconds}::int)
      FROM plays WHERE previous_at IS NOT NULL AND at - previous_at < make_interval(secs => ${rules.streamMinGapSeconds})
    ),
    flagged_fans AS (
      SELECT DISTINCT a.fan_id FROM auth a JOIN rule_flags f ON f.id = a.id WHERE a.fan_id IS NOT NULL
    )
    SELECT id, reason, detail FROM rule_flags
    UNION ALL
    SELECT e.id, 'fan_flagged', 'the fan''s authorisation is flagged'
    FROM events e JOIN flagged_fans ff ON ff.fan_id = e.fan_id
    WHERE e.campaign_id = ${campaignId} AND e.type <> 'AUTH' AND e.id <= ${throughId}`);
  await tx.query(sql.unsafe`ANALYZE analytics_flags`);
}

/**
 * `WITH ...` defining `flagged_fans` (fans whose AUTH is flagged) and `clean` (the campaign's unflagged events, with
 * `at` = when it happened: played_at for plays), over `analytics_flags`.
 */
function withCleanEvents(campaignId: string) {
  return sql.fragment`
    WITH flagged_fans AS (
      SELECT DISTINCT e.fan_id FROM analytics_flags f JOIN events e ON e.id = f.id
      WHERE f.reason <> 'fan_flagged' AND e.type = 'AUTH' AND e.fan_id IS NOT NULL
    ),
    clean AS (
      SELECT e.id, e.type, e.fan_id, e.channel, e.source, e.medium, e.platform, e.properties, coalesce(e.played_at, e.occurred_at) AS at
      FROM events e
      WHERE e.campaign_id = ${campaignId} AND NOT EXISTS (SELECT 1 FROM analytics_flags f WHERE f.id = e.id)
    )`;
}

export const countsRow = z.object({ type: z.string(), count: z.number() });

/** Unflagged events per type. */
async function eventCounts(tx: Tx, campaignId: string) {
  return tx.any(sql.type(countsRow)`
    ${withCleanEvents(campaignId)}
    SELECT type, count(*)::int AS count FROM clean GROUP BY type ORDER BY type`);
}

export const funnelRow = z.object({
  views: z.number(),
  clicks: z.number(),
  authorisations: z.number(),
  delivered: z.number(),
  streamed7d: z.number(),
  streamed28d: z.number(),
});
export type Funnel = z.infer<typeof funnelRow>;

/**
 * views → clicks → authorisations (unflagged AUTH) → delivered (fans with a pre-save done, their authorisation not
 * flagged) → streamed (delivered fans with an unflagged play within 7 / 28 days of their own release instant).
 */
async function funnel(tx: Tx, campaignId: string): Promise<Funnel> {
  return tx.one(sql.type(funnelRow)`
    ${withCleanEvents(campaignId)},
    delivered AS (
      SELECT p.fan_id, min(p.due_at) AS release_at FROM presaves p
      WHERE p.campaign_id = ${campaignId} AND p.state = 'done'
        AND NOT EXISTS (SELECT 1 FROM flagged_fans ff WHERE ff.fan_id = p.fan_id)
      GROUP BY p.fan_id
    ),
    first_play AS (
      SELECT d.fan_id, min(c.at) - d.release_at AS after_release
      FROM delivered d JOIN clean c ON c.fan_id = d.fan_id AND c.type = 'STREAM' AND c.at >= d.release_at
      GROUP BY d.fan_id, d.release_at
    )
    SELECT (SELECT count(*) FROM clean WHERE type = 'PAGE_VIEW')::int AS views,
           (SELECT count(*) FROM clean WHERE type = 'CLICK')::int AS clicks,
           (SELECT count(DISTINCT coalesce(fan_id::text, id::text)) FROM clean WHERE type = 'AUTH')::int AS authorisations,
           (SELECT count(*) FROM delivered)::int AS delivered,
           (SELECT count(*) FROM first_play WHERE after_release < interval '7 days')::int AS "streamed7d",
           (SELECT count(*) FROM first_play WHERE after_release < interval '28 days')::int AS "streamed28d"`);
}

export const sourceRow = z.object({
  channel: z.string().nullable(),
  source: z.string().nullable(),
  medium: z.string().nullable(),
  views: z.number(),
  clicks: z.number(),
  authorisations: z.number(),
  emailSignups: z.number(),
});

/** First-party events by where the visit came from, most viewed first. */
async function sources(tx: Tx, campaignId: string, limit = 100) {
  return tx.any(sql.type(sourceRow)`
    ${withCleanEvents(campaignId)}
    SELECT channel, source, medium,
           (count(*) FILTER (WHERE type = 'PAGE_VIEW'))::int AS views,
           (count(*) FILTER (WHERE type = 'CLICK'))::int AS clicks,
           (count(*) FILTER (WHERE type = 'AUTH'))::int AS authorisations,
           (count(*) FILTER (WHERE type = 'EMAIL_SIGNUP'))::int AS "emailSignups"
    FROM clean WHERE type IN ('PAGE_VIEW', 'CLICK', 'AUTH', 'EMAIL_SIGNUP')
    GROUP BY channel, source, medium
    ORDER BY views DESC, clicks DESC, authorisations DESC, channel NULLS LAST, source NULLS LAST, medium NULLS LAST
    LIMIT ${limit}`);
}

/**
 * A campaign's clicks not among `flagged` (a relation with the flagged events' `id`), up to event id `through`
 * when given (a rollup's watermark: its answer counts nothing past it).
 */
export interface ClickScope {
  flagged: ReturnType<typeof sql.fragment>;
  through?: number;
}
const cleanClicks = (campaignId: string, scope: ClickScope) => sql.fragment`
  SELECT e.platform, e.properties FROM events e
  WHERE e.campaign_id = ${campaignId} AND e.type = 'CLICK'
    ${scope.through === undefined ? sql.fragment`` : sql.fragment`AND e.id <= ${scope.through}`}
    AND NOT EXISTS (SELECT 1 FROM ${scope.flagged} f WHERE f.id = e.id)`;

/** Unflagged clicks per platform (the smart link's buttons and tracked links), most clicked first. */
export async function clicksByPlatform(tx: Tx, campaignId: string, scope: ClickScope) {
  return tx.any(sql.type(z.object({ platform: z.string().nullable(), clicks: z.number() }))`
    SELECT platform, count(*)::int AS clicks FROM (${cleanClicks(campaignId, scope)}) c
    GROUP BY platform ORDER BY clicks DESC, platform NULLS LAST`);
}

/**
 * Pre-save clicks from in-app browsers (Instagram, Facebook, TikTok): offered the "open in browser" stop, went on
 * to Spotify anyway, and the drop-off between.
 */
export async function inAppBrowser(tx: Tx, campaignId: string, scope: ClickScope) {
  const row = await tx.one(sql.type(z.object({ offered: z.number(), continued: z.number() }))`
    SELECT (count(*) FILTER (WHERE properties->>'continued' = 'false'))::int AS offered,
           (count(*) FILTER (WHERE properties->>'continued' = 'true'))::int AS continued
    FROM (${cleanClicks(campaignId, scope)}) c WHERE properties ? 'inAppBrowser'`);
  return { ...row, droppedOff: Math.max(0, row.offered - row.continued) };
}

export const flagRow = z.object({
  eventId: z.string(),
  type: z.string(),
  at: z.number(),
  reasons: z.array(z.object({ code: z.enum(FLAG_REASONS), detail: z.string() })),
});

/** Flagged events with why, newest first, from `flags`: a relation of (event_id, reason, detail, type, at). */
export async function flagItems(tx: Tx, flags: ReturnType<typeof sql.fragment>, limit = 200) {
  return tx.any(sql.type(flagRow)`
    SELECT f.event_id::text AS "eventId", f.type, f.at,
           json_agg(json_build_object('code', f.reason, 'detail', f.detail) ORDER BY f.reason) AS reasons
    FROM ${flags} f
    GROUP BY f.event_id, f.type, f.at ORDER BY f.at DESC, f.event_id DESC LIMIT ${limit}`);
}

/** How many events `flags` excludes, and how many per reason. */
export async function flagTotals(tx: Tx, flags: ReturnType<typeof sql.fragment>) {
  const byReason = await tx.any(sql.type(z.object({ reason: z.enum(FLAG_REASONS), count: z.number() }))`
    SELECT reason, count(DISTINCT event_id)::int AS count FROM ${flags} f GROUP BY reason ORDER BY reason`);
  const total = await tx.oneFirst(
    sql.type(z.object({ count: z.number() }))`SELECT count(DISTINCT event_id)::int AS count FROM ${flags} f`,
  );
  return { excludedEvents: total, byReason: Object.fromEntries(byReason.map((r) => [r.reason, r.count])) };
}

/** Clicks counted against this transaction's flagged events. */
const computedClickScope = { flagged: sql.fragment`(SELECT id FROM analytics_flags)` };

/** This transaction's `analytics_flags` with each event's type and instant. */
const computedFlags = sql.fragment`(
  SELECT f.id AS event_id, f.reason, f.detail, e.type, coalesce(e.played_at, e.occurred_at) AS at
  FROM analytics_flags f JOIN events e ON e.id = f.id)`;

/** Pre-saves by the fan's time zone (null: the browser did not say), by wave (due instant) and by platform. */
export async function delivery(tx: Tx, campaignId: string) {
  const byZone = await tx.any(sql.type(z.object({ zone: z.string().nullable(), ...countsByStateShape }))`
      SELECT f.time_zone AS zone, ${countsByState}
      FROM presaves p JOIN fans f ON f.id = p.fan_id WHERE p.campaign_id = ${campaignId}
      GROUP BY f.time_zone ORDER BY total DESC, zone NULLS LAST LIMIT 500`);
  const byWave = await tx.any(sql.type(z.object({ dueAt: z.number(), ...countsByStateShape }))`
      SELECT p.due_at AS "dueAt", ${countsByState}
      FROM presaves p WHERE p.campaign_id = ${campaignId}
      GROUP BY p.due_at ORDER BY p.due_at LIMIT 500`);
  const byPlatform = await tx.any(sql.type(z.object({ platform: z.string(), ...countsByStateShape }))`
      SELECT p.platform, ${countsByState}
      FROM presaves p WHERE p.campaign_id = ${campaignId} GROUP BY p.platform ORDER BY p.platform`);
  return { byZone, byWave, byPlatform };
}

export type Bucket = 'hour' | 'day';
export interface SeriesRange {
  from: Date;
  to: Date;
  bucket: Bucket;
}
export const BUCKET_MS: Record<Bucket, number> = { hour: 3_600_000, day: 86_400_000 };

const seriesRow = z.object({
  start: z.number(),
  PAGE_VIEW: z.number(),
  CLICK: z.number(),
  AUTH: z.number(),
  SAVE_TRACK: z.number(),
  FOLLOW_ARTIST: z.number(),
  STREAM: z.number(),
  EMAIL_SIGNUP: z.number(),
}) satisfies z.ZodType<{ start: number } & Record<(typeof EVENT_TYPES)[number], number>>;

/** Unflagged events per UTC hour or day in [from, to); every bucket is present, empty ones with zeros. */
async function series(tx: Tx, campaignId: string, range: SeriesRange) {
  return seriesFrom(
    tx,
    range,
    sql.fragment`
    ${withCleanEvents(campaignId)},
    counted AS (
      SELECT date_trunc(${range.bucket}, at AT TIME ZONE 'UTC') AS bucket, type, count(*) AS n
      FROM clean WHERE at >= ${range.from.toISOString()}::timestamptz AND at < ${range.to.toISOString()}::timestamptz
      GROUP BY 1, 2
    )`,
  );
}

/**
 * The series' buckets from `counted` (bucket: the UTC hour or day as a timestamp without zone, type, n), which
 * `withCounted` defines as the last of its `WITH` queries.
 */
export async function seriesFrom(tx: Tx, range: SeriesRange, withCounted: ReturnType<typeof sql.fragment>) {
  const from = range.from.toISOString();
  const to = range.to.toISOString();
  const step = sql.fragment`${`1 ${range.bucket}`}::interval`;
  const perType = EVENT_TYPES.map(
    (t) => sql.fragment`coalesce(sum(n) FILTER (WHERE type = ${t}), 0)::int AS ${sql.identifier([t])}`,
  );
  return tx.any(sql.type(seriesRow)`
    ${withCounted}
    SELECT b AT TIME ZONE 'UTC' AS start, ${sql.join(perType, sql.fragment`, `)}
    FROM generate_series(date_trunc(${range.bucket}, ${from}::timestamptz AT TIME ZONE 'UTC'),
                         ${to}::timestamptz AT TIME ZONE 'UTC' - interval '1 microsecond', ${step}) AS b
    LEFT JOIN counted ON counted.bucket = b
    GROUP BY b ORDER BY b`);
}

/**
 * Everything the analytics route shows, computed from every event, from one snapshot: one transaction (REPEATABLE
 * READ, read only but for its temporary table) computes the flags once and every total reads past them. The route
 * reads the rollups instead (db/analytics-rollup-read.ts, the same answer as of the rollup's watermark); this is the
 * reference they are tested against and the benchmark's "before".
 */
export async function campaignAnalytics(pool: DatabasePool, campaignId: string, rules: AbuseRules, range: SeriesRange) {
  return pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ`);
    await computeFlags(tx, campaignId, rules);
    return {
      counts: await eventCounts(tx, campaignId),
      funnel: await funnel(tx, campaignId),
      sources: await sources(tx, campaignId),
      clicksByPlatform: await clicksByPlatform(tx, campaignId, computedClickScope),
      inAppBrowser: await inAppBrowser(tx, campaignId, computedClickScope),
      flags: { ...(await flagTotals(tx, computedFlags)), items: await flagItems(tx, computedFlags) },
      delivery: await delivery(tx, campaignId),
      series: await series(tx, campaignId, range),
    };
  });
}
