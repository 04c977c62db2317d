// The analytics rollup (db/analytics-rollup.ts) against the from-scratch computation (db/analytics.ts) on a varied,
// generated campaign: bursts from shared IPs and user agents, new accounts, plays too close together, flagged fans,
// anonymous traffic, plays with and without played_at, pre-saves delivered and pending. Events keep arriving between
// rounds, some of them in the past, changing flags (and their details) of events rolled up before; then events are
// deleted, and the rules change. After every round both answers must be equal. Then the Schedule keeps it current.
import { z } from 'zod';
import { abuseRulesFrom, campaignAnalytics, type AbuseRules, type SeriesRange } from '../../db/analytics';
import { rollUpAnalytics } from '../../db/analytics-rollup';
import { rolledUpAnalytics } from '../../db/analytics-rollup-read';
import { deleteEventsOfFans } from '../../db/events';
import { type DatabasePool, sql } from '../../db/pool';
import { createSchedule } from '../../lib/starters/schedules';
import { analyticsRollupWorkflow } from '../../workflows/analytics-rollup';
import {
  bareCampaign,
  DAY,
  type EventFixture,
  fan,
  insertEvent,
  utcMidnightDaysAgo,
} from '../helpers/analytics-fixture';
import { testConfig } from '../helpers/config';
import { useWorkerEnvironment } from '../helpers/worker-environment';

const { config, keyRing } = testConfig({ ABUSE_AUTH_MAX_PER_UA: '4' });
const scheduleId = `analytics-rollup-test-${Date.now()}`;
// Declared before the environment: jest runs afterAll hooks in order, so the Schedule goes while Temporal is up.
afterAll(async () => {
  await temporal?.client.schedule
    .getHandle(scheduleId)
    .delete()
    .catch(() => undefined);
});
const { db, temporal } = useWorkerEnvironment({ config, keyRing });
const rules = abuseRulesFrom(config);

const HOUR = 3_600_000;
const MINUTE = 60_000;
const day0 = utcMidnightDaysAgo(4);
const release = day0 + 2 * DAY;

/** mulberry32: the same "random" campaign on every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOURCES = [
  { channel: 'social', source: 'instagram' },
  { channel: 'email', source: 'newsletter', medium: 'email' },
  { channel: 'paid', source: 'meta', medium: 'cpc' },
  {},
];

/** A batch of varied events for `fans` around `center` (ms), `count` events. */
function batch(seed: number, fans: string[], center: number, count: number): EventFixture[] {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const near = (spread: number) => Math.round(center + (r() - 0.5) * spread);
  const events: EventFixture[] = [];
  for (let i = 0; i < count; i++) {
    const kind = r();
    const source = pick(SOURCES);
    if (kind < 0.3) events.push({ type: 'PAGE_VIEW', at: near(DAY), ...source });
    else if (kind < 0.4) events.push({ type: 'CLICK', at: near(DAY), ...source });
    else if (kind < 0.62) {
      const at = near(2 * HOUR); // clustered: bursts across a few IPs and user agents
      const accountAge = r() < 0.15 ? (r() < 0.5 ? 30 * MINUTE : 40 * DAY) : null;
      events.push({
        type: 'AUTH',
        at,
        fanId: r() < 0.9 ? pick(fans) : undefined,
        ipHash: r() < 0.9 ? `ip-${Math.floor(r() * 6)}` : undefined,
        uaHash: r() < 0.9 ? `ua-${Math.floor(r() * 4)}` : undefined,
        properties:
          accountAge === null
            ? r() < 0.1
              ? { accountCreatedAt: 'not a date' }
              : {}
            : { accountCreatedAt: new Date(at - accountAge).toISOString() },
        ...source,
      });
    } else if (kind < 0.85) {
      const at = near(3 * DAY) + 2 * DAY;
      // Plays close together (under the 30 s gap) for some fans, some without played_at, one anonymous.
      const fanId = r() < 0.97 ? pick(fans) : undefined;
      events.push({ type: 'STREAM', at: at + 60_000, playedAt: r() < 0.85 ? at : undefined, fanId });
      if (r() < 0.3) events.push({ type: 'STREAM', at: at + 70_000, playedAt: at + Math.round(r() * 40_000), fanId });
    } else if (kind < 0.93)
      events.push({ type: r() < 0.5 ? 'SAVE_TRACK' : 'FOLLOW_ARTIST', at: near(DAY) + DAY, fanId: pick(fans) });
    else events.push({ type: 'EMAIL_SIGNUP', at: near(DAY), ...source, playedAt: r() < 0.3 ? near(DAY) : undefined });
  }
  return events;
}

const ranges: SeriesRange[] = [
  { from: new Date(day0 - DAY), to: new Date(day0 + 6 * DAY), bucket: 'day' },
  { from: new Date(day0 + DAY + 17 * MINUTE + 123), to: new Date(day0 + 4 * DAY + 41 * MINUTE), bucket: 'hour' },
  { from: new Date(day0 + DAY + 5 * HOUR + 30 * MINUTE), to: new Date(day0 + 3 * DAY + 2 * HOUR + 1), bucket: 'day' },
  { from: new Date(release + 10 * MINUTE), to: new Date(release + 50 * MINUTE), bucket: 'hour' },
];

/** Both answers for every range; the rollup's `asOf` aside, they must be equal. */
async function expectSameAnswers(pool: DatabasePool, campaignId: string, rulesNow: AbuseRules) {
  for (const range of ranges) {
    const fromScratch = await campaignAnalytics(pool, campaignId, rulesNow, range);
    const { asOf, ...rolled } = await rolledUpAnalytics(pool, campaignId, range);
    expect(asOf?.rules).toEqual(rulesNow);
    expect(rolled).toEqual(fromScratch);
  }
}

const insertAll = async (pool: DatabasePool, campaignId: string, events: EventFixture[]) => {
  for (const e of events) await insertEvent(pool, campaignId, e);
};

describe('analytics rollup', () => {
  let campaignId: string;
  let fans: string[];

  it('equals the from-scratch answer after the first round, with flags and exclusions in play', async () => {
    campaignId = await bareCampaign(db.pool, 'Rollup');
    fans = [];
    for (let i = 0; i < 40; i++) {
      const delivered = i % 3 === 0 ? null : { at: release + (i % 2) * HOUR };
      fans.push(await fan(db.pool, campaignId, `r${i}`, i % 4 === 0 ? null : 'Europe/Berlin', delivered));
    }
    await insertAll(db.pool, campaignId, batch(1, fans, day0 + DAY + 12 * HOUR, 500));
    const round = await rollUpAnalytics(db.pool, rules);
    expect(round).toMatchObject({ rebuilt: 1, incremental: 0 });
    await expectSameAnswers(db.pool, campaignId, rules);
    // The data set exercises what it should: every reason, clean and flagged traffic.
    const { flags, funnel } = await rolledUpAnalytics(db.pool, campaignId, ranges[0]!);
    expect(Object.keys(flags.byReason).sort()).toEqual([
      'auth_burst_ip',
      'auth_burst_ua',
      'fan_flagged',
      'new_account',
      'stream_rate',
    ]);
    expect(funnel.authorisations).toBeGreaterThan(0);
    expect(funnel.streamed28d).toBeGreaterThan(0);
  });

  it('follows events that arrive after a round incrementally, including late ones that flag older events', async () => {
    for (const [seed, center, count] of [
      [2, day0 + DAY + 12 * HOUR, 150], // into the same bursts: counts and details of old flags change
      [3, day0 + 3 * DAY, 200],
      [4, day0 + DAY + 11 * HOUR, 60], // late: in the past, between plays and authorisations rolled up before
    ] as const) {
      await insertAll(db.pool, campaignId, batch(seed, fans, center, count));
      const round = await rollUpAnalytics(db.pool, rules);
      expect(round).toMatchObject({ rebuilt: 0, incremental: 1 });
      await expectSameAnswers(db.pool, campaignId, rules);
    }
    // A new authorisation from a clean fan's IP, within the window, tips a burst that flags the fan's other events.
    const [clean] = await db.pool.anyFirst(sql.type(z.object({ fanId: z.string() }))`
      SELECT af.fan_id AS "fanId" FROM analytics_fans af
      WHERE af.campaign_id = ${campaignId} AND NOT af.flagged AND af.clean_auths > 0 AND af.fan_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM events e WHERE e.fan_id = af.fan_id AND e.type = 'STREAM')
      LIMIT 1`);
    const auth = await db.pool.one(sql.type(z.object({ at: z.number(), ip: z.string().nullable() }))`
      SELECT occurred_at AS at, ip_hash AS ip FROM events
      WHERE campaign_id = ${campaignId} AND fan_id = ${clean!} AND type = 'AUTH' LIMIT 1`);
    const burst = Array.from({ length: rules.authMaxPerIp + 1 }, (_, i) => ({
      type: 'AUTH' as const,
      at: auth.at + i * 1000,
      ipHash: auth.ip ?? 'ip-0',
      uaHash: `ua-burst-${i}`,
    }));
    await insertAll(db.pool, campaignId, burst);
    expect(await rollUpAnalytics(db.pool, rules)).toMatchObject({ rebuilt: 0, incremental: 1 });
    await expectSameAnswers(db.pool, campaignId, rules);
    const flagged = await db.pool.oneFirst(sql.type(z.object({ flagged: z.boolean() }))`
      SELECT flagged FROM analytics_fans WHERE campaign_id = ${campaignId} AND fan_id = ${clean!}`);
    expect(flagged).toBe(true);
  });

  it('counts nothing past its watermark until the next round', async () => {
    const before = await rolledUpAnalytics(db.pool, campaignId, ranges[0]!);
    await insertAll(db.pool, campaignId, batch(5, fans, day0 + DAY, 40));
    const between = await rolledUpAnalytics(db.pool, campaignId, ranges[0]!);
    expect(between).toEqual(before);
    await rollUpAnalytics(db.pool, rules);
    await expectSameAnswers(db.pool, campaignId, rules);
  });

  it('follows pre-saves that settle without any new event, up to the last pending one', async () => {
    const settle = (limit: number) =>
      db.pool.query(sql.unsafe`
        UPDATE presaves SET state = 'done', executed_at = due_at
        WHERE id IN (SELECT id FROM presaves WHERE campaign_id = ${campaignId} AND state = 'pending' LIMIT ${limit})`);
    await settle(3);
    expect(await rollUpAnalytics(db.pool, rules)).toMatchObject({ snapshots: 1, incremental: 0, rebuilt: 0 });
    await expectSameAnswers(db.pool, campaignId, rules);
    await settle(1_000); // none pending now: the snapshot taken while some were is retaken once more
    expect(await rollUpAnalytics(db.pool, rules)).toMatchObject({ snapshots: 1 });
    await expectSameAnswers(db.pool, campaignId, rules);
    expect(await rollUpAnalytics(db.pool, rules)).toMatchObject({ snapshots: 0 });
  });

  it('rebuilds after events are deleted, and when the rules change', async () => {
    await deleteEventsOfFans(db.pool, fans.slice(0, 5));
    expect(await rollUpAnalytics(db.pool, rules)).toMatchObject({ rebuilt: 1 });
    await expectSameAnswers(db.pool, campaignId, rules);
    const stricter = { ...rules, authMaxPerIp: 2, streamMinGapSeconds: 120 };
    expect(await rollUpAnalytics(db.pool, stricter)).toMatchObject({ rebuilt: 1 });
    await expectSameAnswers(db.pool, campaignId, stricter);
    await rollUpAnalytics(db.pool, rules);
  });

  it('is kept current by the analytics-rollup Schedule, through the worker', async () => {
    const once = await temporal.client.workflow.execute(analyticsRollupWorkflow, {
      workflowId: `analytics-rollup-once-${Date.now()}`,
      taskQueue: temporal.taskQueue,
    });
    expect(once).toMatchObject({ rebuilt: 0, incremental: 0 });
    await createSchedule(temporal.client, temporal.taskQueue, 'analytics-rollup', scheduleId);
    const other = await bareCampaign(db.pool, 'Scheduled');
    await insertEvent(db.pool, other, { type: 'PAGE_VIEW', at: Date.now() - MINUTE, channel: 'direct' });
    // The bound of docs/analytics.md: the 5 s interval plus one round, with room for a loaded machine.
    const deadline = Date.now() + 30_000;
    let views = 0;
    while (Date.now() < deadline && views === 0) {
      views = (await rolledUpAnalytics(db.pool, other, ranges[0]!)).funnel.views;
      if (views === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(views).toBe(1);
  });
});
