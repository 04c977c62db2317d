// A fan pre-saves through the real HTTP flow and finds the release in their Spotify library at the release
// instant: API → PostgreSQL → Temporal → worker → Spotify simulator, nothing mocked.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { signingKeys } from '../../lib/crypto/signed-value';
import {
  addRelease,
  artistAccount,
  createCampaign,
  fanPresaves,
  http,
  nextUpc,
  postCampaign,
  releaseInSeconds,
  useReleaseStack,
  waitForCampaign,
} from '../helpers/release-stack';

const stack = useReleaseStack();

describe('pre-save from the smart link to the library', () => {
  it('saves the album and follows the artist at the release instant, once', async () => {
    const account = await artistAccount(stack);
    const { headers } = account;
    const upc = nextUpc();
    const release = releaseInSeconds(6);
    const created = addRelease(stack, upc, release.at);
    const { campaign } = await postCampaign(stack, account, 'Midnight Sun', {
      upc,
      release,
      fields: { followArtist: true },
    });
    expect(campaign.status).toBe(201);
    expect(campaign.data).toMatchObject({
      slug: expect.any(String),
      landingUrl: `${stack.api.url}/l/${campaign.data.slug}`,
      status: 'scheduled',
    });

    const landing = await http.get(campaign.data.landingUrl);
    expect(landing.headers['content-type']).toMatch(/text\/html/);
    expect(landing.data).toContain('Midnight Sun');
    expect(landing.data).toContain('Pre-save on Spotify');

    const { callback, authorizeUrl } = await fanPresaves(stack, campaign.data.slug, {
      user: 'fan-one',
      tz: 'Europe/Paris',
    });
    const authorize = new URL(authorizeUrl);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('scope')).toBe(
      'user-library-modify user-library-read user-follow-modify user-follow-read user-read-recently-played',
    );
    expect(callback.status).toBe(303);
    expect(callback.headers.location).toBe(`/l/${campaign.data.slug}/thanks`);
    const cookie = String(callback.headers['set-cookie']);
    expect(cookie).toMatch(/play_spotify_uid=[0-9a-f-]{36}/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);

    // Nothing is saved before the release.
    expect(stack.spotify.state.libraryOf('fan-one').items).toEqual([]);
    const pending = await http.get(`${stack.api.url}/v1/campaigns/${campaign.data.id}`, { headers });
    expect(pending.data.progress).toMatchObject({ total: 1, pending: 1, done: 0 });
    expect(Date.parse(pending.data.nextWaveAt)).toBe(release.at);

    const done = await waitForCampaign(stack, campaign.data.id, headers, 'delivery', (r) => r.data.progress.done === 1);
    expect(done.data.resolution).toBe('live');
    const library = stack.spotify.state.libraryOf('fan-one');
    expect(library.items.map((i) => i.uri).sort()).toEqual([created.album.uri, created.artist.uri].sort());
    expect(stack.spotify.state.stats().duplicateSaves).toBe(0);

    // Not before the release instant: the save call came after it.
    const saves = stack.spotify.state
      .calls()
      .filter((c) => c.path === '/v1/me/library' && c.method === 'PUT' && c.status === 200);
    expect(saves).toHaveLength(1);
    expect(saves[0].at).toBeGreaterThanOrEqual(release.at);

    const presaves = await http.get(`${stack.api.url}/v1/campaigns/${campaign.data.id}/presaves`, { headers });
    expect(presaves.data.items).toEqual([
      {
        id: expect.any(String),
        platform: 'spotify',
        status: 'done',
        dueAt: new Date(release.at).toISOString(),
        executedAt: expect.any(String),
      },
    ]);
    const events = await stack.db.pool.anyFirst(sql.type(z.object({ type: z.string() }))`
      SELECT type FROM events WHERE campaign_id = ${campaign.data.id} AND fan_id IS NOT NULL ORDER BY type`); // the fan's own (views and clicks name nobody)
    expect(events).toEqual(['AUTH', 'FOLLOW_ARTIST', 'SAVE_TRACK']);

    // After the release the page is a plain smart link.
    await waitForCampaign(stack, campaign.data.id, headers, 'completion', (r) => r.data.status === 'completed');
    const after = await http.get(campaign.data.landingUrl);
    // Its listen link goes through our tracked redirect (a CLICK) to the album on Spotify.
    expect(after.data).toContain(`/l/${campaign.data.slug}/go/spotify`);
    const listen = await http.get(`${stack.api.url}/l/${campaign.data.slug}/go/spotify`);
    expect(listen.headers.location).toBe(`https://open.spotify.com/album/${created.album.id}`);
    expect(after.data).not.toContain('Pre-save on Spotify');
    // The way to erasure stays on the page after the release, as before it.
    expect(landing.data).toContain('<a href="/privacy/delete">Delete my data</a>');
    expect(after.data).toContain('<a href="/privacy/delete">Delete my data</a>');
  });

  it('executes a pre-save made after the release instant at once', async () => {
    const account = await artistAccount(stack);
    const { headers } = account;
    const upc = nextUpc();
    const release = releaseInSeconds(3);
    addRelease(stack, upc, release.at);
    // A local release: pre-saves stay open until the last zone on Earth reaches the release time.
    const { campaign } = await postCampaign(stack, account, 'Late Fan', {
      upc,
      release,
      fields: { releasePolicy: 'local' },
    });
    await new Promise((r) => setTimeout(r, Math.max(0, release.at + 500 - Date.now())));
    const { callback } = await fanPresaves(stack, campaign.data.slug, { user: 'fan-late-utc', tz: 'UTC' });
    expect(callback.status).toBe(303);
    const arrivedAt = Date.now();
    await waitForCampaign(stack, campaign.data.id, headers, 'late delivery', (r) => r.data.progress.done === 1, 30_000);
    const save = stack.spotify.state
      .calls()
      .find((c) => c.userId === 'fan-late-utc' && c.method === 'PUT' && c.status === 200)!;
    expect(save.at - arrivedAt).toBeLessThan(10_000);
  });
});

describe('the Spotify permissions a fan grants', () => {
  /** The scopes of the consent the simulator recorded, i.e. those of the authorize URL it received. */
  const grantedScopes = (user: string) =>
    [...stack.spotify.state.auth.grants.values()].filter((g) => g.userId === user).map((g) => g.scopes.join(' '));

  it('asks a campaign that does not follow the artist for no follow scope, and still delivers the release', async () => {
    const account = await artistAccount(stack);
    const upc = nextUpc();
    const release = releaseInSeconds(6);
    const created = addRelease(stack, upc, release.at);
    const { campaign } = await postCampaign(stack, account, 'No Follow', {
      upc,
      release,
      fields: { followArtist: false },
    });
    const landing = await http.get(campaign.data.landingUrl);
    expect(landing.data).not.toContain('follow the artist');
    const { authorizeUrl } = await fanPresaves(stack, campaign.data.slug, { user: 'fan-no-follow' });
    expect(new URL(authorizeUrl).searchParams.get('scope')).toBe(
      'user-library-modify user-library-read user-read-recently-played',
    );
    expect(grantedScopes('fan-no-follow')).toEqual(['user-library-modify user-library-read user-read-recently-played']);

    await waitForCampaign(stack, campaign.data.id, account.headers, 'delivery', (r) => r.data.progress.done === 1);
    expect(stack.spotify.state.libraryOf('fan-no-follow').items.map((i) => i.uri)).toEqual([created.album.uri]);
  });

  it('asks a campaign that follows the artist for the follow scopes too', async () => {
    const account = await artistAccount(stack);
    const { campaign } = await postCampaign(stack, account, 'With Follow', { fields: { followArtist: true } });
    await fanPresaves(stack, campaign.data.slug, { user: 'fan-follow' });
    expect(grantedScopes('fan-follow')).toEqual([
      'user-library-modify user-library-read user-follow-modify user-follow-read user-read-recently-played',
    ]);
  });
});

describe('what a fan can get wrong ends on a clear page', () => {
  let slug: string;
  let campaignId: string;
  let headers: Record<string, string>;
  beforeAll(async () => {
    const account = await artistAccount(stack);
    headers = account.headers;
    ({ slug, id: campaignId } = await createCampaign(stack, account, 'Careful'));
  });

  const presaveCount = async () =>
    (await http.get(`${stack.api.url}/v1/campaigns/${campaignId}`, { headers })).data.progress.total as number;

  it('declined consent saves nothing', async () => {
    const { callback } = await fanPresaves(stack, slug, { user: 'fan-denies', decision: 'deny' });
    expect(callback.status).toBe(200);
    expect(callback.headers['content-type']).toMatch(/text\/html/);
    expect(callback.data).toContain('You did not allow access');
    expect(await presaveCount()).toBe(0);
  });

  it('a replayed callback is refused and changes nothing', async () => {
    const { callback, callbackUrl, stateCookie } = await fanPresaves(stack, slug, { user: 'fan-replays' });
    expect(callback.status).toBe(303);
    const replay = await http.get(callbackUrl, { headers: { cookie: stateCookie } });
    expect(replay.status).toBe(400);
    expect(replay.data).toContain('already used');
    expect(await presaveCount()).toBe(1);
  });

  it('a callback from another browser than the one that started the sign-in is refused (login CSRF)', async () => {
    const before = await presaveCount();
    const start = await http.get(`${stack.api.url}/l/${slug}/presave/spotify`);
    const authorize = new URL(String(start.headers.location));
    expect(authorize.searchParams.get('show_dialog')).toBe('true');
    const consent = await http.post(
      `${authorize.origin}/authorize`,
      new URLSearchParams({
        ...Object.fromEntries(authorize.searchParams),
        user: 'attacker',
        display_name: 'attacker',
        decision: 'accept',
      }).toString(),
      { headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    );
    // The attacker's callback URL, opened in the victim's browser (which has no sign-in cookie of this flow).
    const victim = await http.get(String(consent.headers.location));
    expect(victim.status).toBe(400);
    expect(victim.data).toContain('another browser');
    expect(victim.headers['set-cookie']).toBeUndefined();
    expect(await presaveCount()).toBe(before);
  });

  it('an expired or tampered state is refused', async () => {
    const expired = signingKeys(stack.config).sign('oauth-state', { n: 'whatever' }, 1_000, Date.now() - 60_000);
    const res = await http.get(`${stack.api.url}/oauth/spotify/callback`, { params: { code: 'x', state: expired } });
    expect(res.status).toBe(400);
    expect(res.data).toContain('expired');
    const tampered = await http.get(`${stack.api.url}/oauth/spotify/callback`, {
      params: { code: 'x', state: `${expired.slice(0, -2)}AA` },
    });
    expect(tampered.status).toBe(400);
    expect(tampered.data).toContain('not valid');
    const missing = await http.get(`${stack.api.url}/oauth/spotify/callback`, { params: { code: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.data).not.toMatch(/Error|at .*\.ts/);
  });

  it('an unknown smart link is a 404 page', async () => {
    const res = await http.get(`${stack.api.url}/l/no-such-release`);
    expect(res.status).toBe(404);
    expect(res.data).toContain('Release not found');
  });
});

describe('campaign API', () => {
  it('validates identifiers, dates, times and zones, and writes nothing on bad input', async () => {
    const { headers, artistId } = await artistAccount(stack);
    const valid = {
      artistId,
      title: 'V',
      upc: nextUpc(),
      releaseDate: '2031-02-03',
      releaseTime: '00:00',
      releasePolicy: 'local',
      timeZone: 'Europe/Paris',
    };
    const bad: [Record<string, unknown>, string][] = [
      [{ ...valid, upc: '123456789013' }, 'upc'],
      [{ ...valid, upc: undefined }, 'upc'],
      [{ ...valid, upc: undefined, isrc: 'XX-123' }, 'isrc'],
      [{ ...valid, releaseDate: '2031-02-30' }, 'releaseDate'],
      [{ ...valid, releaseTime: '24:00' }, 'releaseTime'],
      [{ ...valid, timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
      [{ ...valid, releasePolicy: 'whenever' }, 'releasePolicy'],
      [{ ...valid, platforms: ['tidal'] }, 'platforms.0'],
      [{ ...valid, artistId: '00000000-0000-4000-8000-000000000000' }, 'artistId'],
    ];
    for (const [body, path] of bad) {
      const res = await http.post(`${stack.api.url}/v1/campaigns`, body, { headers });
      expect({ path, status: res.status, code: res.data.error?.code }).toEqual({
        path,
        status: 400,
        code: 'validation_failed',
      });
      expect(res.data.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect((await http.get(`${stack.api.url}/v1/campaigns`, { headers })).data.items).toEqual([]);
    const ok = await http.post(
      `${stack.api.url}/v1/campaigns`,
      { ...valid, upc: undefined, isrc: 'us-rc1-76-07839' },
      { headers },
    );
    expect(ok.status).toBe(201);
    expect(ok.data).toMatchObject({
      isrc: 'USRC17607839',
      releaseTime: '00:00:00',
      followArtist: true,
      platforms: ['spotify'],
      status: 'scheduled',
    });
    // A past release is allowed: its pre-saves run at once.
    const past = await http.post(
      `${stack.api.url}/v1/campaigns`,
      { ...valid, upc: nextUpc(), releaseDate: '2020-01-01' },
      { headers },
    );
    expect(past.status).toBe(201);
    const other = await artistAccount(stack);
    expect((await http.get(`${stack.api.url}/v1/campaigns/${ok.data.id}`, { headers: other.headers })).status).toBe(
      404,
    );
    expect(
      (await http.post(`${stack.api.url}/v1/campaigns/${ok.data.id}/cancel`, {}, { headers: other.headers })).status,
    ).toBe(404);
    expect(
      (await http.get(`${stack.api.url}/v1/campaigns/${ok.data.id}/presaves`, { headers: other.headers })).status,
    ).toBe(404);
    expect((await http.patch(`${stack.api.url}/v1/campaigns/${ok.data.id}`, {}, { headers })).status).toBe(400);
  });

  it('pages through pre-saves with a cursor', async () => {
    const account = await artistAccount(stack);
    const { headers } = account;
    const { campaign: res } = await postCampaign(stack, account, 'Paged');
    for (let i = 0; i < 5; i++) await fanPresaves(stack, res.data.slug, { user: `fan-page-${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { data: { items: { id: string }[]; nextCursor: string | null } } = await http.get(
        `${stack.api.url}/v1/campaigns/${res.data.id}/presaves`,
        {
          headers,
          params: { limit: 2, ...(cursor ? { cursor } : {}) },
        },
      );
      if (!page.data.items) throw new Error(JSON.stringify(page.data));
      seen.push(...page.data.items.map((p) => p.id));
      cursor = page.data.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    const badCursor = await http.get(`${stack.api.url}/v1/campaigns/${res.data.id}/presaves`, {
      headers,
      params: { cursor: 'garbage' },
    });
    expect(badCursor.status).toBe(400);
    expect(badCursor.data.error.code).toBe('invalid_cursor');
    const badStatus = await http.get(`${stack.api.url}/v1/campaigns/${res.data.id}/presaves`, {
      headers,
      params: { status: 'lost' },
    });
    expect(badStatus.status).toBe(400);
  });
});

describe('fan token ledger', () => {
  it('counts pre-savers reachable at release, expiring before it, expired and revoked', async () => {
    const account = await artistAccount(stack);
    const { headers } = account;
    // Seven months out: a refresh token dies six months after consent, before this release.
    const far = new Date(Date.now() + 213 * 24 * 3600_000).toISOString().slice(0, 10);
    const { campaign: res } = await postCampaign(stack, account, 'Ledger', { releaseDate: far });
    for (const user of ['ledger-a', 'ledger-b', 'ledger-c', 'ledger-d'])
      await fanPresaves(stack, res.data.slug, { user });
    const fanOf = (user: string) =>
      stack.db.pool.oneFirst(sql.type(z.object({ id: z.string() }))`
      SELECT id FROM fans WHERE provider_user_id = ${stack.spotify.state.getUser(user)!.accountId}`);
    // a: refresh token good for 200 more days; b: the default six months; both die before the release.
    // c: consent older than six months (expired); d: revoked.
    await stack.db.pool.query(
      sql.unsafe`UPDATE fan_tokens SET refresh_expires_at = now() + interval '200 days' WHERE fan_id = ${await fanOf('ledger-a')}`,
    );
    await stack.db.pool.query(
      sql.unsafe`UPDATE fan_tokens SET refresh_expires_at = now() - interval '1 day' WHERE fan_id = ${await fanOf('ledger-c')}`,
    );
    await stack.db.pool.query(
      sql.unsafe`UPDATE fan_tokens SET status = 'revoked' WHERE fan_id = ${await fanOf('ledger-d')}`,
    );
    const ledger = await http.get(`${stack.api.url}/v1/campaigns/${res.data.id}/ledger`, { headers });
    expect(ledger.data).toEqual({ reachable: 0, expiringBeforeRelease: 2, expired: 1, revoked: 1, foreverSave: 0 });
    // a consents again: reachable.
    await stack.db.pool.query(
      sql.unsafe`UPDATE fan_tokens SET refresh_expires_at = now() + interval '400 days' WHERE fan_id = ${await fanOf('ledger-a')}`,
    );
    expect((await http.get(`${stack.api.url}/v1/campaigns/${res.data.id}/ledger`, { headers })).data).toEqual({
      reachable: 1,
      expiringBeforeRelease: 1,
      expired: 1,
      revoked: 1,
      foreverSave: 0,
    });
    const other = await artistAccount(stack);
    expect(
      (await http.get(`${stack.api.url}/v1/campaigns/${res.data.id}/ledger`, { headers: other.headers })).status,
    ).toBe(404);
  });
});
