// bench:scale-out — how delivery scales with worker processes: the same release wave (N fans pre-saved through the
// real HTTP path) delivered by 1, 2 and 4 worker processes in turn, with Spotify's ceiling set high enough not to
// bind, on the Temporal the environment names (TEMPORAL_MODE=cluster for the production topology).
//
//   TEMPORAL_MODE=cluster npm run bench:scale-out -- [--fans 4000] [--workers 1,2,4] [--ceiling 5000] [--http-fans 100]
//
// `--http-fans` of each wave's fans pre-save over HTTP; the rest are seeded in bulk (bench/lib/seed.ts).
// Prints a table, then (last line) one JSON object. Figures, not assertions.
import { type ChildProcess } from 'node:child_process';
import { z } from 'zod';
import { sql } from '../db/pool';
import { stopChild } from '../scripts/lib/temporal-dev-server';
import { artistAccount, fanPresaves } from '../test/helpers/release-stack';
import { benchCampaign, forEachLimited, releaseIn, startBenchStack } from './lib/stack';
import { seedPresavesInBulk } from './lib/seed';
import { signalReleaseRescheduled } from '../lib/starters/release';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const log = (m: string) => process.stderr.write(`[scale-out] ${m}\n`);
const round = (n: number) => Math.round(n * 100) / 100;

async function main() {
  const fans = Number(arg('fans', '4000'));
  const ceiling = Number(arg('ceiling', '5000'));
  const workerCounts = arg('workers', '1,2,4').split(',').map(Number);
  const httpFans = Math.min(fans, Number(arg('http-fans', '100')));
  if (!(fans > 0) || !(ceiling > 0) || workerCounts.some((n) => !(n > 0)))
    throw new Error('--fans, --ceiling and each of --workers must be positive numbers');
  const mode = process.env.TEMPORAL_MODE || 'dev-server';
  log(`${fans} fans per wave, workers ${workerCounts.join(' / ')}, ceiling ${ceiling} req/s, Temporal: ${mode}`);
  const stack = await startBenchStack({ ceilingRps: ceiling, maxRps: Math.floor(ceiling * 0.9), log });
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void stack.close().finally(() => process.exit(130)));
  try {
    const target = { api: { url: stack.apiUrl }, spotify: stack.spotify };
    const { headers, artistId } = await artistAccount(target);
    const users = Array.from({ length: httpFans }, (_, i) => `scale-fan-${i}`);
    const results: { workers: number; deliveriesPerSecond: number; seconds: number; delivered: number }[] = [];
    for (const count of workerCounts) {
      // A campaign of its own per run, its fans pre-saved over HTTP while no worker runs.
      const { campaign } = await benchCampaign(target, { headers, artistId }, `Scale ${count}`);
      await forEachLimited(users, 32, async (user) => {
        const { callback } = await fanPresaves(target, campaign.slug, { user });
        if (callback.status !== 303) throw new Error(`pre-save answered ${callback.status}`);
      });
      const workers: ChildProcess[] = [];
      for (let i = 0; i < count; i++) workers.push(await stack.startWorker());
      const waveAt = await releaseIn(target, { headers }, campaign.id, Math.ceil(15 + fans / 600));
      await seedPresavesInBulk(
        { pool: stack.pool, keyRing: stack.keyRing, spotify: stack.spotify.state },
        {
          campaignId: campaign.id,
          fans: Array.from({ length: fans - httpFans }, (_, i) => ({
            user: `scale-bulk-${count}-${i}`,
            timeZone: 'UTC',
            dueAt: waveAt,
          })),
        },
      );
      await signalReleaseRescheduled(stack.client, { campaignId: campaign.id });
      log(`${count} worker(s): wave at ${new Date(waveAt).toISOString()}`);
      for (;;) {
        const open = await stack.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
          SELECT count(*)::int AS n FROM presaves
          WHERE campaign_id = ${campaign.id} AND state IN ('pending', 'running')`);
        if (open === 0 && Date.now() > waveAt) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const settledAt = await stack.pool.oneFirst(sql.type(z.object({ at: z.number() }))`
        SELECT (extract(epoch FROM max(executed_at)) * 1000)::float8 AS at FROM presaves
        WHERE campaign_id = ${campaign.id} AND state = 'done'`);
      const delivered = await stack.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM presaves WHERE campaign_id = ${campaign.id} AND state = 'done'`);
      const seconds = (settledAt - waveAt) / 1000;
      results.push({
        workers: count,
        delivered,
        seconds: round(seconds),
        deliveriesPerSecond: round(delivered / seconds),
      });
      log(`${count} worker(s): ${delivered} delivered in ${seconds.toFixed(1)} s`);
      for (const worker of workers) await stopChild(worker);
    }
    const base = results[0].deliveriesPerSecond;
    const figures = {
      fans,
      temporal: mode,
      ceilingRps: ceiling,
      runs: results.map((r) => ({ ...r, ratioToFirst: round(r.deliveriesPerSecond / base) })),
    };
    console.log(`\nbench:scale-out — ${fans} fans per wave, Temporal ${mode}, ceiling ${ceiling} req/s`);
    console.log(
      `${'workers'.padEnd(10)}${'delivered'.padStart(12)}${'seconds'.padStart(10)}${'per second'.padStart(14)}${'ratio'.padStart(8)}`,
    );
    for (const r of figures.runs)
      console.log(
        `${String(r.workers).padEnd(10)}${String(r.delivered).padStart(12)}${String(r.seconds).padStart(10)}${String(r.deliveriesPerSecond).padStart(14)}${String(r.ratioToFirst).padStart(8)}`,
      );
    console.log(JSON.stringify(figures));
  } finally {
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
