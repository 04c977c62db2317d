// A fan pre-saves through the real HTTP flow and finds the release in their Spotify library at the release
// instant: API → PostgreSQL → Temporal → worker → Spotify simulator, nothing mocked.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { addRelease, artistAccount, fanPresaves, http, nextUpc, releaseInSeconds, startReleaseStack, waitFor, type ReleaseStack } from '../helpers/release-stack';

let stack: ReleaseStack;
beforeAll(async () => {
  stack = await startReleaseStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('pre-save from the smart link to the library', () => {
  it('saves the album and follows the artist at the release instant, once', async () => {
    const { headers, artistId } = await artistAccount(stack);
    const upc = nextUpc();
    const release = releaseInSeconds(6);
    const created = addRelease(stack, upc, release.at);
    const campaign = await http.post(`${stack.api.url}/v1/campaigns`, {
      artistId, title: 'Midnight Sun', upc, releaseDate: release.releaseDate, releaseTime: release.releaseTime,
      releasePolicy: 'global', timeZone: 'UTC', followArtist: true,
    }, { headers });
    expect(campaign.status).toBe(201);
    expect(campaign.data).toMatchObject({ slug: expect.any(String), landingUrl: `${stack.api.url}/l/${campaign.data.slug}`, status: 'scheduled' });

    const landing = await http.get(campaign.data.landingUrl);
    expect(landing.headers['content-type']).toMatch(/text\/html/);
    expect(landing.data).toContain('Midnight Sun');
    expect(landing.data).toContain('Pre-save on Spotify');

    const { callback, authorizeUrl } = await fanPresaves(stack, campaign.data.slug, { user: 'fan-one', tz: 'Europe/Paris' });
    const authorize = new URL(authorizeUrl);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('scope')).toBe('user-library-modify user-library-read user-follow-modify user-follow-read');
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

    const done = await waitFor('delivery', () => http.get(`${stack.api.url}/v1/campaigns/${campaign.data.id}`, { headers }), (r) => r.data.progress.done === 1);
    expect(done.data.resolution).toBe('live');
    const library = stack.spotify.state.libraryOf('fan-one');
    expect(library.items.map((i) => i.uri).sort()).toEqual([created.album.uri, created.artist.uri].sort());
    expect(stack.spotify.state.stats().duplicateSaves).toBe(0);

    // Not before the release instant: the save call came after it.
    const saves = stack.spotify.state.calls().filter((c) => c.path === '/v1/me/library' && c.method === 'PUT' && c.status === 200);
    expect(saves).toHaveLength(1);
    expect(saves[0].at).toBeGreaterThanOrEqual(release.at);

    const presaves = await http.get(`${stack.api.url}/v1/campaigns/${campaign.data.id}/presaves`, { headers });
    expect(presaves.data.items).toEqual([
      { id: expect.any(String), platform: 'spotify', status: 'done', dueAt: new Date(release.at).toISOString(), executedAt: expect.any(String) },
    ]);
    const events = await stack.db.pool.anyFirst(sql.type(z.object({ type: z.string() }))`
      SELECT type FROM events WHERE campaign_id = ${campaign.data.id} ORDER BY type`);
    expect(events).toEqual(['AUTH', 'FOLLOW_ARTIST', 'SAVE_TRACK']);

    // After the release the page is a plain smart link.
    await waitFor('completion', () => http.get(`${stack.api.url}/v1/campaigns/${campaign.data.id}`, { headers }), (r) => r.data.status === 'completed');
    const after = await http.get(campaign.data.landingUrl);
    expect(after.data).toContain(`https://open.spotify.com/album/${created.album.id}`);
    expect(after.data).not.toContain('Pre-save on Spotify');
  });
});
