// The Apple Music simulator against the contracts (api-contracts.md §2) and dropday's client of it
// (lib/providers/apple-music.ts): ES256 developer tokens with expiry, catalog by UPC per storefront, pre-adds read
// back, revoked Music-User-Tokens (403 40300, catalog still 200), 429s without Retry-After per team, faults, and
// the MusicKit stand-in's consent page.
import { sign } from 'node:crypto';
import { AppleMusicClient } from '../../lib/providers/apple-music';
import { ProviderError } from '../../lib/providers/errors';
import { sandboxDeveloperKey, startAppleMusicSimulator } from '../../simulators/apple-music';

type Sim = Awaited<ReturnType<typeof startAppleMusicSimulator>>;
const HOUR = 3600_000;
const key = sandboxDeveloperKey('TEAMAAAAAA', 'KEYAAAAAAA');
const otherTeam = sandboxDeveloperKey('TEAMBBBBBB', 'KEYBBBBBBB');
let clock = Date.parse('2026-11-20T12:00:00Z');
let sim: Sim;

const clientOf = (k = key, ttlSeconds = 3600) =>
  new AppleMusicClient({
    apiUrl: sim.url,
    teamId: k.teamId,
    keyId: k.keyId,
    privateKeyPem: k.privateKeyPem.replace(/\n/g, '\\n'), // as an env file carries it
    tokenTtlSeconds: ttlSeconds,
    now: () => clock,
  });

/** A JWT signed by `k` with these claims (for the refusals the client never produces). */
function jwt(k: typeof key, claims: Record<string, unknown>, alg = 'ES256'): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${part({ alg, kid: k.keyId })}.${part(claims)}`;
  const sig = sign('sha256', Buffer.from(unsigned), { key: k.privateKeyPem, dsaEncoding: 'ieee-p1363' });
  return `${unsigned}.${sig.toString('base64url')}`;
}

const control = (path: string, body?: unknown, method = 'POST') =>
  fetch(`${sim.url}/__control${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => (r.status === 204 ? null : ((await r.json()) as Record<string, unknown>)));

async function userToken(fanId: string, storefront = 'us'): Promise<string> {
  await control('/fans', { id: fanId, storefront });
  return (await control(`/fans/${fanId}/user-tokens`, { storefront }))!.musicUserToken as string;
}

const caught = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a ProviderError');
    },
    (e: unknown) => e as ProviderError,
  );

beforeAll(async () => {
  sim = await startAppleMusicSimulator({ keys: [key, otherTeam], now: () => clock });
});
afterAll(() => sim?.close());
beforeEach(async () => {
  clock = Date.parse('2026-11-20T12:00:00Z');
  await control('/reset');
  await control('/config', { ratePerSecond: 1000, hidePrereleaseInLibrary: false }, 'PATCH');
});

describe('developer tokens', () => {
  it('accepts the client’s ES256 token and refuses bad algorithms, foreign keys, expiry and over-long life', async () => {
    const client = clientOf();
    await expect(client.albumByUpc('us', '602445868162')).resolves.toBeNull();
    const now = Math.floor(clock / 1000);
    const refused = [
      jwt(key, { iss: key.teamId, iat: now, exp: now - 1 }), // expired
      jwt(key, { iss: key.teamId, iat: now, exp: now + 15_777_001 }), // beyond six months
      jwt(key, { iss: otherTeam.teamId, iat: now, exp: now + 60 }), // iss not the key's team
      jwt(key, { iss: key.teamId, iat: now, exp: now + 60 }, 'HS256'),
      `${jwt(key, { iss: key.teamId, iat: now, exp: now + 60 }).slice(0, -4)}AAAA`, // signature altered
    ];
    for (const token of refused) {
      const res = await fetch(`${sim.url}/v1/catalog/us/albums?filter[upc]=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { errors: { status: string; code: string }[] };
      expect(body.errors[0]).toMatchObject({ status: '401', code: '40100' });
    }
  });

  it('is renewed before it expires, never sent past its life', async () => {
    const client = clientOf(key, 3600);
    const first = client.developerToken();
    clock += 0.5 * HOUR;
    expect(client.developerToken().token).toBe(first.token);
    clock += 0.45 * HOUR; // less than a tenth of its life left
    const renewed = client.developerToken();
    expect(renewed.token).not.toBe(first.token);
    expect(renewed.expiresAtMs).toBeGreaterThan(first.expiresAtMs);
    clock = first.expiresAtMs + 1; // the old one would be refused now; the client's calls still go through
    await expect(client.albumByUpc('us', '602445868162')).resolves.toBeNull();
  });
});

describe('catalog and library', () => {
  it('finds one UPC under each storefront’s own id, and 404s an id of another storefront', async () => {
    const liveAt = clock + 48 * HOUR;
    await control('/albums', {
      storefront: 'us',
      id: '1500000001',
      upc: '0602445868162',
      name: 'Dawn',
      artistName: 'A',
      liveAt,
    });
    await control('/albums', {
      storefront: 'jp',
      id: '1500000002',
      upc: '0602445868162',
      name: 'Dawn',
      artistName: 'A',
      liveAt,
    });
    const client = clientOf();
    // The campaign's 12-digit UPC finds the catalog's 13-digit form.
    const us = await client.albumByUpc('us', '602445868162');
    const jp = await client.albumByUpc('jp', '602445868162');
    expect(us).toMatchObject({ id: '1500000001', preRelease: true, playable: false, releaseDate: '2026-11-22' });
    expect(jp?.id).toBe('1500000002');
    await expect(client.album('jp', '1500000001')).resolves.toBeNull();
  });

  it('pre-adds a pre-release album: 202, read back before release without playParams, playable after', async () => {
    await control('/albums', {
      storefront: 'us',
      id: '1500000010',
      upc: '602445868162',
      name: 'Dawn',
      artistName: 'A',
      liveAt: clock + HOUR,
    });
    const mut = await userToken('fan-1');
    const client = clientOf();
    await expect(client.libraryAlbumOf(mut, 'us', '1500000010')).resolves.toBeNull();
    await client.addAlbumToLibrary(mut, '1500000010');
    const before = await client.libraryAlbumOf(mut, 'us', '1500000010');
    expect(before).toMatchObject({ libraryId: expect.stringMatching(/^l\./), playable: false });
    clock += 2 * HOUR;
    await expect(client.libraryAlbumOf(mut, 'us', '1500000010')).resolves.toMatchObject({
      libraryId: before!.libraryId,
      playable: true,
    });
    // An id Apple does not have is "added" too (202): only the read-back tells.
    await client.addAlbumToLibrary(mut, '1999999999');
    await expect(client.libraryAlbumOf(mut, 'us', '1999999999')).rejects.toMatchObject({ kind: 'not_found' });
    expect(await control('/fans/fan-1/library', undefined, 'GET')).toHaveLength(1);
  });

  it('can hide a pre-added album until release, as Apple may', async () => {
    await control('/config', { hidePrereleaseInLibrary: true }, 'PATCH');
    await control('/albums', {
      storefront: 'us',
      id: '1500000011',
      upc: '1',
      name: 'Dawn',
      artistName: 'A',
      liveAt: clock + HOUR,
    });
    const mut = await userToken('fan-2');
    const client = clientOf();
    await client.addAlbumToLibrary(mut, '1500000011');
    await expect(client.libraryAlbumOf(mut, 'us', '1500000011')).resolves.toBeNull();
    clock += 2 * HOUR;
    await expect(client.libraryAlbumOf(mut, 'us', '1500000011')).resolves.toMatchObject({ playable: true });
  });

  it('answers a revoked Music-User-Token with 403 40300 on /me while the catalog still works', async () => {
    await control('/albums', {
      storefront: 'us',
      id: '1500000020',
      upc: '1',
      name: 'Dawn',
      artistName: 'A',
      liveAt: clock,
    });
    const mut = await userToken('fan-3', 'gb');
    const client = clientOf();
    await expect(client.userStorefront(mut)).resolves.toBe('gb');
    await control('/fans/fan-3/revoke');
    const error = await caught(client.addAlbumToLibrary(mut, '1500000020'));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'token_invalid', status: 403, code: '40300' });
    await expect(client.userStorefront(mut)).rejects.toMatchObject({ code: '40300' });
    await expect(client.album('us', '1500000020')).resolves.toMatchObject({ playable: true });
    // A token issued to another team is refused the same way.
    const foreign = (await control('/fans/fan-4/user-tokens', { teamId: otherTeam.teamId }))!.musicUserToken as string;
    await expect(client.userStorefront(foreign)).rejects.toMatchObject({ kind: 'token_invalid' });
  });

  it('answers a fan without a subscription with 400 40015 (invalid_request)', async () => {
    await control('/fans', { id: 'fan-5', subscribed: false });
    const mut = (await control('/fans/fan-5/user-tokens', {}))!.musicUserToken as string;
    await control('/albums', {
      storefront: 'us',
      id: '1500000030',
      upc: '1',
      name: 'Dawn',
      artistName: 'A',
      liveAt: clock,
    });
    await expect(clientOf().addAlbumToLibrary(mut, '1500000030')).rejects.toMatchObject({
      kind: 'invalid_request',
      code: '40015',
    });
  });
});

describe('rate limits and faults', () => {
  it('throttles per team with 429s that carry no Retry-After, and clears within a second', async () => {
    await control('/config', { ratePerSecond: 2 }, 'PATCH');
    const client = clientOf();
    await client.album('us', '1');
    await client.album('us', '2');
    const error = await caught(client.album('us', '3'));
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: undefined });
    const raw = await fetch(`${sim.url}/v1/catalog/us/albums/1`, {
      headers: { authorization: `Bearer ${client.developerToken().token}` },
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBeNull();
    // Another developer account is not throttled by this one's traffic.
    await expect(clientOf(otherTeam).album('us', '1')).resolves.toBeNull();
    clock += 1001;
    await expect(client.album('us', '1')).resolves.toBeNull();
    expect((await control('/stats', undefined, 'GET'))!.rateLimited).toBeGreaterThanOrEqual(2);
  });

  it('injects 429s and 5xx on demand', async () => {
    await control('/faults', { kind: '429', count: 1 });
    await control('/faults', { kind: '5xx', count: 1 });
    const client = clientOf();
    await expect(client.album('us', '1')).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: undefined });
    await expect(client.album('us', '1')).rejects.toMatchObject({ kind: 'unavailable', code: '50001' });
    await expect(client.album('us', '1')).resolves.toBeNull();
  });
});

describe('MusicKit stand-in', () => {
  it('serves a script defining the MusicKit global and firing musickitloaded', async () => {
    const res = await fetch(`${sim.url}/musickit/v3/musickit.js`);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const source = await res.text();
    expect(source).toContain('window.MusicKit');
    expect(source).toContain("new Event('musickitloaded')");
    expect(source).toContain(JSON.stringify(sim.url));
  });

  it('refuses a bad developer token on the consent page and hands a token back only to the page’s origin', async () => {
    const a = (token: string) =>
      Buffer.from(JSON.stringify({ thirdPartyName: 'dropday', thirdPartyToken: token })).toString('base64');
    const referrer = 'http://127.0.0.1:3999/l/dawn';
    const bad = await fetch(
      `${sim.url}/musickit/authorize?a=${encodeURIComponent(a('nope'))}&referrer=${encodeURIComponent(referrer)}`,
    );
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain('UNABLE TO VERIFY JWT');

    const good = a(clientOf().developerToken().token);
    const consent = await fetch(
      `${sim.url}/musickit/authorize?a=${encodeURIComponent(good)}&referrer=${encodeURIComponent(referrer)}`,
    );
    expect(await consent.text()).toContain('Allow dropday to access Apple Music?');
    const post = (decision: string) =>
      fetch(`${sim.url}/musickit/authorize`, {
        method: 'POST',
        body: new URLSearchParams({ a: good, referrer, decision, storefront: 'fr' }),
      }).then((r) => r.text());
    const allowed = await post('allow');
    const token = /"musicUserToken":"([^"]+)"/.exec(allowed)?.[1];
    expect(token).toBeDefined();
    expect(allowed).toContain('"http://127.0.0.1:3999")');
    await expect(clientOf().userStorefront(token!)).resolves.toBe('fr');
    expect(await post('deny')).not.toContain('musicUserToken');
  });
});
