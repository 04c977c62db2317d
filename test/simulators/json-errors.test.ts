// A simulator never answers with Express's HTML page or a stack trace: unknown routes, unreadable bodies and the
// simulator's own exceptions come back as JSON in that provider's error envelope (Graph's for Meta, the Web API's
// or the accounts service's for Spotify, google.rpc.Status or OAuth's for Google and Gemini). Exceptions are
// provoked by making a piece of the simulator's state throw, the way a bug would.
import { sandboxDeveloperKey, startAppleMusicSimulator } from '../../simulators/apple-music';
import { startGeminiSimulator } from '../../simulators/gemini';
import { startGoogleSimulator } from '../../simulators/google';
import { startMetaSimulator } from '../../simulators/meta';
import { marketingState } from '../../simulators/meta/marketing';
import { startSpotifySimulator } from '../../simulators/spotify';

const boom = () => {
  throw new Error('simulated bug');
};

/** The answer must be JSON, carry no stack trace and no HTML. */
async function jsonAnswer(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, init);
  const text = await res.text();
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(text).not.toMatch(/simulated bug|\bat .+\.ts:\d+|<html|<!DOCTYPE/i);
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown> };
}
const postJson = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  body,
  headers: { 'content-type': 'application/json', ...headers },
});

describe('Meta simulator errors', () => {
  let meta: Awaited<ReturnType<typeof startMetaSimulator>>;
  beforeAll(async () => {
    meta = await startMetaSimulator({ appId: 'app', appSecret: 'secret' });
  });
  afterAll(() => meta?.close());

  it('answers unknown paths and versions Graph no longer serves with a Graph error', async () => {
    for (const path of ['/v24.0/act_1/campaigns/extra/segments', '/v19.0/oauth/access_token', '/nothing']) {
      const { status, body } = await jsonAnswer(`${meta.url}${path}`);
      expect(status).toBe(404);
      expect(body.error).toMatchObject({ type: 'OAuthException', code: 2500, fbtrace_id: expect.any(String) });
    }
  });

  it('answers an unreadable body with code 100 and its own exception with code 1', async () => {
    const token = meta.state.issue('errors-user', true).access_token;
    const url = `${meta.url}/v24.0/act_123/campaigns?access_token=${token}`;
    const unreadable = await jsonAnswer(url, postJson('{"name":'));
    expect(unreadable.status).toBe(400);
    expect(unreadable.body.error).toMatchObject({ code: 100 });

    const state = marketingState(meta.state);
    const newId = state.newId;
    state.newId = boom;
    try {
      const campaign = { name: 'c', objective: 'OUTCOME_TRAFFIC', special_ad_categories: [] };
      const failed = await jsonAnswer(url, postJson(JSON.stringify(campaign)));
      expect(failed.status).toBe(500);
      expect(failed.body.error).toMatchObject({ code: 1, type: 'OAuthException' });
    } finally {
      state.newId = newId;
    }
  });
});

describe('Spotify simulator errors', () => {
  let sim: Awaited<ReturnType<typeof startSpotifySimulator>>;
  beforeAll(async () => {
    sim = await startSpotifySimulator({ clientId: 'client', clientSecret: 'secret', port: 0 });
  });
  afterAll(() => sim?.close());

  it('answers unknown paths with the Web API error object', async () => {
    for (const path of ['/nothing', '/api/nothing', '/v2/me']) {
      const { status, body } = await jsonAnswer(`${sim.url}${path}`);
      expect(status).toBe(404);
      expect(body).toEqual({ error: { status: 404, message: 'Service not found' } });
    }
  });

  it("answers its own exceptions as a Web API 500, and on the token endpoint in OAuth's shape", async () => {
    const auth = sim.state.auth;
    const takeCode = auth.takeCode.bind(auth);
    auth.takeCode = boom;
    try {
      const form = new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'x',
        redirect_uri: 'https://a.example/cb',
        client_id: 'client',
      });
      const token = await jsonAnswer(`${sim.url}/api/token`, { method: 'POST', body: form });
      expect(token).toEqual({ status: 500, body: { error: 'server_error', error_description: 'Server error' } });
    } finally {
      auth.takeCode = takeCode;
    }

    const { access_token } = sim.state.issueTokensForUser(sim.state.upsertUser({}).user.id);
    const catalog = sim.state.catalog;
    const liveAlbums = catalog.liveAlbums.bind(catalog);
    catalog.liveAlbums = boom;
    try {
      const search = await jsonAnswer(`${sim.url}/v1/search?q=upc:1&type=album`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      expect(search).toEqual({ status: 500, body: { error: { status: 500, message: 'Server error' } } });
    } finally {
      catalog.liveAlbums = liveAlbums;
    }
  });
});

describe('Gemini simulator errors', () => {
  let sim: Awaited<ReturnType<typeof startGeminiSimulator>>;
  beforeAll(async () => {
    sim = await startGeminiSimulator({ apiKeys: ['key'] });
  });
  afterAll(() => sim?.close());

  it('answers unknown paths, unreadable bodies and its own exceptions with google.rpc.Status', async () => {
    const unknown = await jsonAnswer(`${sim.url}/v1beta/nothing`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 404, status: 'NOT_FOUND' });

    const url = `${sim.url}/v1beta/models/gemini-2.5-flash:generateContent`;
    const unreadable = await jsonAnswer(url, postJson('{"contents":', { 'x-goog-api-key': 'key' }));
    expect(unreadable.body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });

    sim.state.script.shift = boom;
    try {
      const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }] });
      const failed = await jsonAnswer(url, postJson(body, { 'x-goog-api-key': 'key' }));
      expect(failed.status).toBe(500);
      expect(failed.body.error).toMatchObject({ code: 500, status: 'INTERNAL' });
    } finally {
      delete (sim.state.script as { shift?: unknown }).shift; // back to Array.prototype.shift
    }
  });
});

describe('Google simulator errors (OAuth and Google Ads)', () => {
  let sim: Awaited<ReturnType<typeof startGoogleSimulator>>;
  beforeAll(async () => {
    sim = await startGoogleSimulator({ clientId: 'client', clientSecret: 'secret' });
  });
  afterAll(() => sim?.close());

  it('answers unknown paths with google.rpc.Status', async () => {
    const { status, body } = await jsonAnswer(`${sim.url}/v26/customers/1234567890/nothing:mutate`, postJson('{}'));
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
  });

  it("answers its own exceptions as INTERNAL, and on the token endpoint in OAuth's shape", async () => {
    const codes = sim.state.codes;
    const get = codes.get.bind(codes);
    codes.get = boom;
    try {
      const form = new URLSearchParams({
        grant_type: 'authorization_code',
        code: '4/x',
        client_id: 'client',
        client_secret: 'secret',
      });
      const token = await jsonAnswer(`${sim.url}/token`, { method: 'POST', body: form });
      expect(token).toEqual({ status: 500, body: { error: 'server_error', error_description: 'Internal error' } });
    } finally {
      codes.get = get;
    }

    const tokens = sim.state.accessTokens;
    const held = tokens.get.bind(tokens);
    tokens.get = boom;
    try {
      const operations = JSON.stringify({ operations: [{ create: { name: 'b', amountMicros: '1000000' } }] });
      const url = `${sim.url}/v26/customers/1234567890/campaignBudgets:mutate`;
      const failed = await jsonAnswer(
        url,
        postJson(operations, { authorization: 'Bearer ya29.x', 'developer-token': 'd' }),
      );
      expect(failed.status).toBe(500);
      expect(failed.body.error).toMatchObject({ code: 500, status: 'INTERNAL' });
    } finally {
      tokens.get = held;
    }
  });
});

describe('Apple Music simulator errors', () => {
  let sim: Awaited<ReturnType<typeof startAppleMusicSimulator>>;
  beforeAll(async () => {
    sim = await startAppleMusicSimulator({ keys: [sandboxDeveloperKey()] });
  });
  afterAll(() => sim?.close());

  it('answers unknown paths, refused tokens and its own exceptions in Apple’s errors[] shape', async () => {
    const unknown = await jsonAnswer(`${sim.url}/v2/nothing`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ status: '404', code: '40400' })]);
    const noToken = await jsonAnswer(`${sim.url}/v1/catalog/us/albums/1`);
    expect(noToken.body.errors).toEqual([expect.objectContaining({ status: '401', code: '40100' })]);

    const keys = sim.state.keys;
    const check = keys.check.bind(keys);
    keys.check = boom;
    try {
      const failed = await jsonAnswer(`${sim.url}/v1/catalog/us/albums/1`);
      expect(failed.status).toBe(500);
      expect(failed.body.errors).toEqual([expect.objectContaining({ status: '500', code: '50001' })]);
    } finally {
      keys.check = check;
    }
  });
});
