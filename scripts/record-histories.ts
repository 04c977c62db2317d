// `npm run record:histories`: runs real release scenarios on a throw-away stack (embedded PostgreSQL, Temporal
// dev server, Spotify simulator) and writes their workflow histories to test/histories/, where the replay test
// checks that today's workflow code still replays them (a change that breaks determinism fails CI).
// Payloads are encrypted with the fixture key in test/histories/fixture-keys.txt (a test-only key).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { releaseWorkflowId } from '../api/release-engine';
import { sql } from '../db/pool';
import { keyRotationWorkflow } from '../workflows/key-rotation';
import { startGeminiSimulator } from '../simulators/gemini';
import { recordAdCopyScenario } from './lib/record-ad-copy';
import * as h from '../test/helpers/release-stack';
import { startEmbeddedPostgres } from './lib/embedded-postgres';
import { freePort } from './lib/ports';
import { resolveTemporalCli } from './lib/temporal-cli';
import { startTemporalDevServer } from './lib/temporal-dev-server';

const HISTORIES = path.resolve(__dirname, '..', 'test', 'histories');

async function main() {
  const bin = await resolveTemporalCli();
  const pg = await startEmbeddedPostgres({ dataDir: path.join(await mkdtemp(path.join(os.tmpdir(), 'dropday-rec-')), 'pg'), port: await freePort() });
  const temporal = await startTemporalDevServer({ bin, port: await freePort() });
  process.env.DROPDAY_TEST_PG_ADMIN_URL = pg.adminUrl;
  process.env.DROPDAY_TEST_TEMPORAL_ADDRESS = temporal.address;
  const keys = (await readFile(path.join(HISTORIES, 'fixture-keys.txt'), 'utf8')).trim();
  const gemini = await startGeminiSimulator({ apiKeys: ['record-key'] });
  const stack = await h.startReleaseStack({ env: { ENCRYPTION_KEYS: keys, GEMINI_API_KEY: 'record-key', GEMINI_API_URL: gemini.url } });
  try {
    const { headers, artistId } = await h.artistAccount(stack);
    const upc = h.nextUpc();
    const release = h.releaseInSeconds(8);
    h.addRelease(stack, upc, release.at + 1_500); // goes live a little late: exercises the live checks
    const campaign = await h.http.post(`${stack.api.url}/v1/campaigns`, {
      artistId, title: 'Recorded', upc, releaseDate: release.releaseDate, releaseTime: release.releaseTime, releasePolicy: 'global', timeZone: 'UTC',
    }, { headers });
    for (const user of ['rec-a', 'rec-b', 'rec-c', 'rec-d']) await h.fanPresaves(stack, campaign.data.slug, { user });
    stack.spotify.state.revokeUser('rec-d');
    stack.spotify.state.injectFault({ kind: 'quota', count: 1, retryAfterSeconds: 2, path: '/v1/me/library' });
    stack.spotify.state.injectFault({ kind: '429', count: 2, retryAfterSeconds: 1, path: '/v1/me/library' });
    const handle = stack.temporal.client.workflow.getHandle(releaseWorkflowId(campaign.data.id));
    console.log('waiting for the release workflow to complete…');
    await handle.result();
    await save(bin, temporal.address, releaseWorkflowId(campaign.data.id), 'release-with-faults.json');
    const accountId = await stack.db.pool.oneFirst(sql.type(z.object({ id: z.string() }))`SELECT id FROM accounts LIMIT 1`);
    await save(bin, temporal.address, `account-welcome:${accountId}`, 'account-welcome.json');
    // rec-d revoked: its retention workflow deleted the tokens and now sleeps (an open history replays too).
    const revokedFan = await stack.db.pool.oneFirst(sql.type(z.object({ id: z.string() }))`
      SELECT id FROM fans WHERE provider_user_id = ${stack.spotify.state.getUser('rec-d')!.accountId}`);
    await save(bin, temporal.address, `fan-retention:${revokedFan}`, 'fan-retention.json');
    const rotation = await stack.temporal.client.workflow.execute(keyRotationWorkflow, {
      workflowId: 'key-rotation:fixture', taskQueue: stack.config.TEMPORAL_TASK_QUEUE, args: [{ keyId: stack.keyRing.activeKeyId, batchSize: 2 }],
    });
    console.log(`key rotation: ${JSON.stringify(rotation)}`);
    await save(bin, temporal.address, 'key-rotation:fixture', 'key-rotation.json');
    await save(bin, temporal.address, await recordAdCopyScenario(stack, gemini), 'ad-copy.json');
  } finally {
    await stack.close();
    await gemini.close();
    await temporal.stop();
    await pg.stop();
  }
}

async function save(bin: string, address: string, workflowId: string, file: string) {
  const { stdout } = await promisify(execFile)(bin, ['workflow', 'show', '--address', address, '--workflow-id', workflowId, '--output', 'json'], { maxBuffer: 64 * 1024 * 1024 });
  await writeFile(path.join(HISTORIES, file), stdout);
  console.log(`wrote test/histories/${file}`);
}

// The helpers read these at call time (set in main before the stack starts).
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
