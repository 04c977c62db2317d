// How the two Spotify API modes save and follow: Extended Quota apps use PUT /me/albums and PUT /me/following;
// Development-mode apps use PUT /me/library, which (per the 2026 contract) may refuse artist URIs.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { accountWithLiveAlbumCampaign, fanPresaves, useReleaseStack, waitForCampaign } from '../helpers/release-stack';

const stack = useReleaseStack({ env: { SPOTIFY_API_MODE: 'extended' } });
const strict = useReleaseStack({ simulator: { artistUrisInLibrary: false } });

describe('extended quota mode', () => {
  it('saves the album and follows the artist through the type-specific endpoints', async () => {
    const { headers, created, campaign } = await accountWithLiveAlbumCampaign(stack, 'Extended', { secondsAhead: 4 });
    await fanPresaves(stack, campaign.data.slug, { user: 'fan-extended' });
    await waitForCampaign(stack, campaign.data.id, headers, 'delivery', (r) => r.data.progress.done === 1);
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
    const { headers, created, campaign } = await accountWithLiveAlbumCampaign(strict, 'No Follow', { secondsAhead: 4 });
    await fanPresaves(strict, campaign.data.slug, { user: 'fan-strict' });
    await waitForCampaign(strict, campaign.data.id, headers, 'delivery', (r) => r.data.progress.done === 1);
    expect(strict.spotify.state.libraryOf('fan-strict').items.map((i) => i.uri)).toEqual([created.album.uri]);
    const events = await strict.db.pool.anyFirst(sql.type(z.object({ type: z.string() }))`
      SELECT type FROM events WHERE campaign_id = ${campaign.data.id} AND fan_id IS NOT NULL ORDER BY type`); // the fan's own (views and clicks name nobody)
    expect(events).toEqual(['AUTH', 'SAVE_TRACK']);
  });
});
