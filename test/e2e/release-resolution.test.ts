// The resolution states of DESIGN's verify step: a release found by UPC whose album does not carry the campaign's
// ISRC stays a candidate (nothing is delivered to a possibly wrong album, and the artist is told); an album that
// carries both identifiers but is listed ahead of its day is confirmed, not live; once out it is live.
import { sql } from 'slonik';
import { z } from 'zod';
import {
  artistAccount,
  fanPresaves,
  http,
  nextUpc,
  postCampaign,
  useReleaseStack,
  waitFor,
} from '../helpers/release-stack';

const stack = useReleaseStack();
const DAY_MS = 86_400_000;

let isrcCounter = 0;
const nextIsrc = () => `QZRS${String((Date.now() + isrcCounter++) % 1e8).padStart(8, '0')}`;

/** An album in the simulator's catalogue, saveable now, whose `release_date` is `releaseDate`. */
function listAlbum(upc: string, isrc: string, releaseDate?: string) {
  stack.spotify.state.addRelease({
    artist: { name: 'Luna Vey' },
    album: { name: 'Midnight Sun', upc, releaseDate, tracks: [{ name: 'Midnight Sun', isrc }] },
    liveAt: Date.now() - 1_000,
  });
}

async function campaignFor(ids: { upc: string; isrc: string }, secondsAhead = 3600) {
  const account = await artistAccount(stack);
  const { campaign } = await postCampaign(stack, account, `Resolution ${ids.upc}`, {
    upc: ids.upc,
    secondsAhead,
    fields: { isrc: ids.isrc },
  });
  expect(campaign.status).toBe(201);
  const resolved = () =>
    waitFor(
      'the release looked up',
      () => http.get(`${stack.api.url}/v1/campaigns/${campaign.data.id}`, { headers: account.headers }),
      (r) => r.data.resolution !== 'unresolved',
    );
  return { account, campaign: campaign.data as { id: string; slug: string }, resolved };
}

describe('release resolution', () => {
  it('is live when the album carries both the UPC and the ISRC and is out', async () => {
    const ids = { upc: nextUpc(), isrc: nextIsrc() };
    listAlbum(ids.upc, ids.isrc);
    const { resolved } = await campaignFor(ids);
    expect((await resolved()).data.resolution).toBe('live');
  });

  it('is confirmed, not live, while the album carrying both identifiers is listed ahead of its day', async () => {
    const ids = { upc: nextUpc(), isrc: nextIsrc() };
    listAlbum(ids.upc, ids.isrc, new Date(Date.now() + 3 * DAY_MS).toISOString().slice(0, 10));
    const { resolved } = await campaignFor(ids);
    expect((await resolved()).data.resolution).toBe('confirmed');
  });

  it('stays a candidate, delivers nothing and alerts the artist when the ISRC is not on the album the UPC finds', async () => {
    const ids = { upc: nextUpc(), isrc: nextIsrc() };
    listAlbum(ids.upc, ids.isrc);
    const otherIsrc = nextIsrc();
    listAlbum(nextUpc(), otherIsrc); // the ISRC the artist typed belongs to another album
    const { account, campaign, resolved } = await campaignFor({ upc: ids.upc, isrc: otherIsrc }, 3);
    expect((await resolved()).data.resolution).toBe('candidate');
    const callback = await fanPresaves(stack, campaign.slug, { user: `fan-mismatch-${campaign.id}` });
    expect(callback.callback.status).toBeLessThan(400);

    const alerts = await waitFor(
      'the artist alerted',
      () =>
        stack.db.pool.anyFirst(sql.type(z.object({ kind: z.string() }))`
          SELECT kind FROM notifications WHERE data->>'campaignId' = ${campaign.id}`),
      (kinds) => kinds.length > 0,
    );
    expect(alerts).toEqual(['release_unresolved']);
    await new Promise((r) => setTimeout(r, 5_000)); // past the release instant, with live checks running
    const view = await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}`, { headers: account.headers });
    expect(view.data.resolution).toBe('candidate');
    expect(view.data.progress).toMatchObject({ total: 1, pending: 1, done: 0 });
  });
});
