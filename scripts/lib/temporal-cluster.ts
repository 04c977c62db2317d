// A Temporal cluster as production runs it, on this machine without Docker: the server built from source
// (scripts/lib/temporal-server.ts) on PostgreSQL, its schema set up by the script docker-compose.yml runs
// (deploy/setup-temporal-schema.sh), the same dynamic config, and the four services as separate processes that
// find each other through the membership table, each on its own loopback ports.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePortBetween, waitForPort } from './ports';
import { stopChild, waitUntilServing } from './temporal-dev-server';

const ROOT = path.resolve(__dirname, '..', '..');
const SETUP_SCRIPT = path.join(ROOT, 'deploy', 'setup-temporal-schema.sh');
const DYNAMIC_CONFIG = path.join(ROOT, 'deploy', 'temporal-dynamicconfig.yaml');

/** Started in this order: frontend last but one, so it answers once history and matching have joined. */
export const TEMPORAL_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

export interface TemporalClusterOptions {
  bins: { server: string; sqlTool: string; cli: string };
  /** `…/schema/postgresql/v12` of the server's version (resolveTemporalSchemaDir) */
  schemaDir: string;
  /** any database URL on the PostgreSQL server to use; its user must be allowed to create databases */
  postgresUrl: string;
  databases?: { temporal: string; visibility: string };
  /** where the generated config and each service's log go */
  dir: string;
  /** the frontend's gRPC port (free one if omitted); the other services take free ports */
  frontendPort?: number;
  /**
   * History shards, fixed when the databases are first set up and never changeable after. A handful is plenty on
   * one machine (every shard is a unit of history work with its own database writes); compose uses 512.
   */
  historyShards?: number;
  /** Temporal's connections per service process to its store (visibility gets half) */
  sqlMaxConns?: number;
  namespace?: string;
  namespaceRetention?: string;
  logLevel?: string;
  log?: (line: string) => void;
}

export interface ClusterServiceProcess {
  readonly process: ChildProcess;
  /** SIGTERM (or the signal given), SIGKILL after a grace period; resolves once it has exited */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** starts it again with the same config and ports */
  start(): Promise<void>;
  restart(signal?: NodeJS.Signals): Promise<void>;
}

export interface TemporalCluster {
  address: string;
  namespace: string;
  dir: string;
  services: Record<TemporalService, ClusterServiceProcess>;
  stop(): Promise<void>;
}

export async function startTemporalCluster(opts: TemporalClusterOptions): Promise<TemporalCluster> {
  const log = opts.log ?? (() => undefined);
  const pg = new URL(opts.postgresUrl);
  const databases = opts.databases ?? { temporal: 'temporal', visibility: 'temporal_visibility' };
  const namespace = opts.namespace ?? 'default';
  await mkdir(opts.dir, { recursive: true });
  // The password never lands in the config file: the server renders it from its environment (a templated config).
  const secretEnv = { ...process.env, TEMPORAL_SQL_PASSWORD: decodeURIComponent(pg.password) };

  await runSetupScript('schema', {
    ...secretEnv,
    SQL_TOOL: opts.bins.sqlTool,
    SCHEMA_DIR: opts.schemaDir,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: pg.hostname,
    SQL_PORT: pg.port || '5432',
    SQL_USER: decodeURIComponent(pg.username),
    SQL_PASSWORD: decodeURIComponent(pg.password),
    TEMPORAL_DB: databases.temporal,
    VISIBILITY_DB: databases.visibility,
    APP_DB: '', // dropday's own database is the caller's business
  });

  // Below the ephemeral range: the membership table stores ports as SMALLINT (at most 32767).
  const port = () => freePortBetween(20_000, 32_768);
  const frontendPort = opts.frontendPort ?? (await port());
  const ports = {
    frontend: { grpc: frontendPort, membership: await port() },
    history: { grpc: await port(), membership: await port() },
    matching: { grpc: await port(), membership: await port() },
    worker: { grpc: await port(), membership: await port() },
  };
  const configFile = path.join(opts.dir, 'temporal-server.yaml');
  await writeFile(
    configFile,
    serverConfig({
      pg,
      databases,
      ports,
      historyShards: opts.historyShards ?? 4,
      sqlMaxConns: opts.sqlMaxConns ?? 20,
      logLevel: opts.logLevel ?? 'warn',
    }),
    { mode: 0o600 },
  );

  const services = {} as Record<TemporalService, ClusterServiceProcess>;
  for (const service of TEMPORAL_SERVICES) {
    services[service] = serviceProcess(service, opts.bins.server, configFile, opts.dir, secretEnv, log);
  }
  const cluster: TemporalCluster = {
    address: `127.0.0.1:${frontendPort}`,
    namespace,
    dir: opts.dir,
    services,
    async stop() {
      for (const service of [...TEMPORAL_SERVICES].reverse()) await services[service].stop();
    },
  };
  try {
    // The first service writes the cluster's metadata on fresh databases; the others, started at the same moment,
    // race it and exit ("failed to initialize current cluster metadata"). So history first, serving, then the rest.
    await services.history.start();
    await waitForPort(ports.history.grpc, '127.0.0.1', 120_000);
    for (const service of TEMPORAL_SERVICES) await services[service].start();
    await waitUntilServing(cluster.address);
    await runSetupScript('namespace', {
      ...process.env,
      TEMPORAL_CLI: opts.bins.cli,
      TEMPORAL_ADDRESS: cluster.address,
      NAMESPACE: namespace,
      NAMESPACE_RETENTION: opts.namespaceRetention ?? '72h',
    });
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

interface ServerConfigInput {
  pg: URL;
  databases: { temporal: string; visibility: string };
  ports: Record<TemporalService, { grpc: number; membership: number }>;
  historyShards: number;
  sqlMaxConns: number;
  logLevel: string;
}

/** The server's config (v1.30 layout; cf. config/development-postgres12.yaml in the server's source). */
function serverConfig(c: ServerConfigInput): string {
  const store = (database: string, maxConns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${JSON.stringify(database)}
        connectAddr: ${JSON.stringify(`${c.pg.hostname}:${c.pg.port || 5432}`)}
        connectProtocol: tcp
        user: ${JSON.stringify(decodeURIComponent(c.pg.username))}
        password: {{ env "TEMPORAL_SQL_PASSWORD" | quote }}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: 1h`;
  const service = (name: TemporalService) => `
  ${name}:
    rpc:
      grpcPort: ${c.ports[name].grpc}
      membershipPort: ${c.ports[name].membership}
      bindOnIP: 127.0.0.1`;
  return `# enable-template (the password comes from the environment, see scripts/lib/temporal-cluster.ts)
# Generated by scripts/lib/temporal-cluster.ts; rewritten at every start.
log:
  stdout: true
  level: ${c.logLevel}

persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: ${c.historyShards}
  datastores:
    default:${store(c.databases.temporal, c.sqlMaxConns)}
    visibility:${store(c.databases.visibility, Math.max(2, Math.floor(c.sqlMaxConns / 2)))}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1

services:${TEMPORAL_SERVICES.map(service).join('')}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:${c.ports.frontend.grpc}

dcRedirectionPolicy:
  policy: noop

dynamicConfigClient:
  filepath: ${JSON.stringify(DYNAMIC_CONFIG)}
  pollInterval: 10s
`;
}

function serviceProcess(
  service: TemporalService,
  bin: string,
  configFile: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): ClusterServiceProcess {
  let child: ChildProcess | null = null;
  let crashes: number[] = [];
  let wanted = false; // between start() and stop(): what a crash restart checks
  const logFile = path.join(dir, `${service}.log`);
  const handle: ClusterServiceProcess = {
    get process() {
      if (!child) throw new Error(`Temporal ${service} was never started`);
      return child;
    },
    async start() {
      wanted = true;
      if (child && child.exitCode === null && child.signalCode === null) return;
      const out = createWriteStream(logFile, { flags: 'a' });
      await new Promise((resolve) => out.once('open', resolve));
      child = spawn(bin, ['--config-file', configFile, '--allow-no-auth', 'start', '--service', service], {
        env,
        stdio: ['ignore', out, out],
      });
      const started = child;
      started.once('exit', (code, signal) => {
        out.end();
        if (stopping.has(started)) return;
        // As compose's `restart: unless-stopped` would: a service that dies on its own comes back, unless it
        // keeps dying (then its log says why).
        crashes = crashes.filter((at) => Date.now() - at < 60_000).concat(Date.now());
        const again = crashes.length <= 3;
        void lastLines(logFile).then((tail) => {
          log(
            `Temporal ${service} exited (${signal ?? code}); ${again ? 'restarting it' : 'given up'}; ${logFile} ends:\n${tail}`,
          );
          if (again) setTimeout(() => void (wanted && handle.start()), 1_000);
        });
      });
    },
    async stop(signal = 'SIGTERM') {
      wanted = false;
      if (!child) return;
      const stopped = child;
      stopping.add(stopped);
      if (signal === 'SIGTERM') await stopChild(stopped);
      else if (stopped.exitCode === null && stopped.signalCode === null) {
        const exited = new Promise((resolve) => stopped.once('exit', resolve));
        stopped.kill(signal);
        await exited;
      }
    },
    async restart(signal) {
      await handle.stop(signal);
      await handle.start();
    },
  };
  return handle;
}
const stopping = new WeakSet<ChildProcess>();

async function lastLines(file: string, count = 5): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-count).join('\n').slice(-4_000);
}

function runSetupScript(step: 'schema' | 'namespace', env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [SETUP_SCRIPT, step], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    const collect = (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`setup-temporal-schema.sh ${step} failed (${code}):\n${output.slice(-30).join('\n')}`)),
    );
  });
}
