// The Instagram simulator against its contract (docs/providers/instagram.md), driven through dropday's own client:
// Business Login and the token lifetimes, containers and their status transitions, expiry and the publishing quota,
// comments, messages and private replies with their windows, signed webhook deliveries, and faults on demand.
import { createHmac } from 'node:crypto';
import express from 'express';
import axios from 'axios';
import { listenOnLoopback } from '../../simulators/listen';
import { startInstagramSimulator, type InstagramSimulator } from '../../simulators/instagram';
import { type ProviderError } from '../../lib/providers/errors';
import { InstagramClient } from '../../lib/providers/instagram';

const http = axios.create({ validateStatus: () => true, maxRedirects: 0 });
const APP = { appId: 'ig-app', appSecret: 'ig-secret' };
const REDIRECT = 'http://127.0.0.1:1/oauth/instagram/callback';
const DAY = 86_400_000;

let sim: InstagramSimulator;
let ig: InstagramClient;
beforeAll(async () => {
  sim = await startInstagramSimulator({ ...APP, processingMs: 100 });
  ig = new InstagramClient({ ...APP, authUrl: sim.url, apiUrl: sim.url, graphUrl: sim.url, version: 'v26.0' });
});
afterAll(async () => {
  await sim?.close();
});

/** Consent as the sandbox page does it, then the code exchange: a short-lived token and the account id. */
async function login(user = 'label_one') {
  const consent = await http.post(
    `${sim.url}/oauth/authorize`,
    new URLSearchParams({ client_id: APP.appId, redirect_uri: REDIRECT, state: 's', user, decision: 'accept' }),
  );
  const location = String(consent.headers.location);
  expect(location.endsWith('#_')).toBe(true);
  const code = new URL(location).searchParams.get('code')!;
  return { code, ...(await ig.exchangeCode({ code, redirectUri: REDIRECT })) };
}

async function longToken(user = 'label_one') {
  const short = await login(user);
  return { userId: short.userId, token: (await ig.exchangeForLongLived(short.accessToken)).accessToken };
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as ProviderError,
  );

test('login: a code works once; short-lived becomes long-lived; refresh needs a token at least 24 h old', async () => {
  const { code, accessToken, userId } = await login();
  expect((await ig.me(accessToken)).userId).toBe(userId);
  const reused = await rejection(ig.exchangeCode({ code, redirectUri: REDIRECT }));
  expect(reused).toMatchObject({ kind: 'invalid_request', message: 'Matching code was not found or was already used' });
  const long = await ig.exchangeForLongLived(accessToken);
  expect(long.expiresInSeconds).toBe(5_183_944);
  expect(await rejection(ig.refresh(long.accessToken))).toMatchObject({ kind: 'invalid_request' });
  await http.post(`${sim.url}/__control/clock`, { advanceMs: DAY + 1000 });
  const refreshed = await ig.refresh(long.accessToken);
  expect(refreshed.accessToken).not.toBe(long.accessToken);
  // the short-lived token ran out after an hour: code 190, subcode 463
  expect(await rejection(ig.me(accessToken))).toMatchObject({ kind: 'token_invalid', code: '190/463' });
});

test('publishing: IN_PROGRESS, then FINISHED, published once under the reported quota; containers expire after 24 h', async () => {
  const { userId, token } = await longToken('label_two');
  const container = await ig.createContainer(
    token,
    userId,
    { kind: 'image', imageUrl: 'https://cdn.example/a.jpg' },
    'Out now',
  );
  expect((await ig.containerStatus(token, container)).statusCode).toBe('IN_PROGRESS');
  expect(await rejection(ig.publish(token, userId, container))).toMatchObject({
    kind: 'unavailable',
    code: '9007/2207027',
  });
  await new Promise((r) => setTimeout(r, 150));
  expect((await ig.containerStatus(token, container)).statusCode).toBe('FINISHED');
  const mediaId = await ig.publish(token, userId, container);
  expect(await ig.permalink(token, mediaId)).toMatch(/^https:\/\/www\.instagram\.com\/p\//);
  expect((await ig.containerStatus(token, container)).statusCode).toBe('PUBLISHED');
  expect(await rejection(ig.publish(token, userId, container))).toMatchObject({ kind: 'not_found' });
  expect(await ig.publishingLimit(token, userId)).toEqual({ usage: 1, total: 50, durationSeconds: 86_400 });

  await http.post(`${sim.url}/__control/quota`, { total: 1 });
  const second = await ig.createContainer(
    token,
    userId,
    { kind: 'image', imageUrl: 'https://cdn.example/b.jpg' },
    'Again',
  );
  await new Promise((r) => setTimeout(r, 150));
  expect(await rejection(ig.publish(token, userId, second))).toMatchObject({ kind: 'quota_exhausted' });
  await http.post(`${sim.url}/__control/quota`, { total: 50 });

  await http.post(`${sim.url}/__control/clock`, { advanceMs: DAY });
  expect((await ig.containerStatus(token, second)).statusCode).toBe('EXPIRED');
  expect(await rejection(ig.publish(token, userId, second))).toMatchObject({ kind: 'not_found', code: '-2/2207020' });
});

test('invalid media: a PNG ends in ERROR and publishing it gives Instagram message; a carousel needs 2-10 items', async () => {
  const { userId, token } = await longToken('label_three');
  const png = await ig.createContainer(token, userId, { kind: 'image', imageUrl: 'https://cdn.example/a.png' }, '');
  await new Promise((r) => setTimeout(r, 150));
  expect((await ig.containerStatus(token, png)).statusCode).toBe('ERROR');
  const one = await rejection(
    ig.createContainer(token, userId, { kind: 'carousel', imageUrls: ['https://cdn.example/a.jpg'] }, ''),
  );
  expect(one).toMatchObject({
    kind: 'invalid_request',
    detail: { userMessage: 'A carousel needs between 2 and 10 items.' },
  });
  const carousel = await ig.createContainer(
    token,
    userId,
    { kind: 'carousel', imageUrls: ['https://cdn.example/a.jpg', 'https://cdn.example/b.jpg'] },
    'two',
  );
  await new Promise((r) => setTimeout(r, 150));
  expect((await ig.containerStatus(token, carousel)).statusCode).toBe('FINISHED');
});

test('webhooks: verified, signed with the app secret over the raw body, duplicated on demand; messaging windows', async () => {
  const { userId, token } = await longToken('label_four');
  const received: { signature: string; body: string }[] = [];
  const receiver = express();
  receiver.get('/hook', (req, res) =>
    req.query['hub.verify_token'] === 'verify-me' ? res.send(String(req.query['hub.challenge'])) : res.sendStatus(403),
  );
  receiver.post('/hook', express.text({ type: '*/*' }), (req, res) => {
    received.push({ signature: String(req.headers['x-hub-signature-256']), body: req.body as string });
    res.sendStatus(200);
  });
  const server = await listenOnLoopback(receiver);
  try {
    expect(
      (await http.post(`${sim.url}/__control/webhook`, { callbackUrl: `${server.url}/hook`, verifyToken: 'wrong' }))
        .data,
    ).toMatchObject({ verified: false });
    expect(
      (await http.post(`${sim.url}/__control/webhook`, { callbackUrl: `${server.url}/hook`, verifyToken: 'verify-me' }))
        .data,
    ).toMatchObject({ verified: true });
    // no subscription for the account yet: nothing is delivered
    expect(
      (await http.post(`${sim.url}/__control/comments`, { accountId: userId, mediaId: '1', text: 'early' })).data
        .statuses,
    ).toEqual([]);
    await ig.subscribeWebhooks(token);
    const comment = (
      await http.post(`${sim.url}/__control/comments`, {
        accountId: userId,
        mediaId: '1',
        text: 'presave ünïcode',
        times: 2,
      })
    ).data as { id: string; from: { id: string } };
    expect(received).toHaveLength(2);
    expect(received[0].body).toBe(received[1].body);
    expect(received[0].body).toContain('\\u00fc'); // escaped unicode, as Meta sends it
    const expected = `sha256=${createHmac('sha256', APP.appSecret).update(received[0].body).digest('hex')}`;
    expect(received[0].signature).toBe(expected);

    await ig.sendMessage(token, userId, { commentId: comment.id }, 'here is the link');
    expect(await rejection(ig.sendMessage(token, userId, { commentId: comment.id }, 'again'))).toMatchObject({
      kind: 'invalid_request',
    });
    await ig.replyToComment(token, comment.id, 'thanks!');
    await ig.hideComment(token, comment.id, true);
    expect(((await http.get(`${sim.url}/__control/state`)).data as { hidden: string[] }).hidden).toContain(comment.id);

    expect(await rejection(ig.sendMessage(token, userId, { recipientId: 'igsid-9' }, 'hi'))).toMatchObject({
      kind: 'invalid_request',
    });
    await http.post(`${sim.url}/__control/messages`, { accountId: userId, senderId: 'igsid-9', text: 'hello' });
    expect(received).toHaveLength(3);
    expect(JSON.parse(received[2].body).entry[0].messaging[0].message.text).toBe('hello');
    await ig.sendMessage(token, userId, { recipientId: 'igsid-9' }, 'hi back');
    await http.post(`${sim.url}/__control/clock`, { advanceMs: DAY + 1 });
    expect(await rejection(ig.sendMessage(token, userId, { recipientId: 'igsid-9' }, 'late'))).toMatchObject({
      code: '10/2534022',
    });
  } finally {
    await server.close();
  }
});

test('faults on demand: a revoked account, a throttle, a 5xx', async () => {
  const { userId, token } = await longToken('label_five');
  await http.post(`${sim.url}/__control/faults`, {
    path: '/content_publishing_limit',
    code: 4,
    message: 'Application request limit reached',
  });
  expect(await rejection(ig.publishingLimit(token, userId))).toMatchObject({ kind: 'rate_limited' });
  await http.post(`${sim.url}/__control/faults`, { kind: '5xx', status: 503 });
  expect(await rejection(ig.me(token))).toMatchObject({ kind: 'unavailable' });
  await http.post(`${sim.url}/__control/users/${userId}/revoke`);
  expect(await rejection(ig.me(token))).toMatchObject({ kind: 'token_invalid', code: '190/460' });
});
