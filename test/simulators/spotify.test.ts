import { createHash, randomBytes } from 'node:crypto';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { startSpotifySimulator, type SpotifySimulatorOptions, type TokenResponse } from '../../simulators/spotify';

const CLIENT_ID = 'dropday-test-client';
const CLIENT_SECRET = 'dropday-test-secret';
const REDIRECT_URI = 'http://127.0.0.1:9999/oauth/spotify/callback';
const SCOPES =
  'user-read-private user-library-modify user-library-read user-follow-modify user-follow-read user-read-recently-played';
const DAY_MS = 24 * 60 * 60 * 1000;

// Every status is asserted by the tests; redirects are inspected, not followed.
const http: AxiosInstance = axios.create({ validateStatus: () => true, maxRedirects: 0 });

type Simulator = Awaited<ReturnType<typeof startSpotifySimulator>>;

interface SeededRelease {
  artistId: string;
  albumId: string;
  trackIds: string[];
  upc: string;
  isrcs: string[];
}

/** A simulator on a random port with a hand-driven clock. */
class Harness {
  clock = Date.parse('2026-11-20T12:00:00.000Z');
  sim!: Simulator;

  async start(opts: Partial<SpotifySimulatorOptions> = {}): Promise<this> {
    this.sim = await startSpotifySimulator({ clientId: CLIENT_ID, port: 0, now: () => this.clock, ...opts });
    return this;
  }

  get url(): string {
    return this.sim.url;
  }

  advance(ms: number): void {
    this.clock += ms;
  }

  /** GET consent page → POST the form → code → PKCE token exchange. */
  async pkceLogin(options: { user?: string; scope?: string } = {}): Promise<TokenResponse & { userId: string }> {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const page = await http.get<string>(`${this.url}/authorize`, {
      params: {
        client_id: CLIENT_ID,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: options.scope ?? SCOPES,
        state: 'st4te',
        code_challenge_method: 'S256',
        code_challenge: challenge,
      },
    });
    expect(page.status).toBe(200);
    const consent = await submitConsent(this.url, page.data, { user: options.user ?? '', decision: 'accept' });
    expect(consent.status).toBe(302);
    const location = new URL(String(consent.headers.location));
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('st4te');
    const code = location.searchParams.get('code');
    expect(code).toBeTruthy();

    const token = await this.token({
      grant_type: 'authorization_code',
      code: code as string,
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT_ID,
      code_verifier: verifier,
    });
    expect(token.status).toBe(200);
    const me = await this.api('get', '/v1/me', token.data.access_token);
    return { ...(token.data as TokenResponse), userId: me.data.id as string };
  }

  token(form: Record<string, string>, headers: Record<string, string> = {}): Promise<AxiosResponse> {
    return http.post(`${this.url}/api/token`, new URLSearchParams(form), { headers });
  }

  /** PKCE refresh (client_id in the body, no Basic header). */
  refresh(refreshToken: string | undefined): Promise<AxiosResponse> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken ?? '', client_id: CLIENT_ID });
  }

  api(
    method: 'get' | 'put' | 'delete',
    path: string,
    accessToken: string,
    params?: Record<string, string>,
    data?: unknown,
  ): Promise<AxiosResponse> {
    return http.request({
      method,
      url: `${this.url}${path}`,
      params,
      data,
      headers: { Authorization: `Bearer ${accessToken}` },
    });
  }

  control(method: 'get' | 'post' | 'patch' | 'delete', path: string, data?: unknown): Promise<AxiosResponse> {
    return http.request({ method, url: `${this.url}/__control${path}`, data });
  }

  async release(liveAt: number, tracks = 2): Promise<SeededRelease> {
    const upc = String(Math.floor(Math.random() * 1e12)).padStart(12, '0');
    const isrcs = Array.from(
      { length: tracks },
      (_, i) => `QZES7260${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}${i}`,
    );
    const res = await this.control('post', '/releases', {
      artist: { name: 'The Sandboxes' },
      album: { name: 'Loopback', upc, tracks: isrcs.map((isrc, i) => ({ name: `Track ${i + 1}`, isrc })) },
      liveAt,
    });
    expect(res.status).toBe(201);
    return {
      artistId: res.data.artist.id,
      albumId: res.data.album.id,
      trackIds: res.data.tracks.map((t: { id: string }) => t.id),
      upc,
      isrcs,
    };
  }
}

/** Fills the consent form found in the HTML (hidden fields carry the original query) and posts it. */
function submitConsent(url: string, html: string, fields: Record<string, string>): Promise<AxiosResponse> {
  expect(html).toContain('<form method="post" action="/authorize">');
  const decode = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(m[1], decode(m[2]));
  form.set('display_name', 'Test Fan');
  form.set('country', 'SE');
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return http.post(`${url}/authorize`, form);
}

const harnesses: Harness[] = [];
async function harness(opts: Partial<SpotifySimulatorOptions> = {}): Promise<Harness> {
  const h = await new Harness().start(opts);
  harnesses.push(h);
  return h;
}

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.sim.close()));
});

describe('Spotify simulator: accounts service', () => {
  it('runs the full PKCE flow: consent page, code, token, /v1/me', async () => {
    const h = await harness({ appName: 'dropday' });
    const page = await http.get<string>(`${h.url}/authorize`, {
      params: {
        client_id: CLIENT_ID,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'user-read-private user-library-modify',
        code_challenge_method: 'S256',
        code_challenge: 'x'.repeat(43),
      },
    });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.data).toContain('Sandbox Spotify — dropday wants to: user-read-private, user-library-modify');
    expect(page.data).toContain('name="decision" value="accept"');
    expect(page.data).toContain('name="decision" value="deny"');

    const tokens = await h.pkceLogin();
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: SCOPES });
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const me = await h.api('get', '/v1/me', tokens.access_token);
    expect(me.status).toBe(200);
    expect(me.data).toMatchObject({ id: tokens.userId, display_name: 'Test Fan', type: 'user', images: [] });
    expect(me.data.account_id).toEqual(expect.any(String));
    expect(me.data.uri).toBe(`spotify:user:${tokens.userId}`);
    expect(me.data).not.toHaveProperty('email');
    expect(me.data).not.toHaveProperty('country');
    expect(me.data).not.toHaveProperty('product');

    const calls = (await h.control('get', '/calls')).data as Array<{ path: string; status: number; userId?: string }>;
    expect(calls.map((c) => [c.path, c.status])).toEqual([
      ['/api/token', 200],
      ['/v1/me', 200],
      ['/v1/me', 200],
    ]);
    expect(calls.every((c) => c.userId === tokens.userId)).toBe(true);
  });

  it('logs in as an existing user when the form names one', async () => {
    const h = await harness();
    const user = await h.control('post', '/users', { id: 'knownfan', displayName: 'Known Fan' });
    expect(user.status).toBe(201);
    const tokens = await h.pkceLogin({ user: 'knownfan' });
    expect(tokens.userId).toBe('knownfan');
    const me = await h.api('get', '/v1/me', tokens.access_token);
    expect(me.data.display_name).toBe('Known Fan');
    expect(me.data.account_id).toBe(user.data.accountId);
    const view = await h.control('get', '/users/knownfan');
    expect(view.data.consents).toEqual([
      expect.objectContaining({ clientId: CLIENT_ID, consentedAt: new Date(h.clock).toISOString(), revoked: false }),
    ]);
  });

  it('redirects with error=access_denied when the user denies', async () => {
    const h = await harness();
    const page = await http.get<string>(`${h.url}/authorize`, {
      params: {
        client_id: CLIENT_ID,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        state: 'abc',
        code_challenge_method: 'S256',
        code_challenge: 'y'.repeat(43),
      },
    });
    const denied = await submitConsent(h.url, page.data, { decision: 'deny' });
    expect(denied.status).toBe(302);
    const location = new URL(String(denied.headers.location));
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('abc');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('rejects unknown clients and insecure redirect URIs with an HTML page', async () => {
    const h = await harness();
    const authorize = (params: Record<string, string>) =>
      http.get<string>(`${h.url}/authorize`, {
        params: {
          client_id: CLIENT_ID,
          response_type: 'code',
          code_challenge_method: 'S256',
          code_challenge: 'z'.repeat(43),
          ...params,
        },
      });
    const unknown = await authorize({ client_id: 'nope', redirect_uri: REDIRECT_URI });
    expect(unknown.status).toBe(400);
    expect(unknown.data).toContain('INVALID_CLIENT');
    for (const redirect of ['http://localhost:3000/cb', 'https://localhost/cb', 'http://example.com/cb']) {
      const insecure = await authorize({ redirect_uri: redirect });
      expect(insecure.status).toBe(400);
      expect(insecure.data).toContain('INVALID_CLIENT: Insecure redirect URI');
    }
    expect((await authorize({ redirect_uri: 'http://[::1]:8080/cb' })).status).toBe(200);
    expect((await authorize({ redirect_uri: 'https://app.example.com/cb' })).status).toBe(200);
  });

  it('rejects a wrong code verifier and a reused code', async () => {
    const h = await harness();
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const consent = await http.post(
      `${h.url}/authorize`,
      new URLSearchParams({
        client_id: CLIENT_ID,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        code_challenge_method: 'S256',
        code_challenge: challenge,
        decision: 'accept',
      }),
    );
    const code = new URL(String(consent.headers.location)).searchParams.get('code') as string;
    const exchange = (codeVerifier: string) =>
      h.token({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: CLIENT_ID,
        code_verifier: codeVerifier,
      });
    const wrong = await exchange('not-the-verifier');
    expect(wrong.status).toBe(400);
    expect(wrong.data).toEqual({ error: 'invalid_grant', error_description: 'Invalid authorization code' });
    // Codes are single-use: the failed attempt consumed it.
    const reused = await exchange(verifier);
    expect(reused.data).toEqual({ error: 'invalid_grant', error_description: 'Invalid authorization code' });

    const unsupported = await h.token({ grant_type: 'password', client_id: CLIENT_ID });
    expect(unsupported.status).toBe(400);
    expect(unsupported.data.error).toBe('unsupported_grant_type');
    const badClient = await h.token({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'other' });
    expect(badClient.status).toBe(401);
    expect(badClient.data.error).toBe('invalid_client');
  });

  it('rotates PKCE refresh tokens: the old one then fails with invalid_grant', async () => {
    const h = await harness();
    const tokens = await h.pkceLogin();
    const refreshed = await h.refresh(tokens.refresh_token);
    expect(refreshed.status).toBe(200);
    expect(refreshed.data).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: SCOPES });
    expect(refreshed.data.refresh_token).toEqual(expect.any(String));
    expect(refreshed.data.refresh_token).not.toBe(tokens.refresh_token);
    expect((await h.api('get', '/v1/me', refreshed.data.access_token)).status).toBe(200);

    const old = await h.refresh(tokens.refresh_token);
    expect(old.status).toBe(400);
    expect(old.data).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token' });
    const next = await h.refresh(refreshed.data.refresh_token);
    expect(next.status).toBe(200);
  });

  it('lets secret clients (Basic auth) keep their refresh token', async () => {
    const h = await harness({ clientSecret: CLIENT_SECRET });
    const consent = await http.post(
      `${h.url}/authorize`,
      new URLSearchParams({
        client_id: CLIENT_ID,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'user-read-private',
        decision: 'accept',
      }),
    );
    const code = new URL(String(consent.headers.location)).searchParams.get('code') as string;
    const basic = { Authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` };
    const wrongSecret = { Authorization: `Basic ${Buffer.from(`${CLIENT_ID}:wrong`).toString('base64')}` };
    const bad = await h.token(
      { grant_type: 'authorization_code', code: 'whatever', redirect_uri: REDIRECT_URI },
      wrongSecret,
    );
    expect(bad.status).toBe(401);
    expect(bad.data).toEqual({ error: 'invalid_client', error_description: 'Invalid client' });

    const tokens = await h.token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, basic);
    expect(tokens.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const refreshed = await h.token({ grant_type: 'refresh_token', refresh_token: tokens.data.refresh_token }, basic);
      expect(refreshed.status).toBe(200);
      expect(refreshed.data).not.toHaveProperty('refresh_token');
    }
  });

  it('expires refresh tokens 6 months after consent, however often they were refreshed', async () => {
    const h = await harness();
    let tokens: TokenResponse = await h.pkceLogin();
    for (let month = 0; month < 6; month++) {
      h.advance(30 * DAY_MS);
      const refreshed = await h.refresh(tokens.refresh_token);
      expect(refreshed.status).toBe(200);
      tokens = refreshed.data;
    }
    h.advance(3 * DAY_MS); // 183 days after consent > 182.5
    const expired = await h.refresh(tokens.refresh_token);
    expect(expired.status).toBe(400);
    expect(expired.data).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token' });
  });

  it('honours a custom refresh-token max age', async () => {
    const h = await harness({ refreshTokenMaxAgeMs: 60_000 });
    const tokens = await h.pkceLogin();
    h.advance(61_000);
    const expired = await h.refresh(tokens.refresh_token);
    expect(expired.data).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token' });
  });

  it('revoked users: refresh fails with "Refresh token revoked", API calls with 401', async () => {
    const h = await harness();
    const tokens = await h.pkceLogin();
    expect((await h.control('post', `/users/${tokens.userId}/revoke`)).status).toBe(200);
    const refreshed = await h.refresh(tokens.refresh_token);
    expect(refreshed.status).toBe(400);
    expect(refreshed.data).toEqual({ error: 'invalid_grant', error_description: 'Refresh token revoked' });
    const me = await h.api('get', '/v1/me', tokens.access_token);
    expect(me.status).toBe(401);
    expect(me.data).toEqual({ error: { status: 401, message: 'Invalid access token' } });
  });
});

describe('Spotify simulator: Web API', () => {
  it('answers 401 "The access token expired" after the TTL and after expire-tokens', async () => {
    const h = await harness({ accessTokenTtlSeconds: 60 });
    const tokens = await h.pkceLogin();
    expect(tokens.expires_in).toBe(60);
    h.advance(60_000);
    const expired = await h.api('get', '/v1/me', tokens.access_token);
    expect(expired.status).toBe(401);
    expect(expired.data).toEqual({ error: { status: 401, message: 'The access token expired' } });

    const refreshed = await h.refresh(tokens.refresh_token);
    expect((await h.api('get', '/v1/me', refreshed.data.access_token)).status).toBe(200);
    await h.control('post', `/users/${tokens.userId}/expire-tokens`);
    expect((await h.api('get', '/v1/me', refreshed.data.access_token)).data.error.message).toBe(
      'The access token expired',
    );

    const unknown = await h.api('get', '/v1/me', 'BQnot-a-token');
    expect(unknown.data).toEqual({ error: { status: 401, message: 'Invalid access token' } });
  });

  it('hides a release until its live instant (search, album, save)', async () => {
    const h = await harness();
    const tokens = await h.pkceLogin();
    const release = await h.release(h.clock + 60_000);
    const byUpc = () => h.api('get', '/v1/search', tokens.access_token, { q: `upc:${release.upc}`, type: 'album' });
    const byIsrc = () =>
      h.api('get', '/v1/search', tokens.access_token, { q: `isrc:${release.isrcs[1]}`, type: 'track' });

    expect((await byUpc()).data.albums).toMatchObject({ total: 0, items: [], limit: 5, offset: 0 });
    expect((await byIsrc()).data.tracks.total).toBe(0);
    const album = await h.api('get', `/v1/albums/${release.albumId}`, tokens.access_token);
    expect(album.status).toBe(404);
    expect(album.data).toEqual({ error: { status: 404, message: 'Resource not found' } });
    const save = await h.api('put', '/v1/me/library', tokens.access_token, {
      uris: `spotify:album:${release.albumId}`,
    });
    expect(save.status).toBe(404);

    h.advance(60_000);
    const found = (await byUpc()).data.albums;
    expect(found.total).toBe(1);
    expect(found.items[0]).toMatchObject({
      id: release.albumId,
      uri: `spotify:album:${release.albumId}`,
      type: 'album',
    });
    expect(found.items[0]).not.toHaveProperty('external_ids');
    const track = (await byIsrc()).data.tracks.items[0];
    expect(track).toMatchObject({ id: release.trackIds[1], external_ids: { isrc: release.isrcs[1] } });

    const live = await h.api('get', `/v1/albums/${release.albumId}`, tokens.access_token);
    expect(live.status).toBe(200);
    expect(live.data).toMatchObject({
      id: release.albumId,
      uri: `spotify:album:${release.albumId}`,
      external_ids: { upc: release.upc },
      release_date: '2026-11-20',
      artists: [{ id: release.artistId, name: 'The Sandboxes' }],
    });
    expect(live.data.images.length).toBeGreaterThan(0);
    const albumTracks = live.data.tracks.items as Array<{ id: string; uri: string; external_ids: { isrc: string } }>;
    expect(albumTracks.map((t) => [t.id, t.uri, t.external_ids.isrc])).toEqual(
      release.trackIds.map((id, i) => [id, `spotify:track:${id}`, release.isrcs[i]]),
    );
  });

  it('validates search limits', async () => {
    const h = await harness();
    const tokens = await h.pkceLogin();
    const search = (limit: string) =>
      h.api('get', '/v1/search', tokens.access_token, { q: 'upc:1', type: 'album', limit });
    const tooMany = await search('11');
    expect(tooMany.status).toBe(400);
    expect(tooMany.data).toEqual({ error: { status: 400, message: 'Invalid limit' } });
    expect((await search('10')).status).toBe(200);
    expect((await search('0')).status).toBe(200);
  });

  it('saves to the library, answers contains, and counts duplicate saves', async () => {
    const h = await harness();
    const tokens = await h.pkceLogin();
    const release = await h.release(h.clock - 1000);
    const albumUri = `spotify:album:${release.albumId}`;
    const artistUri = `spotify:artist:${release.artistId}`;
    const trackUri = `spotify:track:${release.trackIds[0]}`;

    const contains = () =>
      h.api('get', '/v1/me/library/contains', tokens.access_token, { uris: [albumUri, artistUri, trackUri].join(',') });
    expect((await contains()).data).toEqual([false, false, false]);

    const save = await h.api('put', '/v1/me/library', tokens.access_token, { uris: `${albumUri},${artistUri}` });
    expect(save.status).toBe(200);
    expect(save.data).toBe('');
    expect((await contains()).data).toEqual([true, true, false]);

    const again = await h.api('put', '/v1/me/library', tokens.access_token, { uris: albumUri });
    expect(again.status).toBe(200);
    const library = (await h.control('get', `/library/${tokens.userId}`)).data;
    expect(library.items).toEqual([
      expect.objectContaining({ uri: albumUri, saveCount: 2 }),
      expect.objectContaining({ uri: artistUri, saveCount: 1 }),
    ]);
    expect(library.duplicateSaves).toBe(1);
    expect((await h.control('get', '/stats')).data).toMatchObject({ saves: 1, duplicateSaves: 1, follows: 1 });

    const removed = await h.api('delete', '/v1/me/library', tokens.access_token, { uris: albumUri });
    expect(removed.status).toBe(200);
    expect((await contains()).data).toEqual([false, true, false]);
  });

  it('rejects more than 40 URIs and malformed or unsupported ones', async () => {
    const h = await harness();
    const tokens = await h.pkceLogin();
    const uris = Array.from({ length: 41 }, () => `spotify:album:${'A'.repeat(22)}`).join(',');
    const tooMany = await h.api('put', '/v1/me/library', tokens.access_token, { uris });
    expect(tooMany.status).toBe(400);
    expect(tooMany.data.error.status).toBe(400);
    expect((await h.api('get', '/v1/me/library/contains', tokens.access_token, { uris })).status).toBe(400);
    expect((await h.api('put', '/v1/me/library', tokens.access_token, { uris: 'spotify:album:short' })).data).toEqual({
      error: { status: 400, message: 'Invalid base62 id' },
    });
    expect(
      (await h.api('put', '/v1/me/library', tokens.access_token, { uris: `spotify:genre:${'A'.repeat(22)}` })).status,
    ).toBe(400);
    expect((await h.api('put', '/v1/me/library', tokens.access_token)).status).toBe(400);
  });

  it('refuses artist URIs on PUT /me/library when artistUrisInLibrary is off', async () => {
    const h = await harness({ artistUrisInLibrary: false });
    const tokens = await h.pkceLogin();
    const release = await h.release(h.clock - 1000);
    const put = await h.api('put', '/v1/me/library', tokens.access_token, {
      uris: `spotify:artist:${release.artistId}`,
    });
    expect(put.status).toBe(400);
    const contains = await h.api('get', '/v1/me/library/contains', tokens.access_token, {
      uris: `spotify:artist:${release.artistId}`,
    });
    expect(contains.data).toEqual([false]);
  });

  it('serves the Extended-quota save and follow endpoints', async () => {
    const h = await harness();
    const tokens = await h.pkceLogin();
    const first = await h.release(h.clock - 1000);
    const second = await h.release(h.clock - 1000);

    expect((await h.api('put', '/v1/me/albums', tokens.access_token, { ids: first.albumId })).status).toBe(200);
    expect((await h.api('put', '/v1/me/tracks', tokens.access_token, undefined, { ids: first.trackIds })).status).toBe(
      200,
    );
    const follow = await h.api('put', '/v1/me/following', tokens.access_token, {
      type: 'artist',
      ids: `${first.artistId},${second.artistId}`,
    });
    expect(follow.status).toBe(204);
    const tooMany = Array.from({ length: 51 }, () => first.albumId).join(',');
    expect((await h.api('put', '/v1/me/albums', tokens.access_token, { ids: tooMany })).status).toBe(400);

    const page1 = await h.api('get', '/v1/me/following', tokens.access_token, { type: 'artist', limit: '1' });
    expect(page1.status).toBe(200);
    expect(page1.data.artists).toMatchObject({ limit: 1, total: 2 });
    const after = page1.data.artists.cursors.after as string;
    const page2 = await h.api('get', '/v1/me/following', tokens.access_token, { type: 'artist', limit: '1', after });
    expect(page2.data.artists.cursors.after).toBeNull();
    expect(page2.data.artists.next).toBeNull();
    expect([page1.data.artists.items[0].id, page2.data.artists.items[0].id].sort()).toEqual(
      [first.artistId, second.artistId].sort(),
    );

    const library = await h.api('get', '/v1/me/library/contains', tokens.access_token, {
      uris: [
        `spotify:album:${first.albumId}`,
        `spotify:track:${first.trackIds[1]}`,
        `spotify:artist:${second.artistId}`,
      ].join(','),
    });
    expect(library.data).toEqual([true, true, true]);
  });

  it('pages recently-played with cursors', async () => {
    const h = await harness();
    const tokens = await h.pkceLogin();
    const release = await h.release(h.clock - DAY_MS, 3);
    const start = h.clock - 60 * 60_000;
    for (let i = 0; i < 3; i++) {
      const seeded = await h.control('post', `/users/${tokens.userId}/plays`, {
        trackId: release.trackIds[i],
        playedAt: start + i * 60_000,
      });
      expect(seeded.status).toBe(201);
    }
    const first = await h.api('get', '/v1/me/player/recently-played', tokens.access_token, { limit: '2' });
    expect(first.status).toBe(200);
    expect(first.data.items.map((i: { track: { id: string } }) => i.track.id)).toEqual([
      release.trackIds[2],
      release.trackIds[1],
    ]);
    expect(first.data.cursors).toEqual({ after: String(start + 120_000), before: String(start + 60_000) });
    expect(first.data.next).toContain(`before=${start + 60_000}`);
    expect(first.data.items[0].played_at).toBe(new Date(start + 120_000).toISOString());

    const older = await h.api('get', '/v1/me/player/recently-played', tokens.access_token, {
      limit: '2',
      before: first.data.cursors.before,
    });
    expect(older.data.items.map((i: { track: { id: string } }) => i.track.id)).toEqual([release.trackIds[0]]);
    expect(older.data.next).toBeNull();
    const newer = await h.api('get', '/v1/me/player/recently-played', tokens.access_token, {
      after: String(start + 60_000),
    });
    expect(newer.data.items.map((i: { track: { id: string } }) => i.track.id)).toEqual([release.trackIds[2]]);
  });

  it('mints tokens through the control API, skipping the consent page', async () => {
    const h = await harness();
    const user = await h.control('post', '/users', { displayName: 'Bench Fan' });
    const tokens = await h.control('post', `/users/${user.data.id}/tokens`, {});
    expect(tokens.status).toBe(201);
    expect((await h.api('get', '/v1/me', tokens.data.access_token)).data.id).toBe(user.data.id);
    const refreshed = await h.refresh(tokens.data.refresh_token);
    expect(refreshed.status).toBe(200);
    expect(refreshed.data.refresh_token).not.toBe(tokens.data.refresh_token);
  });

  it('enforces scopes with 403', async () => {
    const h = await harness();
    const tokens = await h.pkceLogin({ scope: 'user-read-private' });
    const release = await h.release(h.clock - 1000);
    const save = await h.api('put', '/v1/me/library', tokens.access_token, {
      uris: `spotify:album:${release.albumId}`,
    });
    expect(save.status).toBe(403);
    expect(save.data).toEqual({ error: { status: 403, message: 'Insufficient client scope' } });
  });

  it('refuses a follow with 403 to a token granted the library scopes only', async () => {
    const h = await harness();
    const tokens = await h.pkceLogin({ scope: 'user-library-modify user-library-read' });
    const release = await h.release(h.clock - 1000);
    const artist = release.artistId;
    const refused = { status: 403, data: { error: { status: 403, message: 'Insufficient client scope' } } };
    const follow = await h.api('put', '/v1/me/following', tokens.access_token, { type: 'artist', ids: artist });
    expect({ status: follow.status, data: follow.data }).toEqual(refused);
    const generic = await h.api('put', '/v1/me/library', tokens.access_token, { uris: `spotify:artist:${artist}` });
    expect({ status: generic.status, data: generic.data }).toEqual(refused);
    const save = await h.api('put', '/v1/me/library', tokens.access_token, {
      uris: `spotify:album:${release.albumId}`,
    });
    expect(save.status).toBe(200);
  });
});

describe('Spotify simulator: rate limits and faults', () => {
  it('answers 429 with Retry-After once the rolling window is full, and recovers', async () => {
    const h = await harness({ rateLimitPerWindow: 3, windowMs: 30_000 });
    const tokens = await h.pkceLogin(); // one /v1/me call
    expect((await h.api('get', '/v1/me', tokens.access_token)).status).toBe(200);
    h.advance(10_000);
    expect((await h.api('get', '/v1/me', tokens.access_token)).status).toBe(200);
    const limited = await h.api('get', '/v1/me', tokens.access_token);
    expect(limited.status).toBe(429);
    expect(limited.data).toEqual({ error: { status: 429, message: 'API rate limit exceeded' } });
    expect(limited.headers['retry-after']).toBe('20'); // the two calls at t0 leave the window at t0+30 s
    // The token endpoint is not rate limited.
    const refreshed = await h.refresh(tokens.refresh_token);
    expect(refreshed.status).toBe(200);

    h.advance(20_000);
    expect((await h.api('get', '/v1/me', tokens.access_token)).status).toBe(200);
    expect((await h.control('get', '/stats')).data).toMatchObject({ rateLimited: 1 });

    const patched = await h.control('patch', '/config', { rateLimitPerWindow: 100 });
    expect(patched.data).toMatchObject({ rateLimitPerWindow: 100, windowMs: 30_000, dailyQuota: null });
    expect((await h.api('get', '/v1/me', tokens.access_token)).status).toBe(200);
  });

  it('answers 429 QUOTA_EXCEEDED with a long Retry-After once the daily quota is spent', async () => {
    const h = await harness({ dailyQuota: 2, accessTokenTtlSeconds: 2 * 24 * 3600 });
    const tokens = await h.pkceLogin(); // first call of the day
    h.advance(60 * 60_000);
    expect((await h.api('get', '/v1/me', tokens.access_token)).status).toBe(200);
    const rejected = await h.api('get', '/v1/me', tokens.access_token);
    expect(rejected.status).toBe(429);
    expect(rejected.data).toEqual({ error: { status: 429, message: 'Too many requests', reason: 'QUOTA_EXCEEDED' } });
    expect(Number(rejected.headers['retry-after'])).toBe(23 * 60 * 60);
    expect((await h.control('get', '/stats')).data).toMatchObject({ quotaRejected: 1 });
    h.advance(23 * 60 * 60_000);
    expect((await h.api('get', '/v1/me', tokens.access_token)).status).toBe(200);
  });

  it('injects 5xx faults on matching paths only, count times', async () => {
    const h = await harness();
    const tokens = await h.pkceLogin();
    const fault = await h.control('post', '/faults', { kind: '5xx', count: 2, path: '/v1/me/library' });
    expect(fault.status).toBe(201);
    const contains = () =>
      h.api('get', '/v1/me/library/contains', tokens.access_token, { uris: `spotify:album:${'B'.repeat(22)}` });
    expect((await h.api('get', '/v1/me', tokens.access_token)).status).toBe(200);
    const failed = await contains();
    expect(failed.status).toBe(503);
    expect(failed.data.error.status).toBe(503);
    expect((await contains()).status).toBe(503);
    expect((await contains()).status).toBe(200);

    await h.control('post', '/faults', { kind: '5xx', status: 500, count: 5 });
    expect((await h.api('get', '/v1/me', tokens.access_token)).status).toBe(500);
    expect((await h.control('delete', '/faults')).status).toBe(204);
    expect((await h.api('get', '/v1/me', tokens.access_token)).status).toBe(200);

    await h.control('post', '/faults', { kind: '429', retryAfterSeconds: 7 });
    const limited = await h.api('get', '/v1/me', tokens.access_token);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    await h.control('post', '/faults', { kind: 'quota' });
    const quota = await h.api('get', '/v1/me', tokens.access_token);
    expect(quota.data.error.reason).toBe('QUOTA_EXCEEDED');

    const stats = (await h.control('get', '/stats')).data;
    expect(stats.byStatus).toMatchObject({ '500': 1, '503': 2, '429': 2 });
  });

  it('injects timeouts: the request is held, then the socket is dropped', async () => {
    const h = await harness();
    const tokens = await h.pkceLogin();
    await h.control('post', '/faults', { kind: 'timeout', delayMs: 100, path: '/v1/me' });
    await expect(h.api('get', '/v1/me', tokens.access_token)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await h.api('get', '/v1/me', tokens.access_token)).status).toBe(200);

    // A client-side timeout shorter than the hold also works, and the call is recorded with status 0.
    await h.control('post', '/faults', { kind: 'timeout', delayMs: 60_000 });
    await expect(
      http.get(`${h.url}/v1/me`, { headers: { Authorization: `Bearer ${tokens.access_token}` }, timeout: 100 }),
    ).rejects.toMatchObject({ code: 'ECONNABORTED' });
    const calls = (await h.control('get', '/calls?path=/v1/me')).data as Array<{ status: number; fault?: string }>;
    expect(calls.filter((c) => c.fault === 'timeout').map((c) => c.status)).toEqual([0, 0]);
  });

  it('injects faults at a rate, for a window, and answers lost after the write landed', async () => {
    const h = await harness();
    const tokens = await h.pkceLogin();
    const me = () => h.api('get', '/v1/me', tokens.access_token);
    await h.control('post', '/faults', { kind: '5xx', rate: 0.25, seed: 7, path: '/v1/me' });
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) statuses.push((await me()).status);
    const failed = statuses.filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(30);
    expect(failed).toBeLessThan(70);
    expect((await h.control('get', '/faults')).data).toEqual([
      expect.objectContaining({ rate: 0.25, remaining: null }),
    ]);
    await h.control('delete', '/faults');

    await h.control('post', '/faults', { kind: 'quota', durationMs: 60_000 });
    expect((await me()).data.error.reason).toBe('QUOTA_EXCEEDED');
    expect((await me()).data.error.reason).toBe('QUOTA_EXCEEDED');
    h.advance(61_000);
    expect((await me()).status).toBe(200);

    const album = `spotify:album:${(await h.release(h.clock)).albumId}`;
    await h.control('post', '/faults', { kind: 'lost-answer', path: '/v1/me/library' });
    await expect(h.api('put', '/v1/me/library', tokens.access_token, { uris: album })).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    const contains = await h.api('get', '/v1/me/library/contains', tokens.access_token, { uris: album });
    expect(contains.data).toEqual([true]); // the write landed although its answer was lost
  });

  it('resets to a blank simulator', async () => {
    const h = await harness();
    const tokens = await h.pkceLogin();
    await h.release(h.clock);
    await h.control('patch', '/config', { rateLimitPerWindow: 1 });
    expect((await h.control('post', '/reset')).status).toBe(204);
    expect((await h.api('get', '/v1/me', tokens.access_token)).status).toBe(401);
    expect((await h.control('get', '/releases')).data).toEqual([]);
    expect((await h.control('get', '/config')).data.rateLimitPerWindow).toBe(6000);
    const stats = (await h.control('get', '/stats')).data;
    expect(stats).toMatchObject({ calls: 1, saves: 0, rateLimited: 0 });
  });
});
