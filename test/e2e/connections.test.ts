// An artist's Google Ads connection over its lifetime, against the Google OAuth simulator: connect through the
// consent page, refreshed before expiry with the new token stored, invalid_grant → needs_reconnect and an alert,
// disconnect → the grant revoked and the tokens forgotten.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { connectGoogle as connectGoogleAs } from '../helpers/ads';
import { startGoogleSimulator } from '../../simulators/google';
import { startMetaSimulator } from '../../simulators/meta';
import { connectMeta } from '../helpers/ads';
import {
  artistAccount,
  confirmConnect,
  hiddenFields,
  http,
  startReleaseStack,
  waitFor,
  type ReleaseStack,
} from '../helpers/release-stack';

let stack: ReleaseStack;
let google: Awaited<ReturnType<typeof startGoogleSimulator>>;
let meta: Awaited<ReturnType<typeof startMetaSimulator>>;
beforeAll(async () => {
  google = await startGoogleSimulator({
    clientId: 'dropday-google',
    clientSecret: 'google-secret',
    accessTokenTtlSeconds: 3,
  });
  meta = await startMetaSimulator({ appId: 'dropday-meta', appSecret: 'meta-secret', longLivedTtlSeconds: 3 });
  stack = await startReleaseStack({
    simulator: { accessTokenTtlSeconds: 3 },
    env: {
      GOOGLE_CLIENT_ID: 'dropday-google',
      GOOGLE_CLIENT_SECRET: 'google-secret',
      GOOGLE_AUTH_URL: google.url,
      GOOGLE_OAUTH_URL: google.url,
      META_APP_ID: 'dropday-meta',
      META_APP_SECRET: 'meta-secret',
      META_DIALOG_URL: meta.url,
      META_GRAPH_URL: meta.url,
      CONNECTION_REFRESH_MARGIN_SECONDS: '1',
    },
  });
});
afterAll(async () => {
  await stack?.close();
  await google?.close();
  await meta?.close();
});

const connectGoogle = (account: { headers: Record<string, string>; apiKey: string }, user: string) =>
  connectGoogleAs(stack, google, account, user);

const tokenRow = (id: string) =>
  stack.db.pool.one(sql.type(
    z.object({
      status: z.string(),
      access: z.string().nullable(),
      refresh: z.string().nullable(),
      expiresAt: z.number().nullable(),
    }),
  )`
  SELECT status, access_token_enc AS access, refresh_token_enc AS refresh, access_expires_at AS "expiresAt" FROM connections WHERE id = ${id}`);
const refreshCalls = (user?: string) =>
  google.state.calls.filter(
    (c) => c.path === '/token' && c.grantType === 'refresh_token' && (!user || c.user === user),
  );

describe('Google Ads connection', () => {
  it('refreshes before expiry and persists the new access token', async () => {
    const account = await artistAccount(stack);
    const id = await connectGoogle(account, 'advertiser-1');
    const first = await tokenRow(id);
    expect(first.status).toBe('active');
    expect(first.refresh).toMatch(/^enc:v1:/);
    await waitFor(
      'two refreshes',
      async () => refreshCalls('advertiser-1').length,
      (n) => n >= 2,
      20_000,
    );
    const later = await tokenRow(id);
    expect(later.access).not.toBe(first.access);
    expect(later.expiresAt).toBeGreaterThan(Date.now());
    expect(refreshCalls('advertiser-1').every((c) => c.status === 200)).toBe(true);
    const list = await http.get(`${stack.api.url}/v1/connections`, { headers: account.headers });
    expect(list.data.items).toEqual([
      { id, provider: 'google', status: 'active', accessExpiresAt: expect.any(String), createdAt: expect.any(String) },
    ]);
  });

  it('marks the connection needs_reconnect on invalid_grant, alerts the artist, and stops refreshing', async () => {
    const account = await artistAccount(stack);
    const id = await connectGoogle(account, 'advertiser-2');
    google.state.revokeUser('advertiser-2');
    const result = await stack.temporal.client.workflow.getHandle(`connection:${id}`).result();
    expect(result).toBe('needs_reconnect');
    expect((await tokenRow(id)).status).toBe('needs_reconnect');
    const alerts = await stack.db.pool.anyFirst(sql.type(z.object({ kind: z.string() }))`
      SELECT kind FROM notifications WHERE dedupe_key = ${`reconnect:${id}`}`);
    expect(alerts).toEqual(['connection_needs_reconnect']);
    expect(
      await stack.db.pool.exists(sql.unsafe`SELECT 1 FROM outbox_emails WHERE dedupe_key = ${`reconnect:${id}`}`),
    ).toBe(true);
    const calls = refreshCalls('advertiser-2');
    expect(calls.at(-1)?.status).toBe(400); // the refused one, and no retry after it
    await new Promise((r) => setTimeout(r, 3_000));
    expect(refreshCalls('advertiser-2')).toHaveLength(calls.length);
  });

  it('disconnect revokes the grant at Google and forgets the tokens', async () => {
    const account = await artistAccount(stack);
    const id = await connectGoogle(account, 'advertiser-3');
    const other = await artistAccount(stack);
    expect((await http.delete(`${stack.api.url}/v1/connections/${id}`, { headers: other.headers })).status).toBe(404);
    const revokesBefore = google.state.calls.filter((c) => c.path === '/revoke' && c.status === 200).length;
    const res = await http.delete(`${stack.api.url}/v1/connections/${id}`, { headers: account.headers });
    expect(res.data).toEqual({ id, status: 'disconnected' });
    expect(await stack.temporal.client.workflow.getHandle(`connection:${id}`).result()).toBe('disconnected');
    expect(google.state.calls.filter((c) => c.path === '/revoke' && c.status === 200).length).toBe(revokesBefore + 1);
    expect(await tokenRow(id)).toMatchObject({ status: 'disconnected', access: null, refresh: null });
    expect((await http.get(`${stack.api.url}/v1/connections`, { headers: account.headers })).data.items).toEqual([]);
  });

  it('refuses a forged callback', async () => {
    const bad = await http.get(`${stack.api.url}/oauth/google/callback`, {
      params: { code: 'x', state: 'forged.state' },
    });
    expect(bad.status).toBe(400);
    expect(bad.data).toContain('not valid');
  });
});

const connectMetaAs = (account: Parameters<typeof connectMeta>[2], user: string) =>
  connectMeta(stack, meta, account, user);

const exchanges = (user: string) => meta.state.calls.filter((c) => c.kind === 'exchange' && c.user === user);

describe('Meta connection', () => {
  it('holds a long-lived token, exchanged again before it expires', async () => {
    const account = await artistAccount(stack);
    const id = await connectMetaAs(account, 'meta-artist-1');
    const first = await tokenRow(id);
    expect(first).toMatchObject({ status: 'active', refresh: null });
    // one exchange at connect (short → long-lived), then renewals before each expiry
    await waitFor(
      'renewals',
      async () => exchanges('meta-artist-1').length,
      (n) => n >= 3,
      20_000,
    );
    expect(exchanges('meta-artist-1').every((c) => c.status === 200)).toBe(true);
    expect((await tokenRow(id)).access).not.toBe(first.access);
  });

  it('code 190 (session gone) marks it needs_reconnect; disconnect removes the app permissions', async () => {
    const account = await artistAccount(stack);
    const gone = await connectMetaAs(account, 'meta-artist-2');
    meta.state.revokedUsers.add('meta-artist-2'); // e.g. the artist changed their password
    expect(await stack.temporal.client.workflow.getHandle(`connection:${gone}`).result()).toBe('needs_reconnect');
    expect((await tokenRow(gone)).status).toBe('needs_reconnect');

    const other = await artistAccount(stack);
    const live = await connectMetaAs(other, 'meta-artist-3');
    await http.delete(`${stack.api.url}/v1/connections/${live}`, { headers: other.headers });
    expect(await stack.temporal.client.workflow.getHandle(`connection:${live}`).result()).toBe('disconnected');
    expect(meta.state.calls.filter((c) => c.kind === 'revoke' && c.user === 'meta-artist-3')).toEqual([
      expect.objectContaining({ status: 200 }),
    ]);
    expect(await tokenRow(live)).toMatchObject({ status: 'disconnected', access: null });
  });
});

describe('Spotify connection (artist)', () => {
  it('refreshes with PKCE rotation, storing each new refresh token; invalid_grant → needs_reconnect', async () => {
    const account = await artistAccount(stack);
    const start = { data: await confirmConnect(stack, account, 'spotify') };
    expect(new URL(start.data.authorizeUrl).searchParams.get('redirect_uri')).toBe(
      `${stack.api.url}/oauth/spotify-artist/callback`,
    );
    const consentPage = await http.get(start.data.authorizeUrl);
    const form = hiddenFields(consentPage.data);
    form.set('user', 'artist-on-spotify');
    form.set('display_name', 'artist');
    form.set('decision', 'accept');
    const consent = await http.post(`${stack.spotify.url}/authorize`, form.toString(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const callback = await http.get(String(consent.headers.location), { headers: { cookie: start.data.cookie } });
    expect(callback.data).toContain('Spotify connected');
    const id = (await http.get(`${stack.api.url}/v1/connections`, { headers: account.headers })).data.items.find(
      (c: { provider: string }) => c.provider === 'spotify',
    ).id as string;
    const first = await tokenRow(id);
    await waitFor(
      'a rotated refresh token',
      async () => (await tokenRow(id)).refresh,
      (r) => r !== first.refresh,
      20_000,
    );
    stack.spotify.state.revokeUser('artist-on-spotify');
    expect(await stack.temporal.client.workflow.getHandle(`connection:${id}`).result()).toBe('needs_reconnect');
  });
});
