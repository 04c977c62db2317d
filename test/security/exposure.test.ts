// Operational exposure, as an outsider over HTTP against the real API: /readyz must not hand out internal error
// text (addresses, user names), /metrics is not public, and a production process refuses the Stripe webhook
// secret the dev stack publishes.
import { createDatabasePool, type DatabasePool } from '../../db/pool';
import { ConfigError, loadConfig } from '../../lib/config';
import { KeyRing } from '../../lib/crypto/keyring';
import { startTestApi, type TestApi } from '../helpers/app';
import { createTestDatabase } from '../helpers/database';
import { http, startReleaseStack, type ReleaseStack } from '../helpers/release-stack';

let stack: ReleaseStack;
let deadPool: DatabasePool;
let broken: TestApi; // its database is gone
let guarded: TestApi; // METRICS_TOKEN set
let doomedName: string;
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

beforeAll(async () => {
  stack = await startReleaseStack({ startWorker: false });
  // A database that goes away under a running pool: its errors name the database, which must not leak.
  const doomed = await createTestDatabase();
  deadPool = await createDatabasePool(doomed.url, { maximumPoolSize: 1 });
  doomedName = new URL(doomed.url).pathname.slice(1);
  await doomed.drop(); // DROP DATABASE … WITH (FORCE): the pool's connection is cut, new ones are refused
  const deps = { temporal: stack.temporal.client, keyRing: stack.keyRing };
  broken = await startTestApi({ ...deps, pool: deadPool, config: stack.config });
  guarded = await startTestApi({ ...deps, pool: stack.db.pool, config: { ...stack.config, METRICS_TOKEN } });
});
afterAll(async () => {
  await guarded?.close();
  await broken?.close();
  await deadPool?.end().catch(() => undefined);
  await stack?.close();
});

describe('operational exposure', () => {
  it('/readyz says which dependency failed, not why', async () => {
    const res = await http.get(`${broken.url}/readyz`);
    expect(res.status).toBe(503);
    expect(res.data).toEqual({ status: 'unavailable', checks: { postgres: 'failed', temporal: 'ok' } });
    const text = JSON.stringify(res.data);
    for (const secret of [doomedName, 'does not exist', 'terminat', 'connect']) {
      expect(text).not.toContain(secret);
    }
    expect((await http.get(`${stack.api.url}/readyz`)).data).toEqual({
      status: 'ready',
      checks: { postgres: 'ok', temporal: 'ok' },
    });
  });

  it('/metrics needs the bearer token when METRICS_TOKEN is set', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong-token',
      `Basic ${METRICS_TOKEN}`,
      `Bearer ${METRICS_TOKEN}x`,
    ]) {
      const res = await http.get(`${guarded.url}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(res.data.error.code).toBe('unauthorized');
      expect(JSON.stringify(res.data)).not.toContain('http_requests_total');
    }
    const ok = await http.get(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(String(ok.data)).toContain('http_requests_total');
  });

  it('/metrics without a token answers loopback clients only, not clients relayed by a proxy', async () => {
    // The test client is on loopback, a trusted proxy by default: X-Forwarded-For makes it a remote visitor.
    const remote = await http.get(`${stack.api.url}/metrics`, { headers: { 'x-forwarded-for': '198.51.100.4' } });
    expect(remote.status).toBe(401);
    expect((await http.get(`${stack.api.url}/metrics`)).status).toBe(200); // Prometheus on the same host
  });

  it('a production process refuses the published sandbox webhook secret; the dev stack binds to loopback', () => {
    const env = {
      NODE_ENV: 'production',
      ENCRYPTION_KEYS: `k1:${KeyRing.generateKey()}`,
      STATE_SIGNING_SECRET: 'test-signing-secret-0123456789abcdef',
    };
    expect(() => loadConfig({ ...env, STRIPE_WEBHOOK_SECRET: 'whsec_dropday_sandbox' })).toThrow(ConfigError);
    expect(loadConfig({ ...env, STRIPE_WEBHOOK_SECRET: 'whsec_real_one' }).STRIPE_WEBHOOK_SECRET).toBe(
      'whsec_real_one',
    );
    expect(loadConfig(env).LISTEN_HOST).toBe('0.0.0.0');
  });
});
