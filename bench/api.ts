// bench:api — the smart-link page and the pre-save capture under load from a second process on loopback, side by
// side with a bare Express handler serving a page of the same size (the floor: what Express alone costs), and the
// levers of the page one by one: the campaign cache off (a second API process, CAMPAIGN_CACHE_MAX_AGE_MS=0), a
// revalidation with the ETag (304), a fixed pace of 1,000 req/s (the latency a fan sees short of saturation), and
// the cost of writing view events (today's buffered INSERT against a staging table).
//
//   npm run bench:api -- [--seconds 10] [--concurrency 32] [--capture-concurrency 16] [--profile DIR]
//                        [--only page|start|capture[,…]]   (some parts alone, e.g. to profile one)
//                        [--capture-apis N]      (the capture through N API processes, as behind a load balancer)
//                        [--node-options '--perf-basic-prof']   (flags for the API's node)
//                        [--warmup 5]            (seconds of unmeasured load before each part; 0: none)
//
// The capture: fans through our start URL, the Spotify simulator's authorize step and our callback (code exchange,
// profile, fan and pre-save writes, hand-off to the release engine) — bench/lib/capture-load.ts.
// Prints a table and, as its last line, one JSON object with every figure.
import { fork } from 'node:child_process';
import { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { artistAccount, createCampaign } from '../test/helpers/release-stack';
import { withSteal } from './lib/cpu-steal';
import { measureEventWrites } from './lib/event-writes';
import { startBenchStack } from './lib/stack';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

interface LoadFigures {
  requests?: number;
  completed?: number;
  errors: number;
  rps: number;
  p50Ms: number | null;
  p99Ms: number | null;
  callbackP99Ms?: number | null;
  /** % of the machine's CPU time the hypervisor gave to others meanwhile (a shared host's noise) */
  stealPercent?: number | null;
}

/** Runs one of ./lib's load generators in its own process; its last line of output is its figures. */
function run(script: string, args: (string | number)[]): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'lib', script), args.map(String), {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`${script} exited ${code}`)),
    );
  });
}

/** Several runs as one: requests and errors summed, latencies merged (the runs' `latencies` are dropped). */
function merged(runs: (LoadFigures & { latencies?: number[] })[], seconds: number): LoadFigures {
  const all = runs.flatMap((r) => r.latencies ?? []).sort((a, b) => a - b);
  const pick = (p: number) => all[Math.min(all.length - 1, Math.ceil((p / 100) * all.length) - 1)] ?? null;
  return {
    requests: all.length,
    errors: runs.reduce((n, r) => n + r.errors, 0),
    rps: Math.round(all.length / seconds),
    p50Ms: pick(50),
    p99Ms: pick(99),
  };
}

const ROUNDS = 5;
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : null);

async function main() {
  const seconds = arg('seconds', 10);
  const concurrency = arg('concurrency', 32);
  const captureConcurrency = arg('capture-concurrency', 16);
  const captureApis = arg('capture-apis', 1);
  const warmup = process.argv.includes('--warmup') ? Number(process.argv[process.argv.indexOf('--warmup') + 1]) : 5;
  if (!(warmup >= 0)) throw new Error('--warmup must be a number of seconds (0: none)');
  // --profile DIR: the API process writes a V8 CPU profile there at exit (summarise: bench/lib/profile-summary.ts).
  const profileAt = process.argv.indexOf('--profile');
  const profileDir = profileAt >= 0 ? path.resolve(process.argv[profileAt + 1]) : null;
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
  // --node-options '…': more flags for the API's node, e.g. --perf-basic-prof for a `perf record` of it.
  const extraNodeOptions = process.argv.includes('--node-options')
    ? process.argv[process.argv.indexOf('--node-options') + 1]
    : '';
  const nodeOptions = `${profileDir ? `--cpu-prof --cpu-prof-dir=${profileDir} ` : ''}${extraNodeOptions}`.trim();
  const stack = await startBenchStack({
    ceilingRps: 10_000,
    maxRps: 9_000,
    log: (m) => process.stderr.write(`[bench] ${m}\n`),
    env: nodeOptions ? { NODE_OPTIONS: nodeOptions } : {},
  });
  const bare = express();
  try {
    const target = { api: { url: stack.apiUrl } };
    const account = await artistAccount(target);
    const campaign = await createCampaign(target, account, 'Bench Page');
    const pageUrl = `${stack.apiUrl}/l/${campaign.slug}`;
    const first = await fetch(pageUrl);
    const page = await first.text();
    bare.get('/page', (_req, res) => res.type('html').send(page));
    const server = bare.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const bareUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/page`;
    const uncachedApi = await stack.startApi({ CAMPAIGN_CACHE_MAX_AGE_MS: '0' });
    // More API processes for the capture share the first one's public URL (Spotify redirects fans to it); the load
    // generator sends each fan's start and callback to one of them.
    const apiOrigins = [stack.apiUrl];
    for (let i = 1; i < captureApis; i++) apiOrigins.push(await stack.startApi({ PUBLIC_URL: stack.apiUrl }));
    const load = (url: string, extra: (string | number)[] = []) =>
      run('load.ts', [url, concurrency, seconds, ...extra]);

    const captureStart = `${pageUrl}/presave/spotify?tz=Europe%2FParis`;
    // The page and its floor alternate in ROUNDS short runs each, so a change in the machine's load between them
    // (other processes) weighs on both alike; each is reported over its rounds together.
    const floorAndPage = async () => {
      const bareRuns = [];
      const pageRuns = [];
      for (let round = 0; round < ROUNDS; round++) {
        bareRuns.push(await run('load.ts', [bareUrl, concurrency, seconds / ROUNDS]));
        pageRuns.push(await run('load.ts', [pageUrl, concurrency, seconds / ROUNDS]));
      }
      return { bare: merged(bareRuns, seconds), page: merged(pageRuns, seconds) };
    };
    let pair: { bare: LoadFigures; page: LoadFigures } | null = null;
    const parts: [string, 'page' | 'start' | 'capture', () => Promise<LoadFigures>][] = [
      ['bare Express (same page)', 'page', async () => (pair = await floorAndPage()).bare],
      ['GET /l/:slug (smart link)', 'page', async () => pair!.page],
      ['  same, campaign cache off', 'page', () => load(`${uncachedApi}/l/${campaign.slug}`)],
      ['  same, If-None-Match (304)', 'page', () => load(pageUrl, [0, `if-none-match:${first.headers.get('etag')}`])],
      ['  same, paced at 1,000 req/s', 'page', () => load(pageUrl, [1000])],
      ['GET /l/:slug/presave/spotify (302)', 'start', () => load(captureStart)],
      [
        'pre-save capture (start+callback)',
        'capture',
        () => run('capture-load.ts', [captureStart, captureConcurrency, seconds, apiOrigins.join(',')]),
      ],
    ];
    // Each part first runs unmeasured for `warmup` seconds: the figures are a warm process's, as a release day's API
    // has been up for hours (a cold one spends its first seconds compiling: 8 % of its CPU in the capture's first
    // 15 s against 1 % after 20 s, on 3 December).
    const warmUps: Record<(typeof parts)[number][1], () => Promise<unknown>> = {
      page: () =>
        Promise.all([run('load.ts', [bareUrl, concurrency, warmup]), run('load.ts', [pageUrl, concurrency, warmup])]),
      start: () => run('load.ts', [captureStart, concurrency, warmup]),
      capture: () => run('capture-load.ts', [captureStart, captureConcurrency, warmup, apiOrigins.join(',')]),
    };
    const warm = new Set<string>();
    const rows: Record<string, LoadFigures> = {};
    for (const [name, part, measure] of parts) {
      if (only && !only.split(',').includes(part)) continue;
      if (warmup > 0 && !warm.has(part)) await warmUps[part]();
      warm.add(part);
      const { result, stealPercent } = await withSteal(measure);
      const { latencies: _, ...figures } = result as LoadFigures & { latencies?: number[] };
      rows[name] = { ...figures, stealPercent };
    }
    server.close();
    const eventWrites = only ? null : await measureEventWrites(stack.pool, campaign.id);

    const rps = (name: string) => rows[name]?.rps ?? 0;
    const smartLink = rps('GET /l/:slug (smart link)');
    const figures = {
      seconds,
      concurrency,
      captureConcurrency,
      cpus: os.cpus().length,
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      rows,
      ratios: {
        smartLinkToBareExpress: ratio(smartLink, rps('bare Express (same page)')),
        smartLinkCacheOnToOff: ratio(smartLink, rps('  same, campaign cache off')),
        captureToSmartLink: ratio(rps('pre-save capture (start+callback)'), smartLink),
      },
      eventWrites,
    };
    console.log(
      `\nbench:api — ${concurrency} connections (capture: ${captureConcurrency} fans at a time) for ${seconds} s each ` +
        `after ${warmup} s of warm-up, ` +
        `load from a second process; load average ${figures.loadAverage.join(' ')} on ${figures.cpus} CPUs`,
    );
    console.log(
      `${'target'.padEnd(38)}${'req/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}${'steal %'.padStart(9)}`,
    );
    for (const [name, f] of Object.entries(rows)) {
      console.log(
        `${name.padEnd(38)}${String(f.rps).padStart(8)}${(f.p50Ms?.toFixed(2) ?? '-').padStart(9)}${(f.p99Ms?.toFixed(2) ?? '-').padStart(9)}${String(f.errors).padStart(8)}${(f.stealPercent?.toFixed(1) ?? '-').padStart(9)}`,
      );
    }
    console.log(
      `ratios: smart link / bare Express ${figures.ratios.smartLinkToBareExpress}, cache on / off ` +
        `${figures.ratios.smartLinkCacheOnToOff}, capture / smart link ${figures.ratios.captureToSmartLink}`,
    );
    if (eventWrites)
      console.log(
        `view events, ${eventWrites.events} in batches of ${eventWrites.batch}: buffered INSERT ${eventWrites.insertPerSecond}/s, ` +
          `staging table ${eventWrites.stagingPerSecond}/s`,
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
