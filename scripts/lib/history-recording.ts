// What the history recorders (scripts/record-histories.ts, scripts/record-billing-histories.ts) share: a throw-away
// PostgreSQL and Temporal dev server that the test helpers' stack starts against, and writing a workflow's history.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedPostgres } from './embedded-postgres';
import { freePort } from './ports';
import { resolveTemporalCli } from './temporal-cli';
import { startTemporalDevServer } from './temporal-dev-server';

export const HISTORIES = path.resolve(__dirname, '..', '..', 'test', 'histories');

/** The servers, announced through the variables the test helpers read, and the test-only fixture keys. */
export async function startRecordingServers() {
  const bin = await resolveTemporalCli();
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(await mkdtemp(path.join(os.tmpdir(), 'dropday-rec-')), 'pg'),
    port: await freePort(),
  });
  const temporal = await startTemporalDevServer({ bin, port: await freePort() });
  process.env.DROPDAY_TEST_PG_ADMIN_URL = pg.adminUrl;
  process.env.DROPDAY_TEST_TEMPORAL_ADDRESS = temporal.address;
  const keys = (await readFile(path.join(HISTORIES, 'fixture-keys.txt'), 'utf8')).trim();
  return { bin, pg, temporal, keys };
}

/** Writes one workflow's history, as `temporal workflow show` prints it, to test/histories/`file`. */
export async function saveHistory(bin: string, address: string, workflowId: string, file: string) {
  const { stdout } = await promisify(execFile)(
    bin,
    ['workflow', 'show', '--address', address, '--workflow-id', workflowId, '--output', 'json'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  await writeFile(path.join(HISTORIES, file), stdout);
  console.log(`wrote test/histories/${file}`);
}
