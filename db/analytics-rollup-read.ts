// A campaign's analytics read from its rollup (db/analytics-rollup.ts, migration 024): the same answer as
// db/analytics.ts computes from every event and pre-save, as of the rollup's last round (events up to its watermark,
// pre-saves as of its snapshot). Cost grows with hours, sources and flagged events, not with events or fans.
import { z } from 'zod';
import { type DatabaseTransactionConnection } from 'slonik';
import {
  type AbuseRules,
  BUCKET_MS,
  clicksByPlatform,
  countsRow,
  flagItems,
  inAppBrowser,
  type Funnel,
  type SeriesRange,
  seriesFrom,
  sourceRow,
} from './analytics';
import { deliverySnapshot, EMPTY_DELIVERY } from './analytics-delivery';
import { type DatabasePool, sql } from './pool';

type Tx = DatabaseTransactionConnection;

const rollupRow = z.object({
  eventsThrough: z.coerce.number(),
  rules: z.unknown(),
  rolledAt: z.number(),
  delivery: deliverySnapshot.nullable(),
});

/** Unflagged events per type, from the hourly counts. */
async function eventCounts(tx: Tx, campaignId: string) {
  return tx.any(sql.type(countsRow)`
    SELECT type, sum(n)::int AS count FROM analytics_hourly WHERE campaign_id = ${campaignId}
    GROUP BY type HAVING sum(n) > 0 ORDER BY type`);
}

/** First-party events by where the visit came from, most viewed first (the order of db/analytics.ts). */
async function sources(tx: Tx, campaignId: string, limit = 100) {
  const of = (type: string) => sql.fragment`coalesce(sum(n) FILTER (WHERE type = ${type}), 0)::int`;
  return tx.any(sql.type(sourceRow)`
    SELECT channel, source, medium, ${of('PAGE_VIEW')} AS views, ${of('CLICK')} AS clicks,
           ${of('AUTH')} AS authorisations, ${of('EMAIL_SIGNUP')} AS "emailSignups"
    FROM analytics_sources
    WHERE campaign_id = ${campaignId} AND type IN ('PAGE_VIEW', 'CLICK', 'AUTH', 'EMAIL_SIGNUP')
    GROUP BY channel, source, medium HAVING sum(n) > 0
    ORDER BY views DESC, clicks DESC, authorisations DESC, channel NULLS LAST, source NULLS LAST, medium NULLS LAST
    LIMIT ${limit}`);
}

/**
 * The series: whole hours from the hourly counts; a range that starts or ends inside an hour counts that part from
 * the events themselves (unflagged, up to the watermark): at most an hour of events at either end.
 */
async function series(tx: Tx, campaignId: string, through: number, range: SeriesRange) {
  const hour = BUCKET_MS.hour;
  const from = range.from.getTime();
  const to = range.to.getTime();
  const wholeFrom = Math.min(Math.ceil(from / hour) * hour, to);
  const wholeTo = Math.max(Math.floor(to / hour) * hour, wholeFrom);
  const t = (ms: number) => sql.fragment`${new Date(ms).toISOString()}::timestamptz`;
  const inEdges = (at: ReturnType<typeof sql.fragment>) =>
    sql.fragment`((${at} >= ${t(from)} AND ${at} < ${t(wholeFrom)}) OR (${at} >= ${t(wholeTo)} AND ${at} < ${t(to)}))`;
  const bucketOf = (at: ReturnType<typeof sql.fragment>) =>
    sql.fragment`date_trunc(${range.bucket}, ${at} AT TIME ZONE 'UTC')`;
  return seriesFrom(
    tx,
    range,
    sql.fragment`
    WITH counted AS (
      SELECT bucket, type, sum(n) AS n FROM (
        SELECT ${bucketOf(sql.fragment`hour`)} AS bucket, type, n FROM analytics_hourly
        WHERE campaign_id = ${campaignId} AND hour >= ${t(wholeFrom)} AND hour < ${t(wholeTo)}
        UNION ALL
        SELECT ${bucketOf(sql.fragment`e.occurred_at`)}, e.type, 1 FROM events e
        WHERE e.campaign_id = ${campaignId} AND e.id <= ${through} AND e.played_at IS NULL
          AND ${inEdges(sql.fragment`e.occurred_at`)}
          AND NOT EXISTS (SELECT 1 FROM analytics_event_flags f WHERE f.event_id = e.id)
        UNION ALL
        SELECT ${bucketOf(sql.fragment`at`)}, type, 1 FROM analytics_plays
        WHERE campaign_id = ${campaignId} AND played AND ${inEdges(sql.fragment`at`)}
      ) parts
      GROUP BY bucket, type
    )`,
  );
}

/**
 * Everything the analytics route shows, from the rollup, in one snapshot (REPEATABLE READ). `asOf` says how fresh
 * it is: every event up to `eventsThrough` is in, rolled up at `rolledAt` under `rules` (null: not rolled up yet).
 */
const rolledUpFlagIds = (campaignId: string) =>
  sql.fragment`(SELECT event_id AS id FROM analytics_event_flags WHERE campaign_id = ${campaignId})`;

export async function rolledUpAnalytics(pool: DatabasePool, campaignId: string, range: SeriesRange) {
  return pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY`);
    const rollup = await tx.maybeOne(sql.type(rollupRow)`
      SELECT events_through AS "eventsThrough", rules, rolled_at AS "rolledAt", delivery
      FROM analytics_rollups WHERE campaign_id = ${campaignId}`);
    const through = rollup?.eventsThrough ?? 0;
    const snapshot = rollup?.delivery ?? EMPTY_DELIVERY;
    const counts = await eventCounts(tx, campaignId);
    const countOf = (type: string) => counts.find((c) => c.type === type)?.count ?? 0;
    const funnel: Funnel = {
      views: countOf('PAGE_VIEW'),
      clicks: countOf('CLICK'),
      authorisations: snapshot.authorisations,
      delivered: snapshot.delivered,
      streamed7d: snapshot.streamed7d,
      streamed28d: snapshot.streamed28d,
    };
    return {
      asOf: rollup
        ? { eventsThrough: through, rolledAt: rollup.rolledAt, rules: rollup.rules as AbuseRules | null }
        : null,
      counts,
      funnel,
      sources: await sources(tx, campaignId),
      // From the round's snapshot; one taken before clicks were in it: counted here up to the same watermark.
      clicksByPlatform:
        snapshot.clicksByPlatform ??
        (await clicksByPlatform(tx, campaignId, { flagged: rolledUpFlagIds(campaignId), through })),
      inAppBrowser:
        snapshot.inAppBrowser ??
        (await inAppBrowser(tx, campaignId, { flagged: rolledUpFlagIds(campaignId), through })),
      flags: {
        excludedEvents: snapshot.excludedEvents,
        byReason: snapshot.byReason,
        // An event has at most five reasons: its newest 1,000 rows hold the 200 newest flagged events.
        items: await flagItems(
          tx,
          sql.fragment`(SELECT event_id, reason, detail, type, at FROM analytics_event_flags
                        WHERE campaign_id = ${campaignId} ORDER BY at DESC, event_id DESC LIMIT 1000)`,
        ),
      },
      delivery: { byZone: snapshot.byZone, byWave: snapshot.byWave, byPlatform: snapshot.byPlatform },
      series: await series(tx, campaignId, through, range),
    };
  });
}
