// The chaos run's stack: every part a process or server that can be killed and brought back on the same port and
// data: PostgreSQL (embedded, same data directory), Temporal (the dev server on a SQLite file, or the cluster with
// its history service on its own), the API and any number of worker processes, and the Spotify simulator.
import { type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '../../db/migrate';
import { createDatabasePool, type DatabasePool } from '../../db/pool';
import { KeyRing } from '../../lib/crypto/keyring';
import { connectTemporalClient } from '../../lib/temporal/client';
import { ensureDatabase, startEmbeddedPostgres, type RunningPostgres } from '../../scripts/lib/embedded-postgres';
import { freePort, waitForPort } from '../../scripts/lib/ports';
import { resolveTemporalCli } from '../../scripts/lib/temporal-cli';
import { startTemporalDevServer, stopChild, type TemporalDevServer } from '../../scripts/lib/temporal-dev-server';
import { startTemporalCluster } from '../../scripts/lib/temporal-cluster';
import { resolveTemporalClusterTools } from '../../scripts/lib/temporal-server';
import { processEnv, startBenchSpotify, startProcess } from '../lib/stack';

/** The Temporal service a scenario runs on, and the part of it the run restarts. */
export interface ChaosTemporal {
  label: string;
  address: string;
  /** what `restart()` restarts, for the report */
  restartLabel: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export type TemporalFactory = (ctx: {
  dir: string;
  postgres: { adminUrl: string; port: number };
  log: (m: string) => void;
}) => Promise<ChaosTemporal>;

/** The dev server with its state in a SQLite file, so a restart keeps every workflow. */
export const devServer: TemporalFactory = async ({ dir, log }) => {
  const bin = await resolveTemporalCli(log);
  const port = await freePort();
  const dbFile = path.join(dir, 'temporal.sqlite');
  let server: TemporalDevServer = await startTemporalDevServer({ bin, port, dbFile });
  return {
    label: 'Temporal dev server (SQLite file)',
    address: server.address,
    restartLabel: 'dev server restarted',
    async restart() {
      await server.stop();
      server = await startTemporalDevServer({ bin, port, dbFile });
    },
    stop: () => server.stop(),
  };
};

/**
 * The production topology: frontend, history, matching and worker as processes on the run's PostgreSQL (so the
 * PostgreSQL restart hits Temporal too, as it would in production); the history service is what restarts.
 */
export const clusterServer: TemporalFactory = async ({ dir, postgres, log }) => {
  const cluster = await startTemporalCluster({
    ...(await resolveTemporalClusterTools(log)),
    postgresUrl: postgres.adminUrl,
    dir: path.join(dir, 'temporal-cluster'),
    log,
  });
  return {
    label: 'Temporal cluster (frontend, history, matching, worker processes on PostgreSQL)',
    address: cluster.address,
    restartLabel: 'history service restarted',
    restart: () => cluster.services.history.restart(),
    stop: () => cluster.stop(),
  };
};

export async function startChaosStack(opts: {
  temporal: TemporalFactory;
  ceilingRps: number;
  maxRps: number;
  log: (m: string) => void;
}) {
  const cleanups: (() => Promise<void>)[] = [];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dropday-chaos-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const pgPort = await freePort();
  const pgDir = path.join(dir, 'pg');
  let pg: RunningPostgres = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort });
  cleanups.push(() => pg.stop());
  await ensureDatabase(pg.adminUrl, 'chaos');
  const databaseUrl = pg.databaseUrl('chaos');
  await migrate(databaseUrl);

  const temporal = await opts.temporal({ dir, postgres: { adminUrl: pg.adminUrl, port: pgPort }, log: opts.log });
  cleanups.push(() => temporal.stop());
  const spotify = await startBenchSpotify(opts.ceilingRps);
  cleanups.push(spotify.close);

  const apiPort = await freePort();
  const keys = `chaos:${KeyRing.generateKey()}`;
  const env: Record<string, string> = {
    ...processEnv({ apiPort, databaseUrl, temporalAddress: temporal.address, keys, spotifyUrl: spotify.url }),
    DATABASE_POOL_SIZE: '10',
    SPOTIFY_MAX_RPS: String(opts.maxRps),
    RATE_LIMITS: 'off', // every simulated fan comes from 127.0.0.1
  };

  /** Processes that died without being killed by the run: a finding, reported. */
  const crashes: string[] = [];
  const watch = (name: string, child: ChildProcess) => {
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && !closing) {
        crashes.push(`${name} exited (${signal ?? code})`);
        opts.log(`  ${name} exited by itself (${signal ?? code})`);
      }
    });
    return child;
  };
  let closing = false;
  let api = watch('API', startProcess('api/main.ts', env));
  await waitForPort(apiPort, '127.0.0.1', 60_000);
  cleanups.push(() => stopChild(api));
  const pool: DatabasePool = await createDatabasePool(databaseUrl, { maximumPoolSize: 4 });
  const keyRing = KeyRing.fromConfig(keys);
  const client = await connectTemporalClient({ address: temporal.address, namespace: 'default', keyRing });
  cleanups.push(() => client.connection.close());
  cleanups.push(() => pool.end());

  const workers: ChildProcess[] = [];
  async function startWorker(): Promise<ChildProcess> {
    const worker = watch(
      'a worker',
      startProcess('workers/main.ts', { ...env, LOG_LEVEL: 'info' }, (l) => l.includes('worker started')),
    );
    await new Promise<void>((resolve, reject) => {
      worker.once('ready' as never, resolve);
      worker.once('exit', () => reject(new Error('worker exited during start')));
    });
    workers.push(worker);
    return worker;
  }
  cleanups.push(async () => {
    for (const w of workers) await stopChild(w);
  });

  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    spotify,
    pool,
    client,
    temporal,
    workers,
    crashes,
    startWorker,
    /** SIGKILL one worker (the oldest alive) and start a replacement; resolves when the new one polls. */
    async killWorker(): Promise<void> {
      const victim = workers.find((w) => w.exitCode === null && w.signalCode === null)!;
      victim.kill('SIGKILL');
      await new Promise((resolve) => victim.once('exit', resolve));
      workers.splice(workers.indexOf(victim), 1);
      await startWorker();
    },
    /** SIGKILL the API and start it again on the same port. */
    async killApi(downMs: number): Promise<void> {
      api.kill('SIGKILL');
      await new Promise((resolve) => api.once('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, downMs));
      api = watch('API', startProcess('api/main.ts', env));
      await waitForPort(apiPort, '127.0.0.1', 60_000);
    },
    /** Stops PostgreSQL (a fast shutdown: every connection is cut) and starts it again on the same data. */
    async restartPostgres(downMs: number): Promise<void> {
      await pg.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      pg = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort });
    },
    async close() {
      closing = true;
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    },
  };
}

export type ChaosStack = Awaited<ReturnType<typeof startChaosStack>>;
