// The benchmark's stack: real PostgreSQL, a Temporal dev server (or, with TEMPORAL_MODE=cluster, a Temporal cluster
// on the same PostgreSQL: scripts/lib/temporal-cluster.ts), the Spotify simulator with a rate ceiling, and the API
// and worker as separate processes (so their resources can be measured), all on loopback.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { migrate } from '../../db/migrate';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { createDatabasePool, type DatabasePool } from '../../db/pool';
import { KeyRing } from '../../lib/crypto/keyring';
import { connectTemporalClient } from '../../lib/temporal/client';
import { ensureDatabase, startEmbeddedPostgres } from '../../scripts/lib/embedded-postgres';
import { freePort, waitForPort } from '../../scripts/lib/ports';
import { resolveTemporalCli } from '../../scripts/lib/temporal-cli';
import { startTemporalCluster, type TemporalCluster } from '../../scripts/lib/temporal-cluster';
import { startTemporalDevServer, stopChild } from '../../scripts/lib/temporal-dev-server';
import { resolveTemporalClusterTools } from '../../scripts/lib/temporal-server';
import { startSpotifySimulator, type SpotifySimState } from '../../simulators/spotify';
import { sandboxDeveloperKey, startAppleMusicSimulator } from '../../simulators/apple-music';
import { addRelease, http, nextUpc, releaseInSeconds } from '../../test/helpers/release-stack';

const ROOT = path.resolve(__dirname, '..', '..');

export async function startBenchStack(opts: {
  ceilingRps: number;
  maxRps: number;
  log: (m: string) => void;
  env?: Record<string, string>;
  /** Apple Music's rate per developer account (req/s): starts its simulator and configures a key for it */
  appleCeilingRps?: number;
}) {
  const cleanups: (() => Promise<void>)[] = [];
  const mode = process.env.TEMPORAL_MODE || 'dev-server';
  if (mode !== 'dev-server' && mode !== 'cluster') throw new Error(`TEMPORAL_MODE=${mode}: use dev-server or cluster`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dropday-bench-'));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort() });
  cleanups.push(pg.stop);
  await ensureDatabase(pg.adminUrl, 'bench');
  const databaseUrl = pg.databaseUrl('bench');
  await migrate(databaseUrl);
  let cluster: TemporalCluster | null = null;
  let temporal: { address: string; stop(): Promise<void> };
  if (mode === 'cluster') {
    opts.log('Temporal: a cluster (frontend, history, matching, worker as processes) on the same PostgreSQL');
    cluster = await startTemporalCluster({
      ...(await resolveTemporalClusterTools(opts.log)),
      postgresUrl: pg.adminUrl,
      dir: path.join(dir, 'temporal-cluster'),
      log: opts.log,
    });
    temporal = cluster;
  } else {
    temporal = await startTemporalDevServer({ bin: await resolveTemporalCli(opts.log), port: await freePort() });
  }
  cleanups.push(temporal.stop);
  const spotify = await startBenchSpotify(opts.ceilingRps);
  cleanups.push(spotify.close);
  const appleMusic = opts.appleCeilingRps ? await startBenchAppleMusic(opts.appleCeilingRps) : null;
  if (appleMusic) cleanups.push(appleMusic.close);
  const apiPort = await freePort();
  const keys = `bench:${KeyRing.generateKey()}`;
  const bundles = await prebuiltWorkflowBundles(dir);
  const env: Record<string, string> = {
    ...processEnv({ apiPort, databaseUrl, temporalAddress: temporal.address, keys, spotifyUrl: spotify.url }),
    DATABASE_POOL_SIZE: '20',
    ...bundles,
    SPOTIFY_MAX_RPS: String(opts.maxRps),
    // Every simulated fan comes from 127.0.0.1: the limiter stays in the path (its upsert is part of the figures)
    // with the fans' limits out of reach.
    RATE_LIMITS: 'presave=100000000/60,oauth=100000000/60',
    ...(appleMusic?.env ?? {}),
    ...opts.env,
  };
  const api = startProcess('api/main.ts', env);
  cleanups.push(() => stopChild(api));
  await waitForPort(apiPort, '127.0.0.1', 60_000);
  const pool: DatabasePool = await createDatabasePool(databaseUrl, { maximumPoolSize: 5 });
  cleanups.push(() => pool.end());
  const keyRing = KeyRing.fromConfig(keys);
  const client = await connectTemporalClient({ address: temporal.address, namespace: 'default', keyRing });
  cleanups.push(() => client.connection.close());

  return {
    mode,
    /** the cluster's service processes in cluster mode (to restart one), else null */
    cluster,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    databaseUrl,
    spotify,
    /** null unless appleCeilingRps was given */
    appleMusic,
    pool,
    client,
    /** Another API process on the same database and Temporal, with `extra` in its env; resolves to its URL. */
    async startApi(extra: Record<string, string>): Promise<string> {
      const port = await freePort();
      const child = startProcess('api/main.ts', {
        ...env,
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        ...extra,
      });
      cleanups.push(() => stopChild(child));
      await waitForPort(port, '127.0.0.1', 60_000);
      return `http://127.0.0.1:${port}`;
    },
    /** the key ring the API and worker use (the bulk seeding path encrypts with it) */
    keyRing,
    /**
     * A fresh worker process (the production one unless told); resolves once it polls. `nodeArgs`: flags for its
     * node, e.g. `--cpu-prof` (the profile is written when the worker exits after SIGTERM).
     */
    async startWorker(script = 'workers/main.ts', nodeArgs: string[] = []): Promise<ChildProcess> {
      const worker = startProcess(
        script,
        { ...env, LOG_LEVEL: 'info' },
        (line) => line.includes('worker started'),
        nodeArgs,
      );
      cleanups.push(() => stopChild(worker));
      await new Promise<void>((resolve, reject) => {
        worker.once('ready' as never, resolve);
        worker.once('exit', () => reject(new Error('worker exited during start')));
      });
      return worker;
    },
    async close() {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    },
  };
}

/**
 * The workers' workflow code, bundled once here as production images do it (Dockerfile, `npm run bundle`): a worker
 * that bundled at its start would carry webpack's peak in its memory figures, which production never pays.
 */
async function prebuiltWorkflowBundles(dir: string): Promise<Record<string, string>> {
  const WORKFLOW_BUNDLE_PATH = await buildWorkflowBundle(path.join(dir, 'workflow-bundle.js'));
  const perFan = await bundleWorkflowCode({
    workflowsPath: require.resolve('../per-fan/workflow'),
    logger: { log: () => {}, trace: () => {}, debug: () => {}, info: () => {}, warn: () => {}, error: console.error },
  });
  const PER_FAN_WORKFLOW_BUNDLE_PATH = path.join(dir, 'per-fan-workflow-bundle.js');
  await writeFile(PER_FAN_WORKFLOW_BUNDLE_PATH, perFan.code);
  return { WORKFLOW_BUNDLE_PATH, PER_FAN_WORKFLOW_BUNDLE_PATH };
}

/** The Spotify simulator with an app-wide ceiling of `ceilingRps` (over a 30 s window), for the processes' env. */
export function startBenchSpotify(ceilingRps: number) {
  return startSpotifySimulator({
    clientId: 'dropday-bench',
    clientSecret: 'dropday-bench-secret',
    port: 0,
    rateLimitPerWindow: ceilingRps * 30,
    windowMs: 30_000,
  });
}

/** The Apple Music simulator with a rate of `ceilingRps` per developer account, and the env that points at it. */
async function startBenchAppleMusic(ceilingRps: number) {
  const key = sandboxDeveloperKey();
  const sim = await startAppleMusicSimulator({ keys: [key], ratePerSecond: ceilingRps });
  const env = {
    APPLE_MUSIC_API_URL: sim.url,
    APPLE_MUSIC_TEAM_ID: key.teamId,
    APPLE_MUSIC_KEY_ID: key.keyId,
    APPLE_MUSIC_PRIVATE_KEY: key.privateKeyPem,
    APPLE_MUSIC_MAX_RPS: String(Math.max(1, Math.floor(ceilingRps * 0.9))),
  };
  return { ...sim, teamId: key.teamId, env };
}

/** What the API and worker processes of a bench need, and nothing from the shell that started it. */
export function processEnv(p: {
  apiPort: number;
  databaseUrl: string;
  temporalAddress: string;
  keys: string;
  spotifyUrl: string;
}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(p.apiPort),
    PUBLIC_URL: `http://127.0.0.1:${p.apiPort}`,
    DATABASE_URL: p.databaseUrl,
    TEMPORAL_ADDRESS: p.temporalAddress,
    ENCRYPTION_KEYS: p.keys,
    STATE_SIGNING_SECRET: 'bench-signing-secret-0123456789abcdef',
    SPOTIFY_CLIENT_ID: 'dropday-bench',
    SPOTIFY_CLIENT_SECRET: 'dropday-bench-secret',
    SPOTIFY_ACCOUNTS_URL: p.spotifyUrl,
    SPOTIFY_API_URL: p.spotifyUrl,
  };
}

/** A global release an hour out whose album is live already, so only the release instant (moved later) gates it. */
export async function benchCampaign(
  target: { api: { url: string }; spotify: { state: SpotifySimState } },
  account: { headers: Record<string, string>; artistId: string },
  title: string,
  platforms: string[] = ['spotify'],
) {
  const upc = nextUpc();
  const album = addRelease(target, upc, Date.now() - 1_000);
  const later = releaseInSeconds(3600);
  const campaign = await http.post(
    `${target.api.url}/v1/campaigns`,
    {
      artistId: account.artistId,
      title,
      upc,
      releaseDate: later.releaseDate,
      releaseTime: later.releaseTime,
      releasePolicy: 'global',
      timeZone: 'UTC',
      platforms,
    },
    { headers: account.headers },
  );
  if (campaign.status !== 201) throw new Error(`campaign: ${JSON.stringify(campaign.data)}`);
  return { album, upc, campaign: campaign.data as { id: string; slug: string } };
}

/** Moves the campaign's release instant `seconds` from now; the instant. */
export async function releaseIn(
  target: { api: { url: string } },
  account: { headers: Record<string, string> },
  campaignId: string,
  seconds: number,
): Promise<number> {
  const wave = releaseInSeconds(seconds);
  const patched = await http.patch(
    `${target.api.url}/v1/campaigns/${campaignId}`,
    { releaseDate: wave.releaseDate, releaseTime: wave.releaseTime },
    { headers: account.headers },
  );
  if (patched.status !== 200) throw new Error(`reschedule: ${JSON.stringify(patched.data)}`);
  return wave.at;
}

export function startProcess(
  script: string,
  env: Record<string, string>,
  isReady?: (line: string) => boolean,
  nodeArgs: string[] = [],
): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(ROOT, script)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (isReady?.(line)) child.emit('ready');
      else if (/"level":(40|50|60)/.test(line)) process.stderr.write(`[${script}] ${line}\n`);
    }
  });
  return child;
}

/** Peak resident memory of a process so far (Linux VmHWM), in MiB. */
export async function peakRssMiB(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Math.round(Number(match[1]) / 1024) : null;
}

/** CPU time a process has used so far (Linux /proc, user + system), in seconds. */
export async function cpuSecondsOf(pid: number): Promise<number | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields.length > 13 ? (Number(fields[11]) + Number(fields[12])) / 100 : null; // USER_HZ is 100 on Linux
}

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Runs `task` over `items` with at most `concurrency` in flight. */
export async function forEachLimited<T>(
  items: T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await task(items[i], i);
      }
    }),
  );
}
