// bench:release — the release engine at scale: a share of the fans pre-saves through the real path (HTTP smart link
// and OAuth → PostgreSQL → Temporal), the rest is seeded in bulk (bench/lib/seed.ts: simulator-issued tokens,
// encrypted, straight into the tables); then the release instant comes and the worker delivers to the Spotify
// simulator with a rate ceiling. A share of the same fans then goes through the one-workflow-per-fan variant.
//
//   [TEMPORAL_MODE=cluster] npm run bench:release -- [--fans 20000] [--ceiling 200] [--http-fans 1000]
//       [--policy global|local] [--zones 24] [--per-fan-fans N] [--profile DIR] [--concurrency 32]
//       [--apple-share 0.3] [--apple-ceiling 20]
//   npm run bench:release -- --growth [10000,30000,100000] [other options]   (bench/lib/growth.ts)
//
// `--apple-share`: that share of the fans is on Apple Music (default 0): seeded in bulk like the Spotify ones (a
// simulator-issued Music-User-Token, encrypted), due in the same waves, their album already out so added in the wave,
// under the Apple simulator's own per-team ceiling (`--apple-ceiling`, req/s). The batched run then reports each
// platform's figures (the per-fan variant stays Spotify-only).
// The per-fan variant runs on the first `--per-fan-fans` fans (default 200, a size it finishes here) and the
// ratio batched ÷ per-fan is printed beside it. The machine's load average during the run is printed with it.
// `--policy local`: one wave per zone; their instants (hours apart in life) are compressed, zone k due k × spacing
// after the first, every wave arriving within the first half of the drain. `--profile DIR`: the worker's CPU
// profile (node --cpu-prof). Prints a table, then (last line) one JSON object with every figure. Not assertions.
import { sql } from '../db/pool';
import { z } from 'zod';
import { perFanPresaveWorkflowId } from '../lib/starters/per-fan-presave';
import { releaseWorkflowId, signalReleaseRescheduled } from '../lib/starters/release';
import { startPerFanPresave } from './per-fan/starter';
import { addRelease, artistAccount, fanPresaves, http, nextUpc, releaseInSeconds } from '../test/helpers/release-stack';
import { benchCampaign, cpuSecondsOf, forEachLimited, peakRssMiB, percentile, startBenchStack } from './lib/stack';
import { seedAppleMusicPresavesInBulk, seedPresavesInBulk } from './lib/seed';
import { DEFAULT_GROWTH_SIZES, runGrowth } from './lib/growth';
import { formatLoad, sampleLoadAverage } from './lib/load-average';
import { perFanRatio, printPerFanRatio } from './lib/per-fan-ratio';

// 24 zones, one per hour of offset from UTC−11 to UTC+12.
const ZONES = [
  'Pacific/Pago_Pago',
  'Pacific/Honolulu',
  'America/Anchorage',
  'America/Los_Angeles',
  'America/Denver',
  'America/Chicago',
  'America/New_York',
  'America/Halifax',
  'America/Sao_Paulo',
  'Atlantic/South_Georgia',
  'Atlantic/Cape_Verde',
  'UTC',
  'Europe/Paris',
  'Europe/Athens',
  'Europe/Moscow',
  'Asia/Dubai',
  'Asia/Karachi',
  'Asia/Dhaka',
  'Asia/Bangkok',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Brisbane',
  'Pacific/Noumea',
  'Pacific/Auckland',
];

function arg(name: string, fallback: number, min = 1): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number ≥ ${min}`);
  return value;
}

function textArg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

async function main() {
  const growth = process.argv.indexOf('--growth');
  if (growth >= 0) {
    const list = /^[\d,]+$/.test(process.argv[growth + 1] ?? '') ? process.argv[growth + 1] : null;
    const sizes = list ? list.split(',').map(Number) : DEFAULT_GROWTH_SIZES;
    const rest = process.argv.slice(2).filter((_, i, all) => {
      const at = i + 2;
      return at !== growth && !(list && at === growth + 1) && all[i] !== '--fans' && all[i - 1] !== '--fans';
    });
    return runGrowth(sizes, rest, log);
  }
  const load = sampleLoadAverage();
  const fans = arg('fans', 20_000);
  const ceiling = arg('ceiling', 200); // the simulator's app-wide rate limit, requests per second
  const concurrency = arg('concurrency', 32);
  const httpFans = Math.min(fans, arg('http-fans', 1_000, 0));
  const policy = textArg('policy') ?? 'global';
  if (policy !== 'global' && policy !== 'local') throw new Error('--policy must be global or local');
  const zones = Math.min(ZONES.length, arg('zones', policy === 'local' ? ZONES.length : 1));
  // SPOTIFY_MAX_RPS: the limiter's bucket holds one second's worth, so over the simulator's 30 s window it may send
  // 31 × the rate: 0.96 × the ceiling stays under the ceiling.
  const maxRps = Math.floor(ceiling * 0.96);
  const appleShare = arg('apple-share', 0, 0);
  if (appleShare > 1) throw new Error('--apple-share is a share of the fans, at most 1');
  const appleCeiling = arg('apple-ceiling', 20);
  // Apple Music fans come from the bulk-seeded ones (the HTTP share pre-saves on Spotify).
  const appleFans = Math.min(fans - httpFans, Math.round(fans * appleShare));
  log(
    `${fans} fans (${httpFans} over HTTP), ${policy} release, ${zones} zone(s), ceiling ${ceiling} req/s, SPOTIFY_MAX_RPS=${maxRps}`,
  );
  if (appleFans) log(`${appleFans} of them on Apple Music, Apple ceiling ${appleCeiling} req/s per team`);
  const stack = await startBenchStack({
    ceilingRps: ceiling,
    maxRps,
    log,
    appleCeilingRps: appleFans ? appleCeiling : undefined,
  });
  // Ctrl-C stops the servers and processes it started, too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the stack (the figures of this run are lost)`);
      void stack.close().finally(() => process.exit(130));
    });
  }
  try {
    // --- a share of the pre-saves through the real HTTP path ---
    const target = { api: { url: stack.apiUrl }, spotify: stack.spotify };
    const { headers, artistId } = await artistAccount(target);
    const platforms = appleFans ? ['spotify', 'apple_music'] : ['spotify'];
    const bench = await benchCampaign(target, { headers, artistId }, 'Bench release', platforms);
    const { album: albumA, campaign: created } = bench;
    const campaign = { data: created };
    const apple = stack.appleMusic;
    apple?.state.addAlbum({ storefront: 'us', upc: bench.upc, name: 'Bench', artistName: 'B', liveAt: Date.now() - 1 });
    const users = Array.from({ length: httpFans }, (_, i) => `bench-fan-${i}`);
    const presaveStart = Date.now();
    let failedPresaves = 0;
    await forEachLimited(users, concurrency, async (user, i) => {
      const { callback } = await fanPresaves(target, campaign.data.slug, { user, tz: ZONES[i % zones] });
      if (callback.status !== 303) failedPresaves++;
      if ((i + 1) % 2000 === 0) log(`  ${i + 1} pre-saves`);
    });
    const presaveSeconds = (Date.now() - presaveStart) / 1000;
    log(`HTTP pre-save phase: ${httpFans} fans in ${presaveSeconds.toFixed(1)} s`);

    // --- variant A: releaseWorkflow (batches) ---
    // --profile DIR: the batched worker's CPU profile (node --cpu-prof), written when it stops after the wave.
    const profileDir = textArg('profile');
    const workerA = await stack.startWorker(
      'workers/main.ts',
      profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    );
    // The first wave comes once the bulk fans are in; the HTTP fans are due at it (the campaign's instant).
    const bulkFans = fans - httpFans;
    const releaseA = releaseInSeconds(Math.ceil(15 + bulkFans / 600)); // bulk seeding runs at ~800 fans/s here
    await http.patch(
      `${stack.apiUrl}/v1/campaigns/${campaign.data.id}`,
      { releaseDate: releaseA.releaseDate, releaseTime: releaseA.releaseTime },
      { headers },
    );
    const spacingMs = zones > 1 ? Math.max(1_000, Math.round(((fans / ceiling) * 1000) / zones / 2)) : 0;
    const seedStart = Date.now();
    // Both platforms' fans in the same waves: fan i of the bulk is due with zone i's wave, whichever platform.
    const bulk = Array.from({ length: bulkFans }, (_, i) => ({
      user: `bulk-fan-${i}`,
      timeZone: ZONES[i % zones],
      dueAt: releaseA.at + (i % zones) * spacingMs,
    }));
    await seedPresavesInBulk(
      { pool: stack.pool, keyRing: stack.keyRing, spotify: stack.spotify.state },
      { campaignId: campaign.data.id, fans: bulk.slice(appleFans) },
    );
    if (apple)
      await seedAppleMusicPresavesInBulk(
        { pool: stack.pool, keyRing: stack.keyRing, appleMusic: apple.state, teamId: apple.teamId },
        { campaignId: campaign.data.id, fans: bulk.slice(0, appleFans) },
      );
    const seedSeconds = (Date.now() - seedStart) / 1000;
    log(
      `bulk seeding: ${bulkFans} fans in ${seedSeconds.toFixed(1)} s${Date.now() > releaseA.at ? ' (after the first wave!)' : ''}`,
    );
    await signalReleaseRescheduled(stack.client, { campaignId: campaign.data.id });
    const batch = await measure(stack, {
      label: 'releaseWorkflow (batched)',
      campaignId: campaign.data.id,
      albumUri: albumA.album.uri,
      waveAt: releaseA.at,
      fans,
      ceiling,
      apple: apple ? { state: apple.state, ceiling: appleCeiling } : undefined,
      workerPid: workerA.pid!,
      historyEvents: async () => {
        // Every run of the workflow (it continues as new when its history grows).
        const workflowId = releaseWorkflowId(campaign.data.id);
        const runIds = new Set<string>();
        for await (const run of stack.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
          runIds.add(run.runId);
        runIds.add((await stack.client.workflow.getHandle(workflowId).describe()).runId);
        let events = 0;
        for (const runId of runIds)
          events += (await stack.client.workflow.getHandle(workflowId, runId).fetchHistory()).events?.length ?? 0;
        return events;
      },
    });
    workerA.kill('SIGTERM');
    await new Promise((r) => workerA.once('exit', r));

    // --- variant B: one workflow per fan, another album (the bench's own worker: never in production) ---
    const perFanFans = Math.min(fans, arg('per-fan-fans', 200, 0));
    // The batched figures first, as a JSON line of their own: should the per-fan run not finish, they still stand.
    console.log(JSON.stringify({ fans, policy, zones, ceilingRps: ceiling, batch, perFan: null }));
    const variantB =
      perFanFans > 0
        ? await perFanVariant(stack, target, campaign.data.id, perFanFans, ceiling).catch((error: unknown) => {
            log(`per-fan variant failed: ${error instanceof Error ? error.stack : String(error)}`);
            return null;
          })
        : null;

    const figures = {
      temporal: stack.mode,
      fans,
      policy,
      zones,
      waveSpacingMs: spacingMs,
      ceilingRps: ceiling,
      spotifyMaxRps: maxRps,
      appleMusicFans: appleFans,
      appleCeilingRps: appleFans ? appleCeiling : null,
      presavePhase: {
        fans: httpFans,
        seconds: round(presaveSeconds),
        fansPerSecond: round(httpFans / presaveSeconds),
        failed: failedPresaves,
      },
      bulkSeeding: { fans: bulkFans, seconds: round(seedSeconds) },
      perFanFans,
      perFanWorkflowStarts: variantB?.starts ?? null,
      batch,
      perFan: variantB?.perFan ?? null,
      perFanRatio: perFanRatio(batch, variantB?.perFan ?? null),
      load: load.stop(),
    };
    printTable(figures);
    printPerFanRatio(figures.perFanRatio, perFanFans);
    console.log(`load average (1 min) during the run: ${formatLoad(figures.load)}`);
    console.log(JSON.stringify(figures));
  } finally {
    await stack.close();
  }
}

type Stack = Awaited<ReturnType<typeof startBenchStack>>;
type Target = Parameters<typeof addRelease>[0];

/** The same fans' pre-saves (the first `fans` of them) through one workflow per fan, for the ratio. */
async function perFanVariant(stack: Stack, target: Target, campaignA: string, fans: number, ceiling: number) {
  const workerB = await stack.startWorker('bench/per-fan/worker.ts');
  const upcB = nextUpc();
  const albumB = addRelease(target, upcB, Date.now() - 1_000);
  const campaignB = await stack.pool.oneFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO campaigns (account_id, artist_id, title, upc, release_date, release_time, release_policy, time_zone,
                           follow_artist, slug, resolution, spotify_album_id, spotify_artist_ids, status)
    SELECT account_id, artist_id, 'Bench per-fan', ${upcB}, release_date, release_time, release_policy, time_zone,
           follow_artist, slug || '-per-fan', 'live', ${albumB.album.id}, ${sql.array([albumB.artist.id], 'text')}, 'releasing'
    FROM campaigns WHERE id = ${campaignA} RETURNING id`);
  const startsAt = Date.now();
  const dueB = Date.now() + Math.max(20_000, fans * 12); // room to start every workflow before the instant (~170/s seen)
  const presaveIds = await stack.pool.anyFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO presaves (campaign_id, fan_id, platform, due_at)
    SELECT ${campaignB}, fan_id, 'spotify', to_timestamp(${dueB / 1000}) FROM presaves
    WHERE campaign_id = ${campaignA} AND platform = 'spotify'
    LIMIT ${fans} RETURNING id`);
  await forEachLimited([...presaveIds], 64, async (presaveId) => {
    await startPerFanPresave(stack.client, { presaveId, dueAt: dueB });
  });
  const startSeconds = (Date.now() - startsAt) / 1000;
  log(`per-fan variant: ${presaveIds.length} workflows started in ${startSeconds.toFixed(1)} s`);
  const perFan = await measure(stack, {
    label: 'one workflow per fan',
    campaignId: campaignB,
    albumUri: albumB.album.uri,
    waveAt: dueB,
    fans: presaveIds.length,
    ceiling,
    workerPid: workerB.pid!,
    historyEvents: async () => {
      // Sampled: describing 20,000 executions would dominate the run.
      const sample = presaveIds.slice(0, 100);
      let events = 0;
      for (const id of sample)
        events += (await stack.client.workflow.getHandle(perFanPresaveWorkflowId(id)).describe()).historyLength;
      return (events / sample.length) * presaveIds.length;
    },
  });
  return { perFan, starts: { seconds: round(startSeconds), perSecond: round(fans / startSeconds) } };
}

async function measure(
  stack: Stack,
  m: {
    label: string;
    campaignId: string;
    albumUri: string;
    waveAt: number;
    fans: number;
    ceiling: number;
    /** the Apple Music simulator and its ceiling, when some fans are on Apple Music: their figures apart */
    apple?: { state: NonNullable<Stack['appleMusic']>['state']; ceiling: number };
    workerPid: number;
    historyEvents: () => Promise<number>;
  },
) {
  const before = stack.spotify.state.stats();
  const appleBefore = m.apple ? { ...m.apple.state.counters } : null;
  // Apple's simulator counts requests but keeps no call log: the last moment its count moved ends its span.
  let appleRequests = appleBefore?.requests ?? 0;
  let appleLastCallAt = m.waveAt;
  const cpuBefore = (await cpuSecondsOf(m.workerPid)) ?? 0;
  // Room for the per-fan variant too, whose 200 fans took minutes on the loaded machine.
  const deadline = m.waveAt + (m.fans / (m.ceiling * 0.5)) * 1000 + 400_000;
  let peakRss = 0;
  log(`${m.label}: waiting for the wave at ${new Date(m.waveAt).toISOString()}`);
  for (;;) {
    peakRss = Math.max(peakRss, (await peakRssMiB(m.workerPid)) ?? 0);
    if (m.apple && m.apple.state.counters.requests !== appleRequests) {
      appleRequests = m.apple.state.counters.requests;
      appleLastCallAt = Date.now();
    }
    const open = await stack.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM presaves WHERE campaign_id = ${m.campaignId} AND state IN ('pending', 'running')`);
    if (open === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const rows = await stack.pool.any(sql.type(
    z.object({ state: z.string(), platform: z.string(), lateMs: z.number().nullable() }),
  )`
    SELECT state, platform, (extract(epoch FROM executed_at - due_at) * 1000)::float8 AS "lateMs"
    FROM presaves WHERE campaign_id = ${m.campaignId}`);
  // Each wave (due instant): from its instant to its first delivery; and the wave's delivery span.
  const waves = await stack.pool.any(sql.type(z.object({ firstMs: z.number(), lastAt: z.number() }))`
    SELECT (extract(epoch FROM min(executed_at) - due_at) * 1000)::float8 AS "firstMs",
           (extract(epoch FROM max(executed_at)) * 1000)::float8 AS "lastAt"
    FROM presaves WHERE campaign_id = ${m.campaignId} AND state = 'done' GROUP BY due_at ORDER BY due_at`);
  // Over 24 waves the p99 is the slowest wave: each wave's figure, in due order, says which one and when.
  if (waves.length > 1)
    log(
      `${m.label}: first delivery by wave, ms after its instant: ${waves.map((w) => Math.round(w.firstMs)).join(' ')}`,
    );
  const firstDelivery = waves.map((w) => w.firstMs).sort((a, b) => a - b);
  const lastDelivery = waves.reduce((last, w) => Math.max(last, w.lastAt), m.waveAt + 1);
  const late = rows
    .filter((r) => r.state === 'done' && r.lateMs !== null)
    .map((r) => r.lateMs!)
    .sort((a, b) => a - b);
  const open = rows.filter((r) => r.state === 'pending' || r.state === 'running').length;
  const after = stack.spotify.state.stats();
  const calls = stack.spotify.state.calls().filter((c) => c.at >= m.waveAt && c.path.startsWith('/v1/'));
  const lastCall = calls.reduce((last, c) => Math.max(last, c.at), m.waveAt + 1); // no spread: 100k+ calls
  const deliverySeconds = (lastCall - m.waveAt) / 1000;
  const okCalls = calls.filter((c) => c.status === 200 || c.status === 204).length;
  const saves = stack.spotify.state
    .calls()
    .filter((c) => c.method === 'PUT' && c.status === 200 && String(c.query.uris ?? '').includes(m.albumUri)).length;
  const cpuSeconds = ((await cpuSecondsOf(m.workerPid)) ?? 0) - cpuBefore;
  const history = await m.historyEvents();
  const result = {
    delivered: late.length,
    // Lost: settled without being delivered. Rows still open when the measurement window closed are not lost
    // (they would still be delivered) and are counted apart.
    lost: m.fans - late.length - open,
    pendingAtDeadline: open,
    deliverySeconds: round(deliverySeconds),
    deliveriesPerSecond: round(late.length / ((lastDelivery - m.waveAt) / 1000)),
    waves: waves.length,
    firstDeliveryP50Ms: round(percentile(firstDelivery, 50)),
    firstDeliveryP99Ms: round(percentile(firstDelivery, 99)),
    providerCallsPerSecond: round(okCalls / deliverySeconds),
    ratioToCeiling: round(okCalls / deliverySeconds / m.ceiling),
    latenessP50Ms: round(percentile(late, 50)),
    latenessP99Ms: round(percentile(late, 99)),
    latenessMaxMs: round(late.at(-1) ?? null),
    duplicateProviderSaves:
      after.duplicateSaves -
      before.duplicateSaves +
      Math.max(0, saves - rows.filter((r) => r.platform === 'spotify' && r.state === 'done').length),
    http429: (after.byStatus['429'] ?? 0) - (before.byStatus['429'] ?? 0),
    peakWorkerRssMiB: peakRss,
    // The worker's CPU from the start of the wait to the end: per delivery, it holds whatever the machine's load.
    workerCpuSeconds: round(cpuSeconds),
    workerCpuMsPerDelivery: round((cpuSeconds * 1000) / Math.max(1, late.length)),
    historyEventsPerFan: round(history / m.fans),
  };
  const byPlatform = m.apple
    ? {
        spotify: { ...platformRows(rows, 'spotify'), ...spotifyCalls(result) },
        apple_music: {
          ...platformRows(rows, 'apple_music'),
          ...appleCalls(m.apple, appleBefore!, (appleLastCallAt - m.waveAt) / 1000),
        },
      }
    : undefined;
  log(`${m.label}: ${JSON.stringify({ ...result, byPlatform })}`);
  return byPlatform ? { ...result, byPlatform } : result;
}

type PlatformFigures = Record<string, number | null>;

/** One platform's rows: delivered, lost, still open, lateness. */
function platformRows(
  rows: readonly { state: string; platform: string; lateMs: number | null }[],
  platform: string,
): PlatformFigures {
  const mine = rows.filter((r) => r.platform === platform);
  const late = mine
    .filter((r) => r.state === 'done' && r.lateMs !== null)
    .map((r) => r.lateMs!)
    .sort((a, b) => a - b);
  const open = mine.filter((r) => r.state === 'pending' || r.state === 'running').length;
  return {
    fans: mine.length,
    delivered: late.length,
    lost: mine.length - late.length - open,
    failedRows: mine.filter((r) => r.state === 'failed').length,
    revokedRows: mine.filter((r) => r.state === 'revoked').length,
    pendingAtDeadline: open,
    latenessP50Ms: round(percentile(late, 50)),
    latenessP99Ms: round(percentile(late, 99)),
  };
}

/** Spotify's calls from the run's figures (its simulator logs every call). */
function spotifyCalls(result: {
  providerCallsPerSecond: number | null;
  ratioToCeiling: number | null;
  http429: number;
}) {
  return {
    callsPerSecond: result.providerCallsPerSecond,
    ratioToCeiling: result.ratioToCeiling,
    http429: result.http429,
  };
}

/** Apple's calls from its simulator's counters over its delivery span: calls/s against its ceiling, its refusals. */
function appleCalls(
  apple: { state: NonNullable<Stack['appleMusic']>['state']; ceiling: number },
  before: Record<string, number>,
  seconds: number,
): PlatformFigures {
  const c = apple.state.counters;
  const requests = c.requests - before.requests;
  const refused = c.rateLimited - before.rateLimited + (c.userTokenRefused - before.userTokenRefused);
  const perSecond = (requests - refused) / Math.max(0.001, seconds);
  return {
    callsPerSecond: round(perSecond),
    ratioToCeiling: round(perSecond / apple.ceiling),
    http429: c.rateLimited - before.rateLimited,
    userTokenRefused: c.userTokenRefused - before.userTokenRefused,
    libraryAdds: c.libraryAdds - before.libraryAdds,
  };
}

function round(n: number | null): number | null {
  return n === null ? null : Math.round(n * 100) / 100;
}

function printTable(
  f: { batch: Record<string, unknown>; perFan: Record<string, unknown> | null } & Record<string, unknown>,
) {
  const { byPlatform, ...batch } = f.batch as { byPlatform?: Record<string, Record<string, unknown>> };
  const keys = Object.keys(batch);
  console.log(
    `\nbench:release — ${f.fans} fans, ${f.zones} zones, ceiling ${f.ceilingRps} req/s (SPOTIFY_MAX_RPS ${f.spotifyMaxRps}), Temporal ${f.temporal}`,
  );
  console.log(`pre-save phase over HTTP: ${JSON.stringify(f.presavePhase)}`);
  console.log(`${'figure'.padEnd(26)}${'releaseWorkflow'.padStart(18)}${'per-fan workflows'.padStart(20)}`);
  for (const k of keys)
    console.log(`${k.padEnd(26)}${String(f.batch[k]).padStart(18)}${String(f.perFan?.[k] ?? '-').padStart(20)}`);
  if (byPlatform) {
    // With --apple-share: the releaseWorkflow run's figures per platform (Apple's 429s carry no Retry-After).
    console.log(
      `\n${'releaseWorkflow, per platform'.padEnd(30)}${'spotify'.padStart(14)}${'apple_music'.padStart(20)}`,
    );
    const rows = new Set([...Object.keys(byPlatform.spotify), ...Object.keys(byPlatform.apple_music)]);
    for (const k of rows)
      console.log(
        `${k.padEnd(30)}${String(byPlatform.spotify[k] ?? '-').padStart(14)}${String(byPlatform.apple_music[k] ?? '-').padStart(20)}`,
      );
  }
  console.log('');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
