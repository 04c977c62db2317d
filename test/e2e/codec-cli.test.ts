// The codec endpoint as Temporal's own tools speak it: the README's operator commands, run with the real `temporal`
// CLI against a real release workflow, and the remote codec protocol as the CLI's Go client writes it (protojson
// leaves out empty fields: no `payloads` for an empty list, no `metadata` or `data` when empty).
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { insertAccount, insertApiKey } from '../../db/accounts';
import { generateApiKey, hashApiKey } from '../../lib/crypto/hash';
import { artistAccount, createCampaign, http, useReleaseStack, waitFor } from '../helpers/release-stack';

const run = promisify(execFile);

const stack = useReleaseStack();
let opsKey: string;
beforeAll(async () => {
  opsKey = generateApiKey('ops');
  await stack.db.pool.transaction(async (tx) => {
    const account = await insertAccount(tx, { name: 'ops', email: 'ops@example.com' });
    await insertApiKey(tx, { accountId: account.id, role: 'ops', keyHash: hashApiKey(opsKey) });
  });
});

/** The `temporal` CLI the test setup resolved, against the run's dev server; async, as the API serves in-process. */
async function temporalCli(args: string[]): Promise<string> {
  const bin = process.env.DROPDAY_TEST_TEMPORAL_CLI;
  const address = process.env.DROPDAY_TEST_TEMPORAL_ADDRESS;
  if (!bin || !address) throw new Error('DROPDAY_TEST_TEMPORAL_CLI / _ADDRESS are not set: run the tests through jest');
  try {
    const { stdout } = await run(bin, [...args, '--address', address, '--namespace', 'default'], { timeout: 30_000 });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`temporal ${args.slice(0, 2).join(' ')} failed: ${stderr || stdout || String(error)}`);
  }
}

const codecFlags = () => ['--codec-endpoint', `${stack.api.url}/codec`, '--codec-auth', `Bearer ${opsKey}`];

describe("the README's operator commands through the codec endpoint", () => {
  let campaignId: string;
  beforeAll(async () => {
    const artist = await artistAccount(stack);
    campaignId = (await createCampaign(stack, artist, 'Codec Watch')).id;
    // A query needs the workflow's first task done (it answers from the worker's state).
    await waitFor(
      "the release engine's first task",
      () =>
        http.get(`${stack.api.url}/v1/ops/workflows/release:${campaignId}`, {
          headers: { authorization: `Bearer ${opsKey}` },
        }),
      (r) => r.data.progress?.phase === 'scheduled',
      30_000,
    );
  });

  it('temporal workflow show --detailed shows the workflow input decoded', async () => {
    const show = ['workflow', 'show', '--workflow-id', `release:${campaignId}`, '--detailed'];
    expect(await temporalCli([...show, ...codecFlags()])).toContain(`input[0].campaignId: ${campaignId}`);
    // Without the codec the same command sees only ciphertext.
    expect(await temporalCli(show)).not.toContain(`input[0].campaignId: ${campaignId}`);
  });

  it('temporal workflow query --type progress prints the progress (its empty arguments are encoded first)', async () => {
    const out = await temporalCli([
      'workflow',
      'query',
      '--workflow-id',
      `release:${campaignId}`,
      '--type',
      'progress',
      ...codecFlags(),
    ]);
    expect(out).toMatch(/"phase":\s*"scheduled"/);
  });
});

describe('the remote codec protocol', () => {
  const post = (direction: 'encode' | 'decode', body: unknown, headers: Record<string, string> = {}) =>
    http.post(`${stack.api.url}/codec/${direction}`, body, {
      headers: { authorization: `Bearer ${opsKey}`, ...headers },
    });

  it('reads what protojson leaves out: no payloads, no metadata, no data; X-Namespace is accepted', async () => {
    for (const direction of ['encode', 'decode'] as const) {
      expect((await post(direction, {}, { 'x-namespace': '' })).data).toEqual({ payloads: [] });
      expect((await post(direction, { payloads: null }, { 'x-namespace': 'default' })).data).toEqual({ payloads: [] });
    }
    const plain = [
      {},
      { metadata: { encoding: Buffer.from('binary/null').toString('base64') } },
      { data: Buffer.from('"x"').toString('base64') },
    ];
    const encoded = await post('encode', { payloads: plain });
    expect(encoded.status).toBe(200);
    expect(encoded.data.payloads).toHaveLength(3);
    const decoded = await post('decode', encoded.data);
    expect(decoded.data.payloads).toEqual([
      { metadata: {} },
      { metadata: plain[1].metadata },
      { metadata: {}, data: plain[2].data },
    ]);
  });

  it('still refuses what is not a payload list', async () => {
    expect((await post('decode', { payloads: [{ data: 'not base64!' }] })).status).toBe(400);
    expect((await post('decode', { payloads: {} })).status).toBe(400);
    expect((await post('decode', '{"payloads":', { 'content-type': 'application/json' })).status).toBe(400);
  });
});

describe('codec auth comes before the body is read', () => {
  it('refuses a request without credentials with 401, even with a malformed body', async () => {
    const res = await http.post(`${stack.api.url}/codec/decode`, '{"payloads":', {
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
  });

  it('answers an unauthenticated 4 MB POST with 401 before the client has finished sending it', async () => {
    const size = 4 * 1024 * 1024;
    const url = new URL(`${stack.api.url}/codec/decode`);
    const { status, sentWhenAnswered } = await new Promise<{ status: number; sentWhenAnswered: number }>(
      (resolve, reject) => {
        let sent = 0;
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-length': size },
          },
          (res) => {
            resolve({ status: res.statusCode ?? 0, sentWhenAnswered: sent });
            res.resume();
            req.destroy();
          },
        );
        req.on('error', reject);
        // The first 64 KB only, then silence: a server that waits for the whole body never answers.
        const chunk = `{"payloads":[${'1,'.repeat(32 * 1024 - 8)}`;
        sent += chunk.length;
        req.write(chunk);
        setTimeout(() => {
          resolve({ status: 0, sentWhenAnswered: sent });
          req.destroy();
        }, 5_000);
      },
    );
    expect(status).toBe(401);
    expect(sentWhenAnswered).toBeLessThan(size);
  });
});
