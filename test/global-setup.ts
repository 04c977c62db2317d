// One PostgreSQL and one Temporal dev server for the whole jest run (DESIGN.md, Testing). Each test file then
// makes its own database and task queue. Connection details reach the test workers through the environment.
import { spawn } from 'node:child_process';
import { mkdtemp, open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../scripts/lib/embedded-postgres';
import { freePort } from '../scripts/lib/ports';
import { resolveStripeMock, startStripeMock } from '../scripts/lib/stripe-mock';
import { resolveTemporalCli } from '../scripts/lib/temporal-cli';
import { startTemporalDevServer } from '../scripts/lib/temporal-dev-server';

const ROOT = path.resolve(__dirname, '..');

export default async function globalSetup(globalConfig: { testPathPatterns?: unknown }): Promise<void> {
  const log = (m: string) => process.stderr.write(`[test setup] ${m}\n`);
  const [temporalBin, pgPort, temporalPort] = await Promise.all([resolveTemporalCli(log), freePort(), freePort()]);
  const stops: (() => Promise<void>)[] = [];
  if (runsClusterTests(globalConfig)) stops.push(await prebuildClusterTools(log));
  if (process.env.TEST_DATABASE_ADMIN_URL) {
    process.env.DROPDAY_TEST_PG_ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL;
  } else {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dropday-test-pg-'));
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port: pgPort });
    process.env.DROPDAY_TEST_PG_ADMIN_URL = pg.adminUrl;
    stops.push(pg.stop);
  }

  const temporal = await startTemporalDevServer({ bin: temporalBin, port: temporalPort });
  process.env.DROPDAY_TEST_TEMPORAL_ADDRESS = temporal.address;
  process.env.DROPDAY_TEST_TEMPORAL_CLI = temporalBin;
  stops.push(temporal.stop);

  // Stripe's own stripe-mock (stateless) for the billing tests.
  const stripeMock = await startStripeMock({ bin: await resolveStripeMock(log) });
  process.env.DROPDAY_TEST_STRIPE_URL = stripeMock.url;
  stops.push(stripeMock.stop);

  (globalThis as { __dropdayStops?: (() => Promise<void>)[] }).__dropdayStops = stops;
}

/** Whether this run includes the files that need the cluster: all files, or a pattern naming one of them. */
function runsClusterTests(globalConfig: { testPathPatterns?: unknown }): boolean {
  const given = globalConfig.testPathPatterns as { patterns?: string[] } | string[] | undefined;
  const patterns = (Array.isArray(given) ? given : given?.patterns) ?? [];
  return patterns.length === 0 || patterns.some((p) => /cluster|dev-stack/.test(p));
}

/**
 * On a fresh machine the cluster's tools (the Temporal server, its SQL tool, the Web UI server) take the longest Go
 * build of the run: it starts now, beside the other test files, and the cluster's files run last
 * (test/sequencer.cjs) and wait for it on the build lock. Stopped at teardown if still going (a partial run).
 */
async function prebuildClusterTools(log: (m: string) => void): Promise<() => Promise<void>> {
  const logFile = path.join(os.tmpdir(), `dropday-cluster-tools-${process.pid}.log`);
  const out = await open(logFile, 'w');
  const child = spawn(
    path.join(ROOT, 'node_modules', '.bin', 'tsx'),
    [path.join(ROOT, 'scripts', 'ensure-temporal-cluster-tools.ts')],
    { cwd: ROOT, stdio: ['ignore', out.fd, out.fd], detached: true },
  );
  child.unref();
  log(`resolving the Temporal cluster tools in the background (log: ${logFile})`);
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      log('the cluster tools build was still running: stopped (the next run starts it again)');
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await out.close();
  };
}
