// Apple Music pre-adds end to end (issue 16): a fan posts the Music-User-Token MusicKit gave them; a pre-release
// album is added at once and read back before release, and is in the library at release; a fan whose token Apple
// refuses is marked for re-authorization and never retried; 429s without Retry-After slow the wave and lose no
// one; bad input changes nothing. Real PostgreSQL, Temporal, worker and API; Apple only through its simulator.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { rollUp } from '../helpers/analytics-fixture';
import {
  accountWithLiveAlbumCampaign,
  artistAccount,
  http,
  useReleaseStack,
  waitForCampaign,
} from '../helpers/release-stack';

const stack = useReleaseStack({ appleMusic: { ratePerSecond: 1000 } });
afterEach(() => stack.appleMusic.state.faults.clear());

const sim = () => stack.appleMusic.state;

async function appleCampaign(title: string, secondsAhead: number, albumLiveAt: 'at-release' | 'already') {
  const made = await accountWithLiveAlbumCampaign(stack, title, {
    secondsAhead,
    fields: { platforms: ['spotify', 'apple_music'] },
  });
  expect(made.campaign.status).toBe(201);
  const liveAt = albumLiveAt === 'already' ? Date.now() - 60_000 : made.release.at;
  const album = sim().addAlbum({ storefront: 'us', upc: made.upc, name: title, artistName: 'Luna Vey', liveAt });
  return { ...made, id: made.campaign.data.id as string, slug: made.campaign.data.slug as string, album };
}

/** A listener at Apple and the token MusicKit would hand the page after they allowed dropday. */
function appleFan(name: string, storefront = 'us') {
  const fan = sim().upsertFan({ id: name, storefront });
  return { fanId: fan.id, musicUserToken: sim().issueUserToken(teamId(), fan.id, storefront) };
}
const teamId = () => stack.config.APPLE_MUSIC_TEAM_ID!;

const postToken = (slug: string, body: unknown, origin = stack.api.url) =>
  http.post(`${stack.api.url}/l/${slug}/presave/apple-music`, body, { headers: { origin } });

const inLibrary = (fanId: string, albumId: string) =>
  [...sim().libraryOf(fanId).values()].some((entry) => entry.catalogId === albumId);

const presaveRows = (campaignId: string) =>
  stack.db.pool.any(sql.type(
    z.object({ state: z.string(), reason: z.string().nullable(), preadded: z.boolean(), platform: z.string() }),
  )`SELECT state, reason, preadded_at IS NOT NULL AS preadded, platform FROM presaves WHERE campaign_id = ${campaignId}
    ORDER BY created_at`);

describe('Apple Music pre-adds', () => {
  it('pre-adds a pre-release album at consent, verified before and at release; a revoked fan is marked, not retried', async () => {
    const c = await appleCampaign('Dawn', 12, 'at-release');
    const page = await http.get(`${stack.api.url}/l/${c.slug}`);
    expect(page.data).toContain('Pre-add on Apple Music');
    expect(String(page.headers['content-security-policy'])).toContain(stack.appleMusic.url);

    const ana = appleFan('ana');
    const res = await postToken(c.slug, { musicUserToken: ana.musicUserToken, timeZone: 'Europe/Paris' });
    expect(res.status).toBe(201);
    expect(res.data).toMatchObject({ platform: 'apple_music', storefront: 'us', preAdded: true });
    // Before release: in the library (read back), not playable yet, and the token is stored encrypted only.
    expect(inLibrary('ana', c.album.id)).toBe(true);
    const stored = await stack.db.pool.oneFirst(sql.type(z.object({ t: z.string() }))`
      SELECT user_token_enc AS t FROM apple_music_tokens`);
    expect(stored).not.toContain(ana.musicUserToken);

    const ben = appleFan('ben');
    expect((await postToken(c.slug, { musicUserToken: ben.musicUserToken })).status).toBe(201);
    sim().revokeFan('ben'); // e.g. a password change at Apple before release day
    expect(Date.now()).toBeLessThan(c.release.at);

    const view = await waitForCampaign(stack, c.id, c.headers, 'settled', (r) => r.data.progress.pending === 0);
    expect(view.data.progress).toMatchObject({ total: 2, done: 1, revoked: 1 });
    expect(await presaveRows(c.id)).toEqual([
      { state: 'done', reason: null, preadded: true, platform: 'apple_music' },
      { state: 'revoked', reason: 'reauthorize', preadded: true, platform: 'apple_music' },
    ]);
    expect(inLibrary('ana', c.album.id)).toBe(true);
    const status = await stack.db.pool.oneFirst(sql.type(z.object({ status: z.string() }))`
      SELECT status FROM apple_music_tokens t JOIN presaves p ON p.fan_id = t.fan_id WHERE p.state = 'revoked'`);
    expect(status).toBe('reauthorize');
    // Never retried: no further calls with ben's token after the one refusal.
    const refused = sim().counters.userTokenRefused;
    await new Promise((r) => setTimeout(r, 1500));
    expect(sim().counters.userTokenRefused).toBe(refused);
    const list = await http.get(`${stack.api.url}/v1/campaigns/${c.id}/presaves`, { headers: c.headers });
    expect(list.data.items.map((i: { platform: string }) => i.platform)).toEqual(['apple_music', 'apple_music']);
    const spotifyOnly = await http.get(`${stack.api.url}/v1/campaigns/${c.id}/presaves?platform=spotify`, {
      headers: c.headers,
    });
    expect(spotifyOnly.data.items).toEqual([]);
    // Per platform in the analytics (and the dashboard's table built from it), once the rollup has caught up.
    await rollUp(stack);
    const analytics = await http.get(`${stack.api.url}/v1/campaigns/${c.id}/analytics`, { headers: c.headers });
    expect(analytics.data.delivery.byPlatform).toEqual([
      { platform: 'apple_music', total: 2, pending: 0, done: 1, failed: 0, revoked: 1, cancelled: 0, foreverSave: 0 },
    ]);
  });

  it('adds an album already out at the release instant, through 429s without Retry-After, losing no one', async () => {
    const c = await appleCampaign('Noon', 25, 'already');
    const fans = Array.from({ length: 12 }, (_, i) => appleFan(`storm-${i}`));
    for (const fan of fans) {
      const res = await postToken(c.slug, { musicUserToken: fan.musicUserToken });
      expect(res.status).toBe(201);
      expect(res.data.preAdded).toBe(false); // out already: added in the wave, not at consent
    }
    expect(fans.some((f) => inLibrary(f.fanId, c.album.id))).toBe(false);
    // Throttling at release: half the calls answered 429 (no Retry-After) for three seconds, and a tight team rate.
    sim().faults.add({ kind: '429', rate: 0.5, seed: 7, durationMs: 3_000, path: '/v1/me' }, Date.now() + 24_000);
    const before = sim().counters.rateLimited;
    const view = await waitForCampaign(stack, c.id, c.headers, 'settled', (r) => r.data.progress.pending === 0, 90_000);
    expect(view.data.progress).toMatchObject({ total: 12, done: 12, failed: 0, revoked: 0 });
    for (const fan of fans) expect(inLibrary(fan.fanId, c.album.id)).toBe(true);
    expect(sim().counters.rateLimited).toBeGreaterThan(before);
  });

  it('refuses bad input and changes nothing', async () => {
    const c = await appleCampaign('Dusk', 3600, 'at-release');
    const fan = appleFan('carl');
    const count = () =>
      stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT (SELECT count(*) FROM presaves)::int + (SELECT count(*) FROM apple_music_tokens)::int AS n`);
    const before = await count();
    expect((await postToken(c.slug, { musicUserToken: fan.musicUserToken }, 'https://evil.example')).status).toBe(403);
    const forged = await postToken(c.slug, { musicUserToken: 'mut.not-one-the-simulator-issued' });
    expect(forged.status).toBe(400);
    expect(forged.data.error.code).toBe('invalid_music_user_token');
    expect((await postToken(c.slug, { musicUserToken: fan.musicUserToken, extra: 1 })).status).toBe(400);
    expect((await postToken('no-such-release', { musicUserToken: fan.musicUserToken })).status).toBe(404);
    // A campaign that did not choose Apple Music offers no pre-add there.
    const spotifyOnly = await accountWithLiveAlbumCampaign(stack, 'Only Spotify', { secondsAhead: 3600 });
    const slug = spotifyOnly.campaign.data.slug as string;
    expect((await http.get(`${stack.api.url}/l/${slug}`)).data).not.toContain('Apple Music');
    expect((await postToken(slug, { musicUserToken: fan.musicUserToken })).status).toBe(404);
    expect(await count()).toBe(before);
    expect(inLibrary('carl', c.album.id)).toBe(false);
  });

  it('waits through Apple’s 429s at consent instead of refusing the fan', async () => {
    const c = await appleCampaign('Throttled', 3600, 'at-release');
    sim().faults.add({ kind: '429', count: 2, path: '/v1/me/storefront' });
    sim().faults.add({ kind: '429', count: 1, path: '/v1/me/library' });
    const res = await postToken(c.slug, { musicUserToken: appleFan('eve').musicUserToken });
    expect(res.status).toBe(201);
    expect(res.data.preAdded).toBe(true);
    expect(sim().faults.list()).toEqual([]);
  });

  it('shows one account’s per-platform state to no other account', async () => {
    const c = await appleCampaign('Tenant', 3600, 'at-release');
    expect((await postToken(c.slug, { musicUserToken: appleFan('dora').musicUserToken })).status).toBe(201);
    const other = await artistAccount(stack);
    for (const path of [`/presaves?platform=apple_music`, `/analytics`]) {
      const mine = await http.get(`${stack.api.url}/v1/campaigns/${c.id}${path}`, { headers: c.headers });
      expect(mine.status).toBe(200);
      const theirs = await http.get(`${stack.api.url}/v1/campaigns/${c.id}${path}`, { headers: other.headers });
      expect(theirs.status).toBe(404);
      expect(JSON.stringify(theirs.data)).not.toContain('apple_music');
    }
  });
});
