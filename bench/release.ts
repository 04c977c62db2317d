// bench:release — N fans pre-save through the real path (HTTP smart link and OAuth → PostgreSQL → Temporal →
// worker → Spotify simulator with a rate ceiling), then the release instant comes and we measure the delivery.
// The same N fans then go through the one-workflow-per-fan variant, in the same run, for comparison.
//
//   [TEMPORAL_MODE=cluster] npm run bench:release -- [--fans 20000] [--ceiling 200] [--concurrency 32]
//                                                    [--apple-share 0.3] [--apple-ceiling 20]
//
// --apple-share: that share of the fans pre-add on Apple Music instead (POST of a simulator-issued Music-User-Token,
// album already out, so added in the wave) under the Apple simulator's own per-team ceiling; the batch variant then
// reports each platform's figures as well (the per-fan variant stays Spotify-only).
//
// Prints a table, then (last line) one JSON object with every figure. Figures, not assertions.
import { sql } from '../db/pool';
import { z } from 'zod';
import { perFanPresaveWorkflowId } from '../lib/starters/per-fan-presave';
import { releaseWorkflowId } from '../lib/starters/release';
import { startPerFanPresave } from './per-fan/starter';
import { addRelease, artistAccount, fanPresaves, http, nextUpc, releaseInSeconds } from '../test/helpers/release-stack';
import { benchCampaign, forEachLimited, peakRssMiB, percentile, startBenchStack } from './lib/stack';

const ZONES = ['Europe/London', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'];

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

async function main() {
  const fans = arg('fans', 20_000);
  const ceiling = arg('ceiling', 200); // the simulator's app-wide rate limit, requests per second
  const concurrency = arg('concurrency', 32);
  const maxRps = Math.floor(ceiling * 0.9); // SPOTIFY_MAX_RPS: stay under the ceiling's rolling window
  const appleShare = process.argv.includes('--apple-share') ? arg('apple-share', 0) : 0;
  if (appleShare > 1) throw new Error('--apple-share is a share of the fans, at most 1');
  const appleCeiling = arg('apple-ceiling', 20);
  const appleFans = Math.round(fans * appleShare);
  log(`${fans} fans across ${ZONES.length} zones, Spotify ceiling ${ceiling} req/s, SPOTIFY_MAX_RPS=${maxRps}`);
  if (appleFans) log(`${appleFans} of them on Apple Music, Apple ceiling ${appleCeiling} req/s per team`);
  const stack = await startBenchStack({
    ceilingRps: ceiling,
    maxRps,
    log,
    appleCeilingRps: appleFans ? appleCeiling : undefined,
  });
  // Ctrl-C stops the servers and processes it started, too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stack.close().finally(() => process.exit(130)));
  }
  try {
    // --- pre-saves through the real HTTP path ---
    const target = { api: { url: stack.apiUrl }, spotify: stack.spotify };
    const { headers, artistId } = await artistAccount(target);
    const platforms = appleFans ? ['spotify', 'apple_music'] : ['spotify'];
    const bench = await benchCampaign(target, { headers, artistId }, 'Bench release', platforms);
    const { album: albumA, campaign: created } = bench;
    const campaign = { data: created };
    const apple = stack.appleMusic;
    apple?.state.addAlbum({ storefront: 'us', upc: bench.upc, name: 'Bench', artistName: 'B', liveAt: Date.now() - 1 });
    const users = Array.from({ length: fans }, (_, i) => `bench-fan-${i}`);
    const presaveStart = Date.now();
    let failedPresaves = 0;
    await forEachLimited(users, concurrency, async (user, i) => {
      if (apple && i < appleFans) {
        const musicUserToken = apple.state.issueUserToken(apple.teamId, user, 'us');
        const res = await http.post(
          `${stack.apiUrl}/l/${campaign.data.slug}/presave/apple-music`,
          { musicUserToken, timeZone: ZONES[i % ZONES.length] },
          { headers: { origin: stack.apiUrl } },
        );
        if (res.status !== 201) failedPresaves++;
        return;
      }
      const { callback } = await fanPresaves(target, campaign.data.slug, { user, tz: ZONES[i % ZONES.length] });
      if (callback.status !== 303) failedPresaves++;
      if ((i + 1) % 2000 === 0) log(`  ${i + 1} pre-saves`);
    });
    const presaveSeconds = (Date.now() - presaveStart) / 1000;
    log(`pre-save phase: ${fans} fans in ${presaveSeconds.toFixed(1)} s`);

    // --- variant A: releaseWorkflow (batches) ---
    const workerA = await stack.startWorker();
    const releaseA = releaseInSeconds(8);
    await http.patch(
      `${stack.apiUrl}/v1/campaigns/${campaign.data.id}`,
      { releaseDate: releaseA.releaseDate, releaseTime: releaseA.releaseTime },
      { headers },
    );
    const batch = await measure(stack, {
      label: 'releaseWorkflow (batched)',
      campaignId: campaign.data.id,
      albumUri: albumA.album.uri,
      waveAt: releaseA.at,
      fans,
      ceiling,
      apple,
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

    // --- variant B: one workflow per fan, same fans, another album (the bench's own worker: never in production) ---
    const workerB = await stack.startWorker('bench/per-fan/worker.ts');
    const upcB = nextUpc();
    const albumB = addRelease(target, upcB, Date.now() - 1_000);
    const campaignB = await stack.pool.oneFirst(sql.type(z.object({ id: z.string() }))`
      INSERT INTO campaigns (account_id, artist_id, title, upc, release_date, release_time, release_policy, time_zone,
                             follow_artist, slug, resolution, spotify_album_id, spotify_artist_ids, status)
      SELECT account_id, artist_id, 'Bench per-fan', ${upcB}, release_date, release_time, release_policy, time_zone,
             follow_artist, slug || '-per-fan', 'live', ${albumB.album.id}, ${sql.array([albumB.artist.id], 'text')}, 'releasing'
      FROM campaigns WHERE id = ${campaign.data.id} RETURNING id`);
    const startsAt = Date.now();
    const dueB = Date.now() + Math.max(20_000, fans * 12); // room to start every workflow before the instant (~170/s seen)
    const presaveIds = await stack.pool.anyFirst(sql.type(z.object({ id: z.string() }))`
      INSERT INTO presaves (campaign_id, fan_id, platform, due_at)
      SELECT ${campaignB}, fan_id, 'spotify', to_timestamp(${dueB / 1000}) FROM presaves
      WHERE campaign_id = ${campaign.data.id} AND platform = 'spotify'
      RETURNING id`);
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

    const figures = {
      temporal: stack.mode,
      fans,
      zones: ZONES.length,
      ceilingRps: ceiling,
      spotifyMaxRps: maxRps,
      appleMusicFans: appleFans,
      appleCeilingRps: appleFans ? appleCeiling : null,
      presavePhase: {
        seconds: round(presaveSeconds),
        fansPerSecond: round(fans / presaveSeconds),
        failed: failedPresaves,
      },
      perFanWorkflowStarts: { seconds: round(startSeconds), perSecond: round(fans / startSeconds) },
      batch,
      perFan,
    };
    printTable(figures);
    console.log(JSON.stringify(figures));
  } finally {
    await stack.close();
  }
}

type Stack = Awaited<ReturnType<typeof startBenchStack>>;

async function measure(
  stack: Stack,
  m: {
    label: string;
    campaignId: string;
    albumUri: string;
    waveAt: number;
    fans: number;
    ceiling: number;
    /** the Apple Music simulator, when some fans pre-added there: its figures are reported too */
    apple?: Stack['appleMusic'];
    workerPid: number;
    historyEvents: () => Promise<number>;
  },
) {
  const before = stack.spotify.state.stats();
  const appleBefore = m.apple ? { ...m.apple.state.counters } : null;
  const deadline = m.waveAt + (m.fans / (m.ceiling * 0.5)) * 1000 + 180_000;
  let peakRss = 0;
  log(`${m.label}: waiting for the wave at ${new Date(m.waveAt).toISOString()}`);
  for (;;) {
    peakRss = Math.max(peakRss, (await peakRssMiB(m.workerPid)) ?? 0);
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
  const late = rows
    .filter((r) => r.state === 'done' && r.lateMs !== null)
    .map((r) => r.lateMs!)
    .sort((a, b) => a - b);
  const open = rows.filter((r) => r.state === 'pending' || r.state === 'running').length;
  const after = stack.spotify.state.stats();
  const calls = stack.spotify.state.calls().filter((c) => c.at >= m.waveAt && c.path.startsWith('/v1/'));
  const lastCall = Math.max(...calls.map((c) => c.at), m.waveAt + 1);
  const deliverySeconds = (lastCall - m.waveAt) / 1000;
  const okCalls = calls.filter((c) => c.status === 200 || c.status === 204).length;
  const saves = stack.spotify.state
    .calls()
    .filter((c) => c.method === 'PUT' && c.status === 200 && String(c.query.uris ?? '').includes(m.albumUri)).length;
  const history = await m.historyEvents();
  const result = {
    delivered: late.length,
    // Lost: settled without being delivered. Rows still open when the measurement window closed are not lost
    // (they would still be delivered) and are counted apart.
    lost: m.fans - late.length - open,
    pendingAtDeadline: open,
    deliverySeconds: round(deliverySeconds),
    providerCallsPerSecond: round(okCalls / deliverySeconds),
    ratioToCeiling: round(okCalls / deliverySeconds / m.ceiling),
    latenessP50Ms: round(percentile(late, 50)),
    latenessP99Ms: round(percentile(late, 99)),
    latenessMaxMs: round(late.at(-1) ?? null),
    duplicateProviderSaves: after.duplicateSaves - before.duplicateSaves + Math.max(0, saves - late.length),
    http429: (after.byStatus['429'] ?? 0) - (before.byStatus['429'] ?? 0),
    peakWorkerRssMiB: peakRss,
    historyEventsPerFan: round(history / m.fans),
  };
  const byPlatform = m.apple ? platformFigures(rows, m.apple, appleBefore!) : undefined;
  log(`${m.label}: ${JSON.stringify({ ...result, byPlatform })}`);
  return byPlatform ? { ...result, byPlatform } : result;
}

/** Each platform's delivered / lost / lateness, and Apple's own calls and 429s (its simulator's counters). */
function platformFigures(
  rows: readonly { state: string; platform: string; lateMs: number | null }[],
  apple: NonNullable<Stack['appleMusic']>,
  before: Record<string, number>,
) {
  const figures: Record<string, Record<string, number | null>> = {};
  for (const platform of ['spotify', 'apple_music']) {
    const mine = rows.filter((r) => r.platform === platform);
    const late = mine
      .filter((r) => r.state === 'done' && r.lateMs !== null)
      .map((r) => r.lateMs!)
      .sort((a, b) => a - b);
    const open = mine.filter((r) => r.state === 'pending' || r.state === 'running').length;
    figures[platform] = {
      fans: mine.length,
      delivered: late.length,
      lost: mine.length - late.length - open,
      pendingAtDeadline: open,
      latenessP50Ms: round(percentile(late, 50)),
      latenessP99Ms: round(percentile(late, 99)),
      latenessMaxMs: round(late.at(-1) ?? null),
    };
  }
  const appleLate = rows.filter((r) => r.platform === 'apple_music' && r.lateMs !== null).map((r) => r.lateMs!);
  const seconds = Math.max(0.001, Math.max(...appleLate, 1) / 1000);
  const requests = apple.state.counters.requests - before.requests;
  figures.apple_music.requests = requests;
  figures.apple_music.requestsPerSecond = round(requests / seconds);
  figures.apple_music.http429 = apple.state.counters.rateLimited - before.rateLimited;
  figures.apple_music.libraryAdds = apple.state.counters.libraryAdds - before.libraryAdds;
  return figures;
}

function round(n: number | null): number | null {
  return n === null ? null : Math.round(n * 100) / 100;
}

function printTable(f: { batch: Record<string, unknown>; perFan: Record<string, unknown> } & Record<string, unknown>) {
  const { byPlatform, ...batch } = f.batch as { byPlatform?: Record<string, Record<string, unknown>> };
  const keys = Object.keys(batch);
  console.log(
    `\nbench:release — ${f.fans} fans, ${f.zones} zones, ceiling ${f.ceilingRps} req/s (SPOTIFY_MAX_RPS ${f.spotifyMaxRps}), Temporal ${f.temporal}`,
  );
  console.log(`pre-save phase over HTTP: ${JSON.stringify(f.presavePhase)}`);
  console.log(`${'figure'.padEnd(26)}${'releaseWorkflow'.padStart(18)}${'per-fan workflows'.padStart(20)}`);
  for (const k of keys)
    console.log(`${k.padEnd(26)}${String(f.batch[k]).padStart(18)}${String(f.perFan[k]).padStart(20)}`);
  if (byPlatform) {
    // With --apple-share: the releaseWorkflow run's figures per platform (Apple's 429s carry no Retry-After).
    console.log(
      `\n${'releaseWorkflow, per platform'.padEnd(26)}${'spotify'.padStart(18)}${'apple_music'.padStart(20)}`,
    );
    const rows = new Set([...Object.keys(byPlatform.spotify), ...Object.keys(byPlatform.apple_music)]);
    for (const k of rows)
      console.log(
        `${k.padEnd(26)}${String(byPlatform.spotify[k] ?? '–').padStart(18)}${String(byPlatform.apple_music[k] ?? '–').padStart(20)}`,
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
