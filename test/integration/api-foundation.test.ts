// The API skeleton end to end: real PostgreSQL, real Temporal dev server, the real worker.
import axios, { type AxiosRequestConfig } from 'axios';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { createLogger } from '../../lib/logger';
import { testConfig } from '../helpers/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startTestApi, type TestApi } from '../helpers/app';
import { connectTestTemporal, type TestTemporal } from '../helpers/temporal';
import { insertAccount, insertApiKey } from '../../db/accounts';
import { generateApiKey, hashApiKey } from '../../lib/crypto/hash';

const http = axios.create({ validateStatus: () => true });

let db: TestDatabase;
let temporal: TestTemporal;
let api: TestApi;

beforeAll(async () => {
  db = await createTestDatabase();
  const { config, keyRing } = testConfig();
  temporal = await connectTestTemporal(keyRing);
  const testCfg = { ...config, TEMPORAL_TASK_QUEUE: temporal.taskQueue };
  await temporal.startWorker({ config: testCfg, pool: db.pool, keyRing, logger: createLogger({ level: 'silent' }) });
  api = await startTestApi({ config: testCfg, pool: db.pool, temporal: temporal.client, keyRing });
});

afterAll(async () => {
  await api?.close();
  await temporal?.close();
  await db?.drop();
});

async function signUp(name = 'Night Owl Records', email = 'label@example.com') {
  const res = await http.post(`${api.url}/v1/accounts`, { name, email });
  expect(res.status).toBe(201);
  return res.data as { account: { id: string; name: string; email: string }; apiKey: string };
}

const bearer = (key: string): AxiosRequestConfig => ({ headers: { authorization: `Bearer ${key}` } });

const countRows = (table: 'accounts' | 'artists' | 'api_keys') =>
  db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM ${sql.identifier([table])}`);

describe('accounts', () => {
  it('creates an account, returns the key once, stores only its hash, and the welcome workflow writes the outbox', async () => {
    const { account, apiKey } = await signUp();
    expect(account).toEqual({
      id: expect.any(String),
      name: 'Night Owl Records',
      email: 'label@example.com',
      emailVerified: false, // until its owner opens the e-mailed link
      emailVerifiedAt: null,
    });
    expect(apiKey).toMatch(/^dd_artist_/);
    const stored = await db.pool.anyFirst(sql.type(z.object({ key_hash: z.string() }))`
      SELECT key_hash FROM api_keys WHERE account_id = ${account.id}`);
    expect(stored).toEqual([hashApiKey(apiKey)]);

    // The workflow was started by the API and run by the worker on the real server.
    const result = await temporal.client.workflow.getHandle(`account-welcome:${account.id}`).result();
    const outbox = await db.pool.one(sql.type(z.object({ id: z.string(), template: z.string() }))`
      SELECT id, template FROM outbox_emails WHERE account_id = ${account.id} AND template = 'welcome'`);
    expect(result).toEqual({ outboxId: outbox.id });
    const verification = await db.pool.anyFirst(sql.type(z.object({ kind: z.string() }))`
      SELECT kind FROM outbox_emails WHERE account_id = ${account.id} AND template = 'email_verification'`);
    expect(verification).toEqual(['transactional']);
  });

  it('rejects malformed bodies with the error format and writes nothing', async () => {
    const before = { accounts: await countRows('accounts'), keys: await countRows('api_keys') };
    const cases: { body: unknown; type?: string; status: number; code: string }[] = [
      { body: { name: 'x' }, status: 400, code: 'validation_failed' },
      { body: { name: 'x', email: 'not-an-email' }, status: 400, code: 'validation_failed' },
      { body: { name: '', email: 'a@b.co' }, status: 400, code: 'validation_failed' },
      { body: { name: 'x', email: 'a@b.co', role: 'ops' }, status: 400, code: 'validation_failed' },
      { body: '{"name": "x", ', type: 'application/json', status: 400, code: 'malformed_json' },
      {
        body: 'name=x&email=a@b.co',
        type: 'application/x-www-form-urlencoded',
        status: 415,
        code: 'unsupported_media_type',
      },
      { body: { name: 'x'.repeat(70_000), email: 'a@b.co' }, status: 413, code: 'payload_too_large' },
    ];
    for (const c of cases) {
      const res = await http.post(`${api.url}/v1/accounts`, c.body, {
        headers: c.type ? { 'content-type': c.type } : {},
      });
      expect({ status: res.status, code: res.data?.error?.code }).toEqual({ status: c.status, code: c.code });
      expect(typeof res.data.error.message).toBe('string');
    }
    const invalid = await http.post(`${api.url}/v1/accounts`, { name: 'x', email: 'nope' });
    expect(invalid.data.error.details).toEqual([expect.objectContaining({ path: 'email' })]);
    expect({ accounts: await countRows('accounts'), keys: await countRows('api_keys') }).toEqual(before);
  });
});

describe('artists and tenancy', () => {
  it('creates and reads artists within an account; another account sees 404', async () => {
    const a = await signUp('A', 'a@example.com');
    const b = await signUp('B', 'b@example.com');
    const created = await http.post(
      `${api.url}/v1/artists`,
      { name: 'Luna Vey', spotifyArtistId: '0OdUWJ0sBjDrqHygGUXeCF' },
      bearer(a.apiKey),
    );
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      id: expect.any(String),
      name: 'Luna Vey',
      spotifyArtistId: '0OdUWJ0sBjDrqHygGUXeCF',
    });

    const mine = await http.get(`${api.url}/v1/artists/${created.data.id}`, bearer(a.apiKey));
    expect(mine.status).toBe(200);
    const theirs = await http.get(`${api.url}/v1/artists/${created.data.id}`, bearer(b.apiKey));
    expect(theirs.status).toBe(404);
    expect(theirs.data.error.code).toBe('not_found');
    const list = await http.get(`${api.url}/v1/artists`, bearer(b.apiKey));
    expect(list.data.items).toEqual([]);
  });

  it('rejects a bad artist body and writes nothing', async () => {
    const { apiKey } = await signUp('C', 'c@example.com');
    const before = await countRows('artists');
    for (const body of [{}, { name: 'X', spotifyArtistId: 'short' }, { name: 'X', extra: true }]) {
      const res = await http.post(`${api.url}/v1/artists`, body, bearer(apiKey));
      expect(res.status).toBe(400);
      expect(res.data.error.code).toBe('validation_failed');
    }
    expect(await countRows('artists')).toBe(before);
  });

  it("changes an artist's ids later, refuses bad changes, and another account's artist is not found", async () => {
    const a = await signUp('D', 'd@example.com');
    const b = await signUp('E', 'e@example.com');
    const created = await http.post(`${api.url}/v1/artists`, { name: 'No Id Yet' }, bearer(a.apiKey));
    const url = `${api.url}/v1/artists/${created.data.id}`;
    const set = await http.patch(url, { spotifyArtistId: '0OdUWJ0sBjDrqHygGUXeCF' }, bearer(a.apiKey));
    expect(set.status).toBe(200);
    expect(set.data).toMatchObject({ name: 'No Id Yet', spotifyArtistId: '0OdUWJ0sBjDrqHygGUXeCF' });
    for (const body of [{}, { spotifyArtistId: 'short' }, { name: '' }, { extra: 1 }]) {
      const res = await http.patch(url, body, bearer(a.apiKey));
      expect({ body, status: res.status, code: res.data.error?.code }).toEqual({
        body,
        status: 400,
        code: 'validation_failed',
      });
    }
    const theirs = await http.patch(url, { spotifyArtistId: null }, bearer(b.apiKey));
    expect(theirs.status).toBe(404);
    expect((await http.get(url, bearer(a.apiKey))).data.spotifyArtistId).toBe('0OdUWJ0sBjDrqHygGUXeCF');
    const cleared = await http.patch(url, { spotifyArtistId: null }, bearer(a.apiKey));
    expect(cleared.data.spotifyArtistId).toBeNull();
  });

  it('every /v1 route rejects a missing, malformed, unknown or revoked key', async () => {
    const { account, apiKey } = await signUp('D', 'd@example.com');
    await db.pool.query(sql.unsafe`UPDATE api_keys SET revoked_at = now() WHERE account_id = ${account.id}`);
    const routes: [string, string][] = [
      ['post', '/v1/artists'],
      ['get', '/v1/artists'],
      ['get', '/v1/artists/00000000-0000-4000-8000-000000000000'],
    ];
    const credentials: (string | undefined)[] = [
      undefined,
      'Basic Zm9vOmJhcg==',
      'Bearer dd_artist_unknown',
      `Bearer ${apiKey}`,
    ];
    for (const [method, path] of routes) {
      for (const authorization of credentials) {
        const res = await http.request({
          method,
          url: `${api.url}${path}`,
          data: { name: 'x' },
          headers: authorization ? { authorization } : {},
        });
        expect({ path, authorization, status: res.status, code: res.data?.error?.code }).toEqual({
          path,
          authorization,
          status: 401,
          code: 'unauthorized',
        });
      }
    }
  });
});

describe('codec endpoint', () => {
  it('decodes only for ops keys, with CORS for the UI origin', async () => {
    const { apiKey: artistKey } = await signUp('E', 'e@example.com');
    const ops = await db.pool.transaction(async (tx) => {
      const account = await insertAccount(tx, { name: 'ops', email: 'ops@example.com' });
      const key = generateApiKey('ops');
      await insertApiKey(tx, { accountId: account.id, role: 'ops', keyHash: hashApiKey(key) });
      return key;
    });
    const plain = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('"hello fan"').toString('base64'),
    };

    expect((await http.post(`${api.url}/codec/encode`, { payloads: [plain] })).status).toBe(401);
    const forbidden = await http.post(`${api.url}/codec/encode`, { payloads: [plain] }, bearer(artistKey));
    expect(forbidden.status).toBe(403);

    const encoded = await http.post(`${api.url}/codec/encode`, { payloads: [plain] }, bearer(ops));
    expect(encoded.status).toBe(200);
    const sealed = encoded.data.payloads[0];
    expect(Buffer.from(sealed.metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(sealed.data, 'base64').toString()).not.toContain('hello fan');

    const decoded = await http.post(`${api.url}/codec/decode`, { payloads: [sealed] }, bearer(ops));
    expect(decoded.data.payloads[0]).toEqual(plain);

    const preflight = await http.options(`${api.url}/codec/decode`, {
      headers: { origin: 'http://127.0.0.1:8233', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8233');
    const foreign = await http.options(`${api.url}/codec/decode`, { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();

    // The Web UI in a browser: an ops session cookie instead of a bearer key.
    const form = (key: string) =>
      [
        new URLSearchParams({ key }).toString(),
        {
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            origin: 'http://127.0.0.1:3000' /* PUBLIC_URL */,
          },
        },
      ] as const;
    expect((await http.post(`${api.url}/ops/login`, ...form(artistKey))).status).toBe(401);
    const login = await http.post(`${api.url}/ops/login`, ...form(ops));
    expect(login.status).toBe(200);
    const session = String(login.headers['set-cookie']).split(';')[0];
    expect(String(login.headers['set-cookie'])).toMatch(/HttpOnly/i);
    const viaUi = await http.post(
      `${api.url}/codec/decode`,
      { payloads: [sealed] },
      { headers: { cookie: session, origin: 'http://127.0.0.1:8233' } },
    );
    expect(viaUi.status).toBe(200);
    expect(viaUi.data.payloads[0]).toEqual(plain);
    expect(viaUi.headers['access-control-allow-credentials']).toBe('true');
    expect(
      (
        await http.post(
          `${api.url}/codec/decode`,
          { payloads: [sealed] },
          { headers: { cookie: `${session.slice(0, -3)}abc` } },
        )
      ).status,
    ).toBe(401);
  });
});

describe('health, readiness and metrics', () => {
  it('reports ready when PostgreSQL and Temporal answer, and serves metrics', async () => {
    const health = await http.get(`${api.url}/healthz`);
    expect(health.data).toEqual({ status: 'ok' });
    expect(health.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      (await http.get(`${api.url}/healthz`, { headers: { 'x-request-id': 'from-the-proxy-123' } })).headers[
        'x-request-id'
      ],
    ).toBe('from-the-proxy-123');
    const ready = await http.get(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.data).toEqual({ status: 'ready', checks: { postgres: 'ok', temporal: 'ok' } });
    const metrics = await http.get(`${api.url}/metrics`);
    expect(metrics.data).toContain('http_requests_total');
    expect(metrics.headers['x-content-type-options']).toBe('nosniff');
    const doc = await http.get(`${api.url}/openapi.json`);
    expect(doc.data).toMatchObject({ openapi: '3.1.0', info: { title: 'dropday' } });
    expect((await http.get(`${api.url}/docs`)).data).toContain('/v1/campaigns');
    const unknown = await http.get(`${api.url}/nowhere`);
    expect(unknown.status).toBe(404);
    expect(unknown.data.error.code).toBe('not_found');
  });
});
