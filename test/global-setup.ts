// One PostgreSQL and one Temporal dev server for the whole jest run (DESIGN.md, Testing). Each test file then
// makes its own database and task queue. Connection details reach the test workers through the environment.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../scripts/lib/embedded-postgres';
import { freePort } from '../scripts/lib/ports';
import { resolveStripeMock, startStripeMock } from '../scripts/lib/stripe-mock';
import { resolveTemporalCli } from '../scripts/lib/temporal-cli';
import { startTemporalDevServer } from '../scripts/lib/temporal-dev-server';

export default async function globalSetup(): Promise<void> {
  const log = (m: string) => process.stderr.write(`[test setup] ${m}\n`);
  const [temporalBin, pgPort, temporalPort] = await Promise.all([resolveTemporalCli(log), freePort(), freePort()]);

  const stops: (() => Promise<void>)[] = [];
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
