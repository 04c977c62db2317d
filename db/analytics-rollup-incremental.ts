// The incremental step of an analytics rollup round (db/analytics-rollup.ts): a campaign's new events, the abuse
// flags they can add or change, and the difference they make to the totals. Inserts only ever add flags, and only
// near the new events: authorisations of the same IP / user-agent hash within a window, the plays of the same fan,
// and the other events of a fan whose authorisation becomes flagged. Each rule here mirrors its from-scratch form in
// db/analytics.ts `computeFlags` over the smallest set of events it can change.
import { type DatabaseTransactionConnection } from 'slonik';
import { type AbuseRules } from './analytics';
import { sql } from './pool';

type Tx = DatabaseTransactionConnection;

/**
 * The events of (since, through]: settle the flags they can add or change, remembering for every event whose
 * flags were looked at whether the rollup counted it before (`rollup_touched`), then count the difference.
 */
export async function rollUpNewEvents(
  tx: Tx,
  campaignId: string,
  rules: AbuseRules,
  since: number,
  through: number,
): Promise<void> {
  await tx.query(sql.unsafe`
    CREATE TEMPORARY TABLE rollup_new ON COMMIT DROP AS
    SELECT id, type, fan_id, ip_hash, ua_hash, occurred_at, properties->>'accountCreatedAt' AS account_created
    FROM events WHERE id > ${since} AND id <= ${through} AND campaign_id = ${campaignId}`);
  await tx.query(sql.unsafe`
    CREATE TEMPORARY TABLE rollup_touched (id bigint PRIMARY KEY, counted boolean NOT NULL) ON COMMIT DROP`);
  await tx.query(sql.unsafe`INSERT INTO rollup_touched (id, counted) SELECT id, false FROM rollup_new`);
  await tx.query(sql.unsafe`
    CREATE TEMPORARY TABLE rollup_scope (id bigint NOT NULL, reason text NOT NULL, detail text, flagged boolean NOT NULL)
    ON COMMIT DROP`);

  const scope = { tx, campaignId, rules, through };
  await scopeBurst(scope, 'ip_hash', 'auth_burst_ip', rules.authMaxPerIp, 'IP address');
  await scopeBurst(scope, 'ua_hash', 'auth_burst_ua', rules.authMaxPerUa, 'user agent');
  await scopeNewAccounts(scope);
  await scopeStreamRate(scope);
  await settleScope(tx, campaignId, since);
  await scopeFlaggedFans(scope);
  await settleScope(tx, campaignId, since);

  await tx.query(sql.unsafe`
    CREATE TEMPORARY TABLE rollup_delta ON COMMIT DROP AS
    SELECT e.id, e.type, e.fan_id, e.channel, e.source, e.medium, coalesce(e.played_at, e.occurred_at) AS at,
           e.played_at IS NOT NULL AS played, d.delta
    FROM (SELECT t.id,
                 (NOT EXISTS (SELECT 1 FROM analytics_event_flags f WHERE f.event_id = t.id))::int - t.counted::int AS delta
          FROM rollup_touched t) d
    JOIN events e ON e.id = d.id
    WHERE d.delta <> 0`);
  await applyDelta(tx, campaignId);
}

interface Scope {
  tx: Tx;
  campaignId: string;
  rules: AbuseRules;
  through: number;
}

/**
 * Authorisations whose count within the window can change: those of the same key (IP / user agent hash) within one
 * window of a new one. Their counts need every authorisation within two windows of it, which are read too.
 */
async function scopeBurst(
  { tx, campaignId, rules, through }: Scope,
  key: 'ip_hash' | 'ua_hash',
  reason: string,
  max: number,
  what: string,
): Promise<void> {
  const w = sql.fragment`make_interval(secs => ${rules.authWindowSeconds})`;
  const k = sql.identifier([key]);
  await tx.query(sql.unsafe`
    INSERT INTO rollup_scope (id, reason, detail, flagged)
    WITH n AS (SELECT ${k} AS k, occurred_at FROM rollup_new WHERE type = 'AUTH' AND ${k} IS NOT NULL),
    bounds AS (SELECT min(occurred_at) - 2 * ${w} AS lo, max(occurred_at) + 2 * ${w} AS hi FROM n),
    candidates AS (
      SELECT e.id, e.${k} AS k, e.occurred_at FROM events e, bounds b
      WHERE e.campaign_id = ${campaignId} AND e.type = 'AUTH' AND e.id <= ${through}
        AND e.occurred_at BETWEEN b.lo AND b.hi
        AND EXISTS (SELECT 1 FROM n WHERE n.k = e.${k}
                    AND e.occurred_at BETWEEN n.occurred_at - 2 * ${w} AND n.occurred_at + 2 * ${w})
    ),
    counted AS (
      SELECT id, k, occurred_at,
             count(*) OVER (PARTITION BY k ORDER BY occurred_at RANGE BETWEEN ${w} PRECEDING AND ${w} FOLLOWING) AS n
      FROM candidates
    )
    SELECT id, ${reason}, format(${`%s authorisations from one ${what} within %s s`}, n, ${rules.authWindowSeconds}::int),
           n > ${max}
    FROM counted c
    WHERE EXISTS (SELECT 1 FROM n WHERE n.k = c.k AND c.occurred_at BETWEEN n.occurred_at - ${w} AND n.occurred_at + ${w})`);
}

/** A new account is a property of the authorisation alone: only new ones. */
async function scopeNewAccounts({ tx, rules }: Scope): Promise<void> {
  await tx.query(sql.unsafe`
    INSERT INTO rollup_scope (id, reason, detail, flagged)
    SELECT id, 'new_account',
           format('provider account created %s min before authorising',
                  floor(extract(epoch FROM occurred_at - account_created_at) / 60)),
           coalesce(account_created_at <= occurred_at
                    AND occurred_at - account_created_at < make_interval(secs => ${rules.newAccountSeconds}), false)
    FROM (SELECT id, occurred_at, analytics_try_timestamptz(account_created) AS account_created_at
          FROM rollup_new WHERE type = 'AUTH') a`);
}

/** A new play can be too close to the fan's play before it, and make the play after it too close: every play of those fans. */
async function scopeStreamRate({ tx, campaignId, rules, through }: Scope): Promise<void> {
  await tx.query(sql.unsafe`
    INSERT INTO rollup_scope (id, reason, detail, flagged)
    WITH plays AS (
      SELECT e.id, coalesce(e.played_at, e.occurred_at) AS at,
             lag(coalesce(e.played_at, e.occurred_at)) OVER (PARTITION BY e.fan_id ORDER BY coalesce(e.played_at, e.occurred_at), e.id) AS previous_at
      FROM events e
      WHERE e.campaign_id = ${campaignId} AND e.type = 'STREAM' AND e.id <= ${through}
        AND e.fan_id IN (SELECT fan_id FROM rollup_new WHERE type = 'STREAM' AND fan_id IS NOT NULL)
    )
    SELECT id, 'stream_rate',
           format('played %s s after the previous play (at least %s s expected)',
                  round(extract(epoch FROM at - previous_at)::numeric, 1), ${rules.streamMinGapSeconds}::int),
           coalesce(at - previous_at < make_interval(secs => ${rules.streamMinGapSeconds}), false)
    FROM plays`);
}

/**
 * A fan with a flagged authorisation has every other event flagged: for each fan of an event looked at so far,
 * whether the fan is flagged now (kept in analytics_fans), and every non-AUTH event of theirs.
 */
async function scopeFlaggedFans({ tx, campaignId, through }: Scope): Promise<void> {
  await tx.query(sql.unsafe`
    CREATE TEMPORARY TABLE rollup_fans ON COMMIT DROP AS
    WITH fans AS (SELECT DISTINCT e.fan_id FROM rollup_touched t JOIN events e ON e.id = t.id WHERE e.fan_id IS NOT NULL)
    SELECT fans.fan_id, EXISTS (
      SELECT 1 FROM events e JOIN analytics_event_flags f ON f.event_id = e.id AND f.reason <> 'fan_flagged'
      WHERE e.campaign_id = ${campaignId} AND e.fan_id = fans.fan_id AND e.type = 'AUTH') AS flagged
    FROM fans`);
  await tx.query(sql.unsafe`
    INSERT INTO analytics_fans (campaign_id, fan_id, flagged)
    SELECT ${campaignId}, fan_id, flagged FROM rollup_fans
    ON CONFLICT ON CONSTRAINT analytics_fans_key DO UPDATE SET flagged = EXCLUDED.flagged`);
  await tx.query(sql.unsafe`
    INSERT INTO rollup_scope (id, reason, detail, flagged)
    SELECT e.id, 'fan_flagged', 'the fan''s authorisation is flagged', rf.flagged
    FROM rollup_fans rf JOIN events e ON e.fan_id = rf.fan_id
    WHERE e.campaign_id = ${campaignId} AND e.id <= ${through} AND e.type <> 'AUTH'`);
}

/** Replaces the flags of every (event, reason) in `rollup_scope`, first noting whether older events were counted. */
async function settleScope(tx: Tx, campaignId: string, since: number): Promise<void> {
  await tx.query(sql.unsafe`
    INSERT INTO rollup_touched (id, counted)
    SELECT DISTINCT s.id, NOT EXISTS (SELECT 1 FROM analytics_event_flags f WHERE f.event_id = s.id)
    FROM rollup_scope s WHERE s.id <= ${since}
    ON CONFLICT (id) DO NOTHING`);
  await tx.query(sql.unsafe`
    DELETE FROM analytics_event_flags f USING rollup_scope s WHERE f.event_id = s.id AND f.reason = s.reason`);
  await tx.query(sql.unsafe`
    INSERT INTO analytics_event_flags (event_id, reason, campaign_id, detail, type, at)
    SELECT s.id, s.reason, ${campaignId}, s.detail, e.type, coalesce(e.played_at, e.occurred_at)
    FROM rollup_scope s JOIN events e ON e.id = s.id WHERE s.flagged`);
  await tx.query(sql.unsafe`TRUNCATE rollup_scope`);
}

/** Adds `rollup_delta`  (+1 an event now counted, -1 one counted before and flagged now) to every total. */
export async function applyDelta(tx: Tx, campaignId: string): Promise<void> {
  await tx.query(sql.unsafe`
    INSERT INTO analytics_hourly (campaign_id, hour, type, n)
    SELECT ${campaignId}, date_trunc('hour', at, 'UTC'), type, sum(delta) FROM rollup_delta GROUP BY 2, 3
    ON CONFLICT (campaign_id, hour, type) DO UPDATE SET n = analytics_hourly.n + EXCLUDED.n`);
  await tx.query(sql.unsafe`
    INSERT INTO analytics_sources (campaign_id, channel, source, medium, type, n)
    SELECT ${campaignId}, channel, source, medium, type, sum(delta) FROM rollup_delta GROUP BY 2, 3, 4, 5
    ON CONFLICT ON CONSTRAINT analytics_sources_key DO UPDATE SET n = analytics_sources.n + EXCLUDED.n`);
  await tx.query(sql.unsafe`
    INSERT INTO analytics_fans (campaign_id, fan_id, clean_auths)
    SELECT ${campaignId}, fan_id, sum(delta)::int FROM rollup_delta WHERE type = 'AUTH' GROUP BY fan_id
    ON CONFLICT ON CONSTRAINT analytics_fans_key DO UPDATE SET clean_auths = analytics_fans.clean_auths + EXCLUDED.clean_auths`);
  await tx.query(sql.unsafe`
    DELETE FROM analytics_plays p USING rollup_delta d WHERE d.delta < 0 AND p.event_id = d.id`);
  await tx.query(sql.unsafe`
    INSERT INTO analytics_plays (event_id, campaign_id, fan_id, type, at, played)
    SELECT id, ${campaignId}, fan_id, type, at, played FROM rollup_delta
    WHERE delta > 0 AND (played OR (type = 'STREAM' AND fan_id IS NOT NULL))`);
}
