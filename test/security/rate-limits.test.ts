// Rate limits, as an attacker over HTTP against the real stack: the unauthenticated endpoints (sign-up, sign-in,
// subscribe, deletion requests, pre-save start, OAuth callbacks, codec, webhooks, e-mail verification links, the
// artist app's password sign-in, reset and invitation links) and the
// one authenticated route that sends mail (the verification e-mail again) answer 429 with Retry-After and the JSON
// error past their limit, whichever API process is asked, and a refused request changes nothing. The smart-link
// page itself is not limited and costs no counter. Clients are told apart by Express's req.ip: the test's loopback
// client is a trusted proxy by default, so X-Forwarded-For names the client; with TRUST_PROXY=false a forged
// X-Forwarded-For changes nothing.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createDatabasePool, type DatabasePool, sql } from '../../db/pool';
import { startTestApi, type TestApi } from '../helpers/app';
import { artistAccount, createCampaign, http, startReleaseStack, type ReleaseStack } from '../helpers/release-stack';

const LIMITS =
  'signup=3/3600,login=2/3600,subscribe=2/3600,deletion=2/3600,status=2/3600,presave=2/3600,oauth=2/3600,' +
  'checkout=2/3600,codec=2/3600,webhooks=2/3600,verification=2/3600,outbound=2/3600';

let stack: ReleaseStack;
let secondPool: DatabasePool;
let second: TestApi; // another API process on the same database
let untrusting: TestApi; // TRUST_PROXY=false

beforeAll(async () => {
  stack = await startReleaseStack({ startWorker: false, env: { RATE_LIMITS: LIMITS } });
  secondPool = await createDatabasePool(stack.db.url, { maximumPoolSize: 2 });
  const deps = { pool: secondPool, temporal: stack.temporal.client, keyRing: stack.keyRing };
  second = await startTestApi({ ...deps, config: stack.config });
  untrusting = await startTestApi({ ...deps, config: { ...stack.config, TRUST_PROXY: false } });
});
afterAll(async () => {
  await untrusting?.close();
  await second?.close();
  await secondPool?.end();
  await stack?.close();
});

let nextClient = 10;
/** A fresh client address (TEST-NET-3), as the trusted loopback proxy reports it. */
const client = () => ({ 'x-forwarded-for': `203.0.113.${nextClient++}` });

const count = (table: string) =>
  stack.db.pool.oneFirst(
    sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM ${sql.identifier([table])}`,
  );

function expectLimited(res: { status: number; headers: Record<string, unknown>; data: unknown }, policy: string) {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(3600);
  expect(res.data).toEqual({
    error: {
      code: 'rate_limited',
      message: expect.stringContaining('too many requests'),
      details: { policy, limit: expect.any(Number), windowSeconds: 3600, retryAfterSeconds: retryAfter },
    },
  });
}

describe('rate limits', () => {
  it('limits account creation per client across API processes; the refused sign-up creates nothing', async () => {
    const attacker = client();
    const apis = [stack.api.url, second.url, stack.api.url];
    for (const [i, url] of apis.entries()) {
      const res = await http.post(
        `${url}/v1/accounts`,
        { name: 'Spam', email: `spam${i}@example.com` },
        { headers: attacker },
      );
      expect(res.status).toBe(201);
    }
    const accounts = await count('accounts');
    const refused = await http.post(
      `${second.url}/v1/accounts`,
      { name: 'Spam', email: 'spam9@example.com' },
      { headers: attacker },
    );
    expectLimited(refused, 'signup');
    expect(await count('accounts')).toBe(accounts);
    // Someone else is not affected.
    expect(
      (
        await http.post(
          `${stack.api.url}/v1/accounts`,
          { name: 'Real', email: 'real@example.com' },
          { headers: client() },
        )
      ).status,
    ).toBe(201);
  });

  it('limits every other unauthenticated entry point', async () => {
    const account = await artistAccount(stack); // from the test's own address (not limited: 127.0.0.1 signs up once)
    const campaign = await createCampaign(stack, account, 'Limited');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const attempts: {
      policy: string;
      send: (h: Record<string, string>) => Promise<{ status: number; headers: Record<string, unknown>; data: unknown }>;
    }[] = [
      {
        policy: 'login',
        send: (h) => http.post(`${stack.api.url}/app/session`, 'apiKey=dd_artist_nope', { headers: { ...h, ...form } }),
      },
      {
        policy: 'login',
        send: (h) => http.post(`${stack.api.url}/ops/login`, 'key=nope', { headers: { ...h, ...form } }),
      },
      // The artist app: password sign-in, and guessing the tokens of mailed reset and invitation links.
      ...['/app/sign-in', '/app/reset/not-a-link', '/app/invite/not-a-link'].map((path) => ({
        policy: 'login',
        send: (h: Record<string, string>) =>
          http.post(`${stack.api.url}${path}`, 'email=a%40example.com&password=nope', { headers: { ...h, ...form } }),
      })),
      {
        policy: 'verification', // each one may send a mail
        send: (h) => http.post(`${stack.api.url}/app/reset`, 'email=a%40example.com', { headers: { ...h, ...form } }),
      },
      {
        policy: 'subscribe',
        send: (h) =>
          http.post(`${stack.api.url}/l/${campaign.slug}/subscribe`, 'email=a%40example.com&consent=yes', {
            headers: { ...h, ...form },
          }),
      },
      {
        // Someone guessing subscription confirmation tokens.
        policy: 'subscribe',
        send: (h) => http.post(`${stack.api.url}/s/not-a-token`, '', { headers: { ...h, ...form } }),
      },
      // Someone guessing forever-save stop tokens, on the page and on its POST.
      {
        policy: 'subscribe',
        send: (h) => http.get(`${stack.api.url}/f/not-a-token`, { headers: h }),
      },
      {
        policy: 'subscribe',
        send: (h) => http.post(`${stack.api.url}/f/not-a-token`, '', { headers: { ...h, ...form } }),
      },
      {
        policy: 'deletion',
        send: (h) =>
          http.post(`${stack.api.url}/privacy/delete/email`, 'email=a%40example.com', { headers: { ...h, ...form } }),
      },
      {
        // Someone guessing confirmation codes of deletion requests.
        policy: 'status',
        send: (h) => http.get(`${stack.api.url}/privacy/deletion/${randomUUID().replace(/-/g, '')}`, { headers: h }),
      },
      {
        policy: 'presave',
        send: (h) => http.get(`${stack.api.url}/l/${campaign.slug}/presave/spotify`, { headers: h }),
      },
      {
        // A script clicking a tracked platform link in a loop (each click is an event row).
        policy: 'outbound',
        send: (h) => http.get(`${stack.api.url}/l/${campaign.slug}/go/spotify`, { headers: h }),
      },
      {
        // Someone trying Music-User-Tokens (each would cost an Apple call).
        policy: 'presave',
        send: (h) =>
          http.post(
            `${stack.api.url}/l/${campaign.slug}/presave/apple-music`,
            { musicUserToken: 'mut.guessed-guessed-guessed' },
            { headers: { ...h, origin: stack.api.url } },
          ),
      },
      { policy: 'presave', send: (h) => http.get(`${stack.api.url}/apple-music/developer-token`, { headers: h }) },
      {
        policy: 'oauth',
        send: (h) => http.get(`${stack.api.url}/oauth/spotify/callback?code=x&state=y`, { headers: h }),
      },
      { policy: 'checkout', send: (h) => http.post(`${stack.api.url}/v1/billing/checkout`, {}, { headers: h }) },
      {
        policy: 'verification',
        send: (h) => http.post(`${stack.api.url}/account/verify/not-a-link`, '', { headers: { ...h, ...form } }),
      },
      {
        policy: 'verification',
        send: (h) =>
          http.post(`${stack.api.url}/v1/accounts/me/verification`, {}, { headers: { ...h, ...account.headers } }),
      },
      { policy: 'codec', send: (h) => http.post(`${stack.api.url}/codec/decode`, { payloads: [] }, { headers: h }) },
      {
        policy: 'webhooks',
        send: (h) =>
          http.post(`${stack.api.url}/webhooks/stripe`, '{}', {
            headers: { ...h, 'content-type': 'application/json' },
          }),
      },
    ];
    for (const { policy, send } of attempts) {
      const attacker = client();
      for (let i = 0; i < 2; i++) expect((await send(attacker)).status).not.toBe(429);
      const subscribers = await count('subscribers');
      expectLimited(await send(attacker), policy);
      expect(await count('subscribers')).toBe(subscribers);
    }
  });

  it('never limits, nor counts, the smart-link page itself', async () => {
    const account = await artistAccount(stack, undefined);
    const campaign = await createCampaign(stack, account, 'Popular');
    const counters = await count('request_rate_limits');
    const fan = client();
    for (let i = 0; i < 20; i++)
      expect((await http.get(`${stack.api.url}/l/${campaign.slug}`, { headers: fan })).status).toBe(200);
    expect(await count('request_rate_limits')).toBe(counters);
  });

  it('believes X-Forwarded-For only from the proxies TRUST_PROXY names', async () => {
    // With no proxy trusted, a forged header per request does not make a new client.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await http.post(
        `${untrusting.url}/v1/accounts`,
        { name: 'Forger', email: `f${i}@example.com` },
        { headers: client() },
      );
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
  });
});
