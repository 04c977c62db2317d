// bench:analytics — GET /v1/campaigns/:id/analytics for a superstar campaign (5 million events by default), before
// the rollups (today's per-request computation, db/analytics.ts) and after (db/analytics-rollup-read.ts), and what
// keeping the rollup current costs: the first round over everything, then rounds after bursts of new events.
//
//   npm run bench:analytics -- [--events 5000000] [--fans 200000] [--requests 100] [--before-runs 2]
//
// Prints a table and, as its last line, one JSON object with every figure.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { abuseRulesFrom, campaignAnalytics, type SeriesRange } from '../db/analytics';
import { rollUpAnalytics } from '../db/analytics-rollup';
import { rolledUpAnalytics } from '../db/analytics-rollup-read';
import { insertEvents, type NewEvent } from '../db/events';
import { createDatabasePool, type DatabasePool, sql } from '../db/pool';
import { testConfig } from '../test/helpers/config';
import { artistAccount, createCampaign, http } from '../test/helpers/release-stack';
import { seedSuperstarCampaign } from './lib/analytics-seed';
import { percentile, startBenchStack } from './lib/stack';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  return value;
}

const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await work();
  return { ms: ms(start), value };
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: round1(percentile(sorted, 50)), p99: round1(percentile(sorted, 99)) };
}

/** `count` new events as a release-day minute brings them: views, clicks, authorisations (some bursts), plays. */
async function releaseMinute(pool: DatabasePool, campaignId: string, count: number): Promise<void> {
  const fans = await pool.anyFirst(sql.type(z.object({ id: z.string() }))`
    SELECT fan_id AS id FROM presaves WHERE campaign_id = ${campaignId} ORDER BY random() LIMIT 2000`);
  const now = Date.now();
  const events: NewEvent[] = Array.from({ length: count }, (_, i) => {
    const fanId = fans[i % fans.length]!;
    const key = `bench-minute:${randomUUID()}`;
    const at = now - Math.floor(Math.random() * 60_000);
    switch (i % 10) {
      case 0:
        return { campaignId, fanId, type: 'AUTH', dedupeKey: key, occurredAt: at, ipHash: `ip-burst-${i % 7}` };
      case 1:
      case 2:
        return { campaignId, fanId, type: 'STREAM', dedupeKey: key, occurredAt: at, playedAt: at - 90_000 };
      case 3:
        return { campaignId, type: 'CLICK', dedupeKey: key, occurredAt: at, channel: 'social', source: 'instagram' };
      default:
        return { campaignId, type: 'PAGE_VIEW', dedupeKey: key, occurredAt: at, channel: 'direct' };
    }
  });
  for (let i = 0; i < events.length; i += 1000) await insertEvents(pool, events.slice(i, i + 1000));
}

async function main() {
  const size = { events: arg('events', 5_000_000), fans: arg('fans', 200_000) };
  const requests = arg('requests', 100);
  const beforeRuns = arg('before-runs', 2);
  const rules = abuseRulesFrom(testConfig().config); // the API's rules: the bench stack sets no ABUSE_*
  const stack = await startBenchStack({ ceilingRps: 1000, maxRps: 900, log });
  // Seeding and the per-request computation over millions of events run past the pool's 60 s statement timeout.
  const pool = await createDatabasePool(stack.databaseUrl, { maximumPoolSize: 3, statementTimeout: 'DISABLE_TIMEOUT' });
  try {
    const target = { api: { url: stack.apiUrl } };
    const owner = await artistAccount(target);
    const campaign = await createCampaign(target, owner, 'Superstar');
    log(`seeding ${size.events.toLocaleString()} events, ${size.fans.toLocaleString()} fans and pre-saves`);
    const seeding = await timed(() => seedSuperstarCampaign(pool, campaign.id, size));
    log(`seeded in ${(seeding.ms / 1000).toFixed(1)} s: ${JSON.stringify(seeding.value)}`);
    const range: SeriesRange = { from: new Date(Date.now() - 30 * 86_400_000), to: new Date(), bucket: 'day' };

    const before: number[] = [];
    for (let i = 0; i < beforeRuns; i++) {
      const run = await timed(() => campaignAnalytics(pool, campaign.id, rules, range));
      before.push(run.ms);
      log(`before (from every event, per request): ${(run.ms / 1000).toFixed(1)} s`);
    }

    const firstRound = await timed(() => rollUpAnalytics(pool, rules));
    log(`first rollup round (everything): ${(firstRound.ms / 1000).toFixed(1)} s ${JSON.stringify(firstRound.value)}`);

    const url = `${stack.apiUrl}/v1/campaigns/${campaign.id}/analytics`;
    const get = async (query: string) => {
      const response = await timed(() => http.get(`${url}${query}`, { headers: owner.headers }));
      if (response.value.status !== 200) throw new Error(`analytics: ${response.value.status}`);
      return response;
    };
    const after: number[] = [];
    const afterHourly: number[] = [];
    for (let i = 0; i < requests; i++) after.push((await get('')).ms);
    // Ranges that start and end inside an hour: the edges are counted from the events.
    for (let i = 0; i < Math.ceil(requests / 4); i++) afterHourly.push((await get('?bucket=hour')).ms);
    log(`after (from the rollup, over HTTP): ${JSON.stringify(summary(after))}`);

    const catchUp: { newEvents: number; ms: number; rebuilt: number }[] = [];
    for (const count of [1_000, 10_000, 50_000]) {
      await releaseMinute(pool, campaign.id, count);
      const round = await timed(() => rollUpAnalytics(pool, rules));
      catchUp.push({ newEvents: count, ms: Math.round(round.ms), rebuilt: round.value.rebuilt });
      log(`round after ${count.toLocaleString()} new events: ${Math.round(round.ms)} ms`);
    }
    const idle = await timed(() => rollUpAnalytics(pool, rules));

    const scratch = await timed(() => campaignAnalytics(pool, campaign.id, rules, range));
    const { asOf: _asOf, ...rolled } = await rolledUpAnalytics(pool, campaign.id, range);
    // Equal values; key order may differ (the snapshot is jsonb, which orders keys its own way).
    const sameAnswer = isDeepStrictEqual(rolled, scratch.value);
    before.push(scratch.ms);

    const figures = {
      events: size.events,
      fans: size.fans,
      seedSeconds: round1(seeding.ms / 1000),
      beforeMs: summary(before),
      afterMs: summary(after),
      afterHourBucketsMs: summary(afterHourly),
      firstRoundSeconds: round1(firstRound.ms / 1000),
      catchUp,
      idleRoundMs: Math.round(idle.ms),
      sameAnswer,
      load: os.loadavg().map((l) => Math.round(l * 10) / 10),
      cpus: os.cpus().length,
    };
    console.log('');
    console.log(
      `analytics of one campaign: ${size.events.toLocaleString()} events, ${size.fans.toLocaleString()} fans`,
    );
    console.log(`  before (computed per request) p50 ${figures.beforeMs.p50} ms over ${figures.beforeMs.n} runs`);
    console.log(`  after  (rollup, HTTP)         p50 ${figures.afterMs.p50} ms, p99 ${figures.afterMs.p99} ms`);
    console.log(
      `  after, hourly buckets         p50 ${figures.afterHourBucketsMs.p50} ms, p99 ${figures.afterHourBucketsMs.p99} ms`,
    );
    console.log(`  first round over everything   ${figures.firstRoundSeconds} s`);
    for (const c of catchUp)
      console.log(
        `  round after ${String(c.newEvents).padStart(6)} new events  ${c.ms} ms${c.rebuilt ? ' (rebuilt)' : ''}`,
      );
    console.log(`  round with nothing new        ${figures.idleRoundMs} ms`);
    console.log(`  same answer as from scratch   ${sameAnswer}`);
    console.log(`  load average ${figures.load.join(' ')} on ${figures.cpus} cores`);
    console.log(JSON.stringify(figures));
  } finally {
    await pool.end();
    await stack.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
