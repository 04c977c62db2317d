// How the two Spotify API modes save and follow: Extended Quota apps use PUT /me/albums and PUT /me/following;
// Development-mode apps use PUT /me/library, which (per the 2026 contract) may refuse artist URIs.
import { z } from 'zod';
import { sql } from '../../db/pool';
import {
  addRelease,
  artistAccount,
  fanPresaves,
  http,
  nextUpc,
  releaseInSeconds,
  startReleaseStack,
  waitFor,
  type ReleaseStack,
} from '../helpers/release-stack';

let stack: ReleaseStack;
let strict: ReleaseStack;
beforeAll(async () => {
  stack = await startReleaseStack({ env: { SPOTIFY_API_MODE: 'extended' } });
  strict = await startReleaseStack({ simulator: { artistUrisInLibrary: false } });
});
afterAll(async () => {
  await stack?.close();
  await strict?.close();
});

describe('extended quota mode', () => {
  it('saves the album and follows the artist through the type-specific endpoints', async () => {
    const { headers, artistId } = await artistAccount(stack);
    const upc = nextUpc();
    const created = addRelease(stack, upc, Date.now() - 1_000);
    const release = releaseInSeconds(4);
    const campaign = await http.post(
      `${stack.api.url}/v1/campaigns`,
      {
        artistId,
        title: 'Extended',
        upc,
        releaseDate: release.releaseDate,
        releaseTime: release.releaseTime,
        releasePolicy: 'global',
        timeZone: 'UTC',
      },
      { headers },
    );
    await fanPresaves(stack, campaign.data.slug, { user: 'fan-extended' });
    await waitFor(
      'delivery',
      () => http.get(`${stack.api.url}/v1/campaigns/${campaign.data.id}`, { headers }),
      (r) => r.data.progress.done === 1,
    );
    const calls = stack.spotify.state.calls().filter((c) => c.userId === 'fan-extended' && c.method === 'PUT');
    expect(calls.map((c) => [c.path, c.status])).toEqual([
      ['/v1/me/albums', 200],
      ['/v1/me/following', 204],
    ]);
    expect(
      stack.spotify.state
        .libraryOf('fan-extended')
        .items.map((i) => i.uri)
        .sort(),
    ).toEqual([created.album.uri, created.artist.uri].sort());
  });
});

describe('development mode where Spotify refuses artist URIs in the library call', () => {
  it('still saves the release, without the follow', async () => {
    const { headers, artistId } = await artistAccount(strict);
    const upc = nextUpc();
    const created = addRelease(strict, upc, Date.now() - 1_000);
    const release = releaseInSeconds(4);
    const campaign = await http.post(
      `${strict.api.url}/v1/campaigns`,
      {
        artistId,
        title: 'No Follow',
        upc,
        releaseDate: release.releaseDate,
        releaseTime: release.releaseTime,
        releasePolicy: 'global',
        timeZone: 'UTC',
      },
      { headers },
    );
    await fanPresaves(strict, campaign.data.slug, { user: 'fan-strict' });
    await waitFor(
      'delivery',
      () => http.get(`${strict.api.url}/v1/campaigns/${campaign.data.id}`, { headers }),
      (r) => r.data.progress.done === 1,
    );
    expect(strict.spotify.state.libraryOf('fan-strict').items.map((i) => i.uri)).toEqual([created.album.uri]);
    const events = await strict.db.pool.anyFirst(sql.type(z.object({ type: z.string() }))`
      SELECT type FROM events WHERE campaign_id = ${campaign.data.id} AND fan_id IS NOT NULL ORDER BY type`); // the fan's own (views and clicks name nobody)
    expect(events).toEqual(['AUTH', 'SAVE_TRACK']);
  });
});
