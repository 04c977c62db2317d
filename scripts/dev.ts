// `npm run dev`: the whole stack on one machine with embedded defaults. PostgreSQL (embedded unless DATABASE_URL),
// the Temporal dev server with its Web UI (unless TEMPORAL_ADDRESS), migrations, provider simulators for every
// provider without credentials, the worker and the API. Ctrl-C stops it all; the next run reuses DATA_DIR.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../lib/config';
import { migrate } from '../db/migrate';
import { createDatabasePool } from '../db/pool';
import { startGeminiSimulator } from '../simulators/gemini';
import { DEMO_LOGIN, describeDemo, printDemoReminder, seedDemoCampaign } from './lib/demo';
import { type DemoInbox } from './lib/demo-fans';
import { sandboxMailTo } from '../db/sandbox-mailbox';
import { keyRingFrom } from '../lib/runtime';
import { deliverOutboxNow } from '../lib/starters/schedules';
import { connectTemporalClient } from '../lib/temporal/client';
import { loadOrCreateDevSecrets } from './lib/dev-secrets';
import { ensureDatabase, startEmbeddedPostgres } from './lib/embedded-postgres';
import { ensureDevOpsKey } from './lib/ops-key';
import { SANDBOXES, type SandboxName } from './lib/sandboxes';
import { isPortFree, waitForPort } from './lib/ports';
import { resolveStripeMock, SANDBOX_WEBHOOK_SECRET, startStripeMock } from './lib/stripe-mock';
import { resolveTemporalCli } from './lib/temporal-cli';
import { startTemporalCluster } from './lib/temporal-cluster';
import { startTemporalDevServer, stopChild } from './lib/temporal-dev-server';
import { resolveTemporalClusterTools, resolveTemporalUiServer } from './lib/temporal-server';
import { startTemporalUi } from './lib/temporal-ui';

const ROOT = path.resolve(__dirname, '..');
const log = (m: string) => console.log(`[dev] ${m}`);
const cleanups: (() => Promise<void>)[] = [];
/** Steps that need the API listening (a simulator's webhook registration calls it back). */
const afterStart: (() => Promise<void>)[] = [];

async function main() {
  if (existsSync(path.join(ROOT, '.env'))) process.loadEnvFile(path.join(ROOT, '.env'));
  const env: Record<string, string | undefined> = { ...process.env };
  env.DATA_DIR = path.resolve(ROOT, env.DATA_DIR || '.data');
  await mkdir(env.DATA_DIR, { recursive: true });
  const secrets = await loadOrCreateDevSecrets(env.DATA_DIR);
  env.ENCRYPTION_KEYS ||= secrets.ENCRYPTION_KEYS;
  env.STATE_SIGNING_SECRET ||= secrets.STATE_SIGNING_SECRET;
  env.PORT ||= '3000';
  // Loopback only: the dev stack runs with sandbox secrets anyone can read (the Stripe webhook secret is in this
  // repository), so nothing on the network may reach it. LISTEN_HOST=0.0.0.0 opens it on purpose.
  env.LISTEN_HOST ||= '127.0.0.1';
  env.WORKER_METRICS_ADDRESS ??= '127.0.0.1:9464';
  env.PUBLIC_URL ||= `http://127.0.0.1:${env.PORT}`;
  if (!(await isPortFree(Number(env.PORT)))) throw new Error(`port ${env.PORT} is taken: set PORT to another one`);

  // PostgreSQL
  if (!env.DATABASE_URL) {
    const port = Number(env.EMBEDDED_POSTGRES_PORT || 54329);
    log(`starting embedded PostgreSQL on 127.0.0.1:${port} (data in ${path.join(env.DATA_DIR, 'postgres')})`);
    const pg = await startEmbeddedPostgres({ dataDir: path.join(env.DATA_DIR, 'postgres'), port });
    cleanups.push(pg.stop);
    await ensureDatabase(pg.adminUrl, 'dropday');
    env.DATABASE_URL = pg.databaseUrl('dropday');
  }

  // Temporal: the CLI's dev server, with its state in a SQLite file so scheduled releases survive restarts; or, with
  // TEMPORAL_MODE=cluster, the production topology (scripts/lib/temporal-cluster.ts) on the same PostgreSQL.
  let temporalUi = env.TEMPORAL_UI_URL;
  const temporalMode = env.TEMPORAL_MODE || 'dev-server';
  if (temporalMode !== 'dev-server' && temporalMode !== 'cluster')
    throw new Error(`TEMPORAL_MODE=${temporalMode}: use dev-server (the default) or cluster`);
  if (!env.TEMPORAL_ADDRESS && temporalMode === 'cluster') {
    const cluster = await startTemporalCluster({
      ...(await resolveTemporalClusterTools(log)),
      postgresUrl: env.DATABASE_URL,
      dir: path.join(env.DATA_DIR, 'temporal-cluster'),
      frontendPort: Number(env.TEMPORAL_PORT || 7233),
      historyShards: Number(env.TEMPORAL_HISTORY_SHARDS || 4),
      log,
    });
    cleanups.push(cluster.stop);
    for (const service of Object.values(cluster.services)) children.add(service.process);
    env.TEMPORAL_ADDRESS = cluster.address;
    log(`Temporal cluster: ${Object.keys(cluster.services).join(', ')} as separate processes (logs in ${cluster.dir})`);
    // Its Web UI as production runs it: a process of its own, decoding through our codec endpoint.
    const ui = await startTemporalUi({
      bin: await resolveTemporalUiServer(log),
      temporalAddress: cluster.address,
      port: Number(env.TEMPORAL_UI_PORT || 8233),
      codecEndpoint: `${env.PUBLIC_URL}/codec`,
      dir: cluster.dir,
    });
    cleanups.push(ui.stop);
    children.add(ui.process);
    temporalUi = ui.url;
  } else if (!env.TEMPORAL_ADDRESS) {
    const uiPort = Number(env.TEMPORAL_UI_PORT || 8233);
    const bin = await resolveTemporalCli(log);
    log(`starting the Temporal dev server (state in ${path.join(env.DATA_DIR, 'temporal.sqlite')})`);
    const server = await startTemporalDevServer({
      bin,
      port: Number(env.TEMPORAL_PORT || 7233),
      uiPort,
      dbFile: path.join(env.DATA_DIR, 'temporal.sqlite'),
      codecEndpoint: `${env.PUBLIC_URL}/codec`,
    });
    cleanups.push(server.stop);
    children.add(server.process);
    env.TEMPORAL_ADDRESS = server.address;
    temporalUi = server.uiUrl;
  }
  // None of ours when TEMPORAL_ADDRESS names a server: then only if TEMPORAL_UI_URL names its UI.
  const hasTemporalUi = Boolean(temporalUi);
  // The UI calls the codec endpoint from the browser, with the ops session cookie: its origin must be allowed.
  if (temporalUi) env.CODEC_CORS_ORIGINS ||= [temporalUi, temporalUi.replace('127.0.0.1', 'localhost')].join(',');
  env.TEMPORAL_UI_URL = temporalUi || 'http://127.0.0.1:8233';

  // Providers without credentials run against loopback simulators ("sandbox mode"), one row each in SANDBOXES.
  const sandboxed: string[] = [];
  const sandboxUrls: Partial<Record<SandboxName, string>> = {};
  for (const sandbox of SANDBOXES) {
    if (env[sandbox.credential]) continue;
    const started = await sandbox.start(Number(env[sandbox.portVariable] || sandbox.port));
    cleanups.push(started.sim.close);
    Object.assign(env, started.env);
    for (const [name, value] of Object.entries(started.defaults ?? {})) env[name] ||= value;
    sandboxUrls[sandbox.name] = started.sim.url;
    sandboxed.push(`${sandbox.what} → ${started.sim.url}`);
  }
  const simulatorUrl = sandboxUrls.spotify ?? null;
  const instagramUrl = sandboxUrls.instagram;
  if (instagramUrl) {
    // Deliveries go to this stack's webhook endpoint (the simulator makes Meta's verification call first).
    afterStart.push(() =>
      fetch(`${instagramUrl}/__control/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          callbackUrl: `${env.PUBLIC_URL}/webhooks/instagram`,
          verifyToken: env.INSTAGRAM_WEBHOOK_VERIFY_TOKEN,
        }),
      }).then(() => undefined),
    );
  }

  // Ad copy: Gemini with a key; without one the deterministic template writer (no model at all), or, with
  // GEMINI_SANDBOX=1, the Gemini simulator behind a sandbox key so the model path can be tried locally.
  let adCopyWriter = 'gemini';
  if (!env.GEMINI_API_KEY && env.GEMINI_SANDBOX === '1') {
    const sim = await startGeminiSimulator({
      apiKeys: ['dropday-sandbox-gemini'],
      port: Number(env.GEMINI_SIMULATOR_PORT || 4013),
    });
    cleanups.push(sim.close);
    env.GEMINI_API_KEY = 'dropday-sandbox-gemini';
    env.GEMINI_API_URL = sim.url;
    sandboxed.push(`gemini → ${sim.url}`);
    adCopyWriter = `gemini simulator (${sim.url})`;
  } else if (!env.GEMINI_API_KEY) {
    adCopyWriter = 'template writer (no GEMINI_API_KEY)';
  }
  log(`ad copy: ${adCopyWriter}`);
  if (!env.STRIPE_SECRET_KEY) {
    // Stripe's own stripe-mock: checkout and portal links work, nothing is charged, no webhook is sent.
    const mock = await startStripeMock({
      bin: await resolveStripeMock(log),
      port: Number(env.STRIPE_MOCK_PORT || 12111),
    });
    cleanups.push(mock.stop);
    children.add(mock.process);
    env.STRIPE_SECRET_KEY = 'sk_test_sandbox';
    env.STRIPE_API_URL = mock.url;
    env.STRIPE_WEBHOOK_SECRET ||= SANDBOX_WEBHOOK_SECRET;
    sandboxed.push(`stripe → ${mock.url} (stripe-mock)`);
  }

  const config = loadConfig(env);
  await migrate(config.DATABASE_URL!, log);
  const pool = await createDatabasePool(config.DATABASE_URL!, { maximumPoolSize: 2 });
  const opsKeyFile = await ensureDevOpsKey(pool, config.DATA_DIR);
  cleanups.push(() => pool.end());

  const worker = startChild('worker', 'workers/main.ts', env);
  const api = startChild('api', 'api/main.ts', env);
  cleanups.push(
    () => stopChild(api),
    () => stopChild(worker),
  );
  await waitForPort(config.PORT, '127.0.0.1', 60_000);
  for (const step of afterStart) await step().catch((e: unknown) => log(`sandbox set-up failed: ${String(e)}`));

  console.log(`
  dropday is running
    API            ${config.PUBLIC_URL}   (readiness: ${config.PUBLIC_URL}/readyz, docs: ${config.PUBLIC_URL}/docs)
    Artist app     ${config.PUBLIC_URL}/app   (${simulatorUrl ? `demo login ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}, or sign up` : 'sign up there'})
    Worker metrics ${config.WORKER_METRICS_ADDRESS ? `http://${config.WORKER_METRICS_ADDRESS}/metrics` : 'off'}
    Temporal UI    ${hasTemporalUi ? `${config.TEMPORAL_UI_URL}   (payloads decode once an ops user signs in at ${config.PUBLIC_URL}/ops/login)` : 'none: the temporal CLI with --codec-endpoint (README)'}
    Temporal       ${config.TEMPORAL_ADDRESS} (namespace ${config.TEMPORAL_NAMESPACE})
    PostgreSQL     ${redactUrl(config.DATABASE_URL!)}
    Ad copy        ${adCopyWriter}
    Sandbox mode   ${sandboxed.length ? sandboxed.join(', ') : 'none: every provider uses real credentials'}
    Ops API key    in ${opsKeyFile}
  Ctrl-C stops everything; data stays in ${config.DATA_DIR}.
`);
  if (simulatorUrl) {
    // The demo's reminder fan reads the sandbox mailbox as its owner would; the outbox is delivered on demand.
    const keyRing = keyRingFrom(config);
    const temporal = await connectTemporalClient({
      address: config.TEMPORAL_ADDRESS,
      namespace: config.TEMPORAL_NAMESPACE,
      keyRing,
    });
    cleanups.push(() => temporal.connection.close());
    const inbox: DemoInbox = {
      mailTo: (address) => sandboxMailTo(pool, keyRing, address),
      // The worker creates the Schedule as it starts: until then, the next try.
      deliverOutbox: () => deliverOutboxNow(temporal).catch(() => undefined),
    };
    // A demo release five minutes out, so a newcomer can watch one happen (npm run demo makes more).
    const demo = await seedDemoCampaign({
      apiUrl: config.PUBLIC_URL,
      simulatorUrl,
      appleMusicUrl: sandboxUrls.apple_music,
      reminders: sandboxUrls.twilio && !config.SMTP_URL ? { twilioUrl: sandboxUrls.twilio, inbox } : undefined,
      temporalUiUrl: hasTemporalUi ? config.TEMPORAL_UI_URL : undefined,
      temporalAddress: config.TEMPORAL_ADDRESS,
      dataDir: config.DATA_DIR,
      databaseUrl: config.DATABASE_URL,
      inSeconds: 300,
    }).catch((error: unknown) => log(`demo campaign not seeded: ${String(error)}`));
    if (demo) {
      console.log(describeDemo(demo));
      void printDemoReminder(demo, inbox, log).catch((error: unknown) => log(`demo reminder: ${String(error)}`));
    }
  }
}

// Whatever happens to this process, its children do not outlive it.
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function startChild(name: string, script: string, env: Record<string, string | undefined>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.add(child);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping the stack`);
      void shutdown(1);
    }
  });
  return child;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  for (const cleanup of cleanups.reverse()) await cleanup().catch((e: unknown) => log(`cleanup failed: ${String(e)}`));
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

main().catch(async (error: unknown) => {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
});
