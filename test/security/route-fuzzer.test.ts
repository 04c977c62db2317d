// The route fuzzer, as an attacker with a valid key and a bag of malformed inputs: every route and method that
// GET /openapi.json documents gets at least 20 malformed requests (wrong types, missing and extra fields, huge and
// empty strings, NUL and invalid UTF-8 as raw bytes in bodies and percent-encoded in paths and queries, deep
// nesting, negative and huge numbers, invalid zones and dates, foreign and random ids, wrong credentials),
// generated from a seed. None may answer 5xx, and none may change a row of any table.
import { insertAccount, insertApiKey } from '../../db/accounts';
import { generateApiKey, hashApiKey } from '../../lib/crypto/hash';
import {
  attackRequests,
  changedTables,
  closeAgent,
  countRows,
  operationsOf,
  send,
  type AttackRequest,
} from '../helpers/attack-inputs';
import { artistAccount, createCampaign, http, startReleaseStack, type ReleaseStack } from '../helpers/release-stack';

const SEED = 13;
let stack: ReleaseStack;
let keys: { artist: string; ops: string };
let foreignIds: string[];
beforeAll(async () => {
  // Webhook and callback secrets set, so their routes check signatures instead of answering 503.
  stack = await startReleaseStack({
    startWorker: false,
    env: {
      STRIPE_WEBHOOK_SECRET: 'whsec_fuzz0123456789',
      META_APP_ID: 'fuzz-meta',
      META_APP_SECRET: 'fuzz-meta-secret',
      INSTAGRAM_APP_ID: 'fuzz-instagram',
      INSTAGRAM_APP_SECRET: 'fuzz-instagram-secret',
      INSTAGRAM_WEBHOOK_VERIFY_TOKEN: 'fuzz-instagram-verify-token',
    },
  });
  const ops = generateApiKey('ops');
  await stack.db.pool.transaction(async (tx) => {
    const account = await insertAccount(tx, { name: 'ops', email: 'ops@example.com' });
    await insertApiKey(tx, { accountId: account.id, role: 'ops', keyHash: hashApiKey(ops) });
  });
  const attacker = await artistAccount(stack);
  // Another tenant's real ids: the attacker tries them everywhere an id goes.
  const victim = await artistAccount(stack);
  const campaign = await createCampaign(stack, victim, 'Victim Release');
  keys = { artist: attacker.apiKey, ops };
  foreignIds = [victim.artistId, campaign.id];
});
afterAll(async () => {
  closeAgent();
  await stack?.close();
});

async function forEachLimited<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

describe('route fuzzer', () => {
  it('answers every malformed request of every documented route with a 4xx and changes no row', async () => {
    const doc = (await http.get(`${stack.api.url}/openapi.json`)).data;
    const requests = attackRequests(doc, { seed: SEED, keys, foreignIds });
    // The same seed gives the same requests.
    expect(attackRequests(doc, { seed: SEED, keys, foreignIds }).map((r) => r.path)).toEqual(
      requests.map((r) => r.path),
    );
    const byOp = new Map<string, AttackRequest[]>();
    for (const r of requests) byOp.set(r.op, [...(byOp.get(r.op) ?? []), r]);
    expect(byOp.size).toBe(operationsOf(doc).length);
    for (const [op, list] of byOp) expect([op, list.length >= 20]).toEqual([op, true]);
    expect(requests.length).toBeGreaterThanOrEqual(1_000);

    const serverErrors: string[] = [];
    const acceptedWrites: string[] = [];
    const rowChanges: string[] = [];
    const start = await countRows(stack.db.pool);
    for (const [op, list] of byOp) {
      const before = await countRows(stack.db.pool);
      await forEachLimited(list, 6, async (req) => {
        const answer = await send(stack.api.url, req).catch((e: Error) => ({ status: 0, body: e.message }));
        const what = `${op} [${req.kind}] ${req.path.slice(0, 120)} → ${answer.status} ${answer.body.slice(0, 160)}`;
        if (answer.status >= 500 || answer.status === 0) serverErrors.push(what);
        else if (req.method !== 'GET' && answer.status < 300 && !op.startsWith('POST /app/logout'))
          acceptedWrites.push(what);
      });
      const changed = changedTables(before, await countRows(stack.db.pool));
      if (changed.length) rowChanges.push(`${op}: ${changed.join(', ')}`);
    }
    // Buffered writes (page views, clicks) land a moment later.
    await new Promise((r) => setTimeout(r, 1_500));
    const overall = changedTables(start, await countRows(stack.db.pool));

    // The keys the fuzzer held are still good (no malformed request revoked or deleted anything).
    const artistStill = await http.get(`${stack.api.url}/v1/artists`, {
      headers: { authorization: `Bearer ${keys.artist}` },
    });
    const opsStill = await http.get(`${stack.api.url}/v1/ops/alerts`, {
      headers: { authorization: `Bearer ${keys.ops}` },
    });
    expect([artistStill.status, opsStill.status]).toEqual([200, 200]);
    expect({ serverErrors, acceptedWrites, rowChanges, overall }).toEqual({
      serverErrors: [],
      acceptedWrites: [],
      rowChanges: [],
      overall: [],
    });
  });
});
