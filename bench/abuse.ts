// bench:abuse — the route fuzzer's and the tenant matrix's inputs against a stack this script starts itself (API and
// worker as separate processes, real PostgreSQL and Temporal): requests tried, 5xx, rows changed, 429s.
//
//   npm run bench:abuse -- [--seed 13] [--concurrency 8]
//
// Prints a table and, as its last line, one JSON object with every figure.
import { insertAccount, insertApiKey } from '../db/accounts';
import { generateApiKey, hashApiKey } from '../lib/crypto/hash';
import {
  attackRequests,
  changedTables,
  closeAgent,
  countRows,
  operationsOf,
  send,
  type AttackRequest,
} from '../test/helpers/attack-inputs';
import { artistAccount, createCampaign } from '../test/helpers/release-stack';
import { forEachLimited, startBenchStack } from './lib/stack';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

interface Tally {
  tried: number;
  serverErrors: number;
  rateLimited: number;
  other: number;
}

async function main() {
  const seed = arg('seed', 13);
  const concurrency = arg('concurrency', 8);
  const stack = await startBenchStack({
    ceilingRps: 1000,
    maxRps: 900,
    // Webhook and callback secrets set, so those routes check signatures instead of answering 503.
    env: { STRIPE_WEBHOOK_SECRET: 'whsec_abuse0123456789', META_APP_ID: 'abuse-meta', META_APP_SECRET: 'abuse-secret' },
    log: (m) => process.stderr.write(`[bench] ${m}\n`),
  });
  try {
    await stack.startWorker();
    const target = { api: { url: stack.apiUrl } };
    const ops = generateApiKey('ops');
    await stack.pool.transaction(async (tx) => {
      const account = await insertAccount(tx, { name: 'ops', email: 'ops@example.com' });
      await insertApiKey(tx, { accountId: account.id, role: 'ops', keyHash: hashApiKey(ops) });
    });
    const attacker = await artistAccount(target);
    const victim = await artistAccount(target);
    const campaign = await createCampaign(target, victim, 'Victim Release');
    const doc = await (await fetch(`${stack.apiUrl}/openapi.json`)).json();

    const run = async (requests: AttackRequest[], ok: (status: number) => boolean) => {
      const tally: Tally = { tried: 0, serverErrors: 0, rateLimited: 0, other: 0 };
      const before = await countRows(stack.pool);
      const started = Date.now();
      await forEachLimited(requests, concurrency, async (req) => {
        const answer = await send(stack.apiUrl, req).catch(() => ({ status: 0 }));
        tally.tried++;
        if (answer.status >= 500 || answer.status === 0) {
          if (tally.serverErrors++ < 5) process.stderr.write(`5xx: ${req.op} [${req.kind}] → ${answer.status}\n`);
        } else if (answer.status === 429) tally.rateLimited++;
        else if (!ok(answer.status)) tally.other++;
      });
      await new Promise((r) => setTimeout(r, 1_500)); // buffered writes
      // The limiter's own counters (request_rate_limits) are what a refused request is allowed to write.
      const changed = changedTables(before, await countRows(stack.pool)).filter(
        (c) => !c.startsWith('request_rate_limits:'),
      );
      return { ...tally, rowsChanged: changed.length, changed, seconds: (Date.now() - started) / 1000 };
    };

    // The fuzzer: every documented route, malformed inputs; anything below 500 that changes no row is fine.
    const fuzz = await run(
      attackRequests(doc, {
        seed,
        keys: { artist: attacker.apiKey, ops },
        foreignIds: [victim.artistId, campaign.id],
      }),
      (s) => s < 500,
    );
    // The matrix: the attacker's valid key on every id-taking artist route with the victim's ids: 404 only.
    const matrix = operationsOf(doc)
      .filter((op) => op.role === 'artist' && op.params.length > 0 && !op.params.includes('provider'))
      .map((op): AttackRequest => ({
        op: `${op.method} ${op.path}`,
        kind: 'tenant matrix',
        method: op.method,
        path: op.path.replace(/\{(\w+)\}/g, (_, p: string) =>
          p === 'id' && op.path.startsWith('/v1/artists') ? victim.artistId : campaign.id,
        ),
        headers: {
          authorization: `Bearer ${attacker.apiKey}`,
          ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { 'content-type': 'application/json' }),
        },
        body: op.method === 'GET' || op.method === 'DELETE' ? undefined : Buffer.from('{}'),
      }));
    const tenant = await run(matrix, (s) => s === 404 || s === 400);

    const rows = [
      ['', 'requests', '5xx', 'rows changed', '429', 'unexpected', 'seconds'],
      ['route fuzzer', fuzz.tried, fuzz.serverErrors, fuzz.rowsChanged, fuzz.rateLimited, fuzz.other, fuzz.seconds],
      [
        'tenant matrix',
        tenant.tried,
        tenant.serverErrors,
        tenant.rowsChanged,
        tenant.rateLimited,
        tenant.other,
        tenant.seconds,
      ],
    ];
    for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(i === 0 ? 15 : 13)).join(''));
    for (const c of [...fuzz.changed, ...tenant.changed]) console.log(`  changed: ${c}`);
    console.log(
      JSON.stringify({
        seed,
        routes: operationsOf(doc).length,
        fuzz: { ...fuzz, changed: undefined },
        matrix: { ...tenant, changed: undefined },
      }),
    );
  } finally {
    closeAgent();
    await stack.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
