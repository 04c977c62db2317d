// Every platform on the smart link (issue 16): the artist lists the release's links per platform through the API
// (validated per platform host, "auto" filled from dropday's catalog lookup); before the release the page offers
// the Spotify pre-save and "remind me" for the rest; after it, every listed platform, each click through
// /l/:slug/go/:platform recorded with the visit's attribution and counted in analytics; the fan's choice remembered
// for the artist only when they ask.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { rollUp } from '../helpers/analytics-fixture';
import {
  accountWithLiveAlbumCampaign,
  artistAccount,
  createCampaign,
  http,
  useReleaseStack,
  waitFor,
  waitForCampaign,
} from '../helpers/release-stack';

const stack = useReleaseStack({ env: { EVENT_BUFFER_FLUSH_MS: '50' } });

const LINKS = [
  { platform: 'spotify', url: 'auto' },
  { platform: 'youtube_music', url: 'https://music.youtube.com/playlist?list=OLAK5uy_test' },
  { platform: 'deezer', url: 'https://www.deezer.com/album/123456' },
  { platform: 'tidal', url: 'https://tidal.com/browse/album/98765' },
  { platform: 'amazon_music', url: 'https://music.amazon.com/albums/B0TEST' },
  { platform: 'soundcloud', url: 'https://soundcloud.com/luna-vey/sets/midnight-sun' },
  { platform: 'bandcamp', url: 'https://lunavey.bandcamp.com/album/midnight-sun' },
  { platform: 'beatport', url: 'https://www.beatport.com/release/midnight-sun/1234' },
  { platform: 'audiomack', url: 'https://audiomack.com/luna-vey/album/midnight-sun' },
  { platform: 'apple_music', url: 'auto' },
];

const clicksOf = (campaignId: string) =>
  stack.db.pool.any(sql.type(
    z.object({
      platform: z.string().nullable(),
      source: z.string().nullable(),
      channel: z.string().nullable(),
      utmCampaign: z.string().nullable(),
    }),
  )`
    SELECT platform, source, channel, utm_campaign AS "utmCampaign" FROM events
    WHERE campaign_id = ${campaignId} AND type = 'CLICK' ORDER BY id`);

const putLinks = (id: string, headers: Record<string, string>, links: unknown) =>
  http.put(`${stack.api.url}/v1/campaigns/${id}/links`, { links }, { headers });

describe('platform links', () => {
  it('accepts only https links on each platform own hosts, and "auto" only where dropday can fill it', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Validated Links');
    const refused = [
      [{ platform: 'deezer', url: 'https://evil.example/album/1' }],
      [{ platform: 'deezer', url: 'http://www.deezer.com/album/1' }],
      [{ platform: 'tidal', url: 'https://tidal.com.evil.example/album/1' }],
      [{ platform: 'bandcamp', url: 'https://bandcamp.com.evil.example/x' }],
      [{ platform: 'deezer', url: 'auto' }],
      [{ platform: 'myspace', url: 'https://myspace.com/x' }],
      [
        { platform: 'deezer', url: 'https://www.deezer.com/album/1' },
        { platform: 'deezer', url: 'https://www.deezer.com/album/2' },
      ],
      [{ platform: 'spotify', url: 'https://user:pw@open.spotify.com/album/1' }],
    ];
    for (const links of refused) {
      const res = await putLinks(campaign.id, account.headers, links);
      expect([JSON.stringify(links), res.status, res.data.error?.code]).toEqual([
        JSON.stringify(links),
        400,
        'validation_failed',
      ]);
    }
    // Nothing was stored by a refused request.
    expect(
      (await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/links`, { headers: account.headers })).data.links,
    ).toEqual([]);

    const saved = await putLinks(campaign.id, account.headers, LINKS);
    expect(saved.status).toBe(200);
    expect(saved.data.links.map((l: { platform: string }) => l.platform)).toEqual(LINKS.map((l) => l.platform));
    // Spotify is filled (a search until the album is resolved); Apple Music waits for its lookup: not shown.
    expect(saved.data.links[0].resolvedUrl).toMatch(/^https:\/\/open\.spotify\.com\//);
    expect(saved.data.links.at(-1)).toEqual({ platform: 'apple_music', url: 'auto', resolvedUrl: null });
    expect(saved.data.shown).not.toContain('apple_music');

    // Before the release: pre-save on Spotify, "remind me" for the platforms dropday cannot act on.
    const page = await http.get(campaign.landingUrl);
    expect(page.data).toContain('Pre-save on Spotify');
    expect(page.data).toContain('Listening on YouTube Music, Deezer, TIDAL, Amazon Music, SoundCloud, Bandcamp');
    expect(page.data).not.toContain('/go/deezer');
    expect(page.data).not.toContain('Countdown on Spotify');

    // The Spotify Countdown Page: only on open.spotify.com; once added, the page (cache and all) shows it.
    const countdown = 'https://open.spotify.com/prerelease/5yDqGxXdvXsFsCkRS0MzHu';
    const wrong = await http.put(
      `${stack.api.url}/v1/campaigns/${campaign.id}/links`,
      { links: LINKS, spotifyCountdownUrl: 'https://countdown.example/x' },
      { headers: account.headers },
    );
    expect(wrong.status).toBe(400);
    const added = await http.put(
      `${stack.api.url}/v1/campaigns/${campaign.id}/links`,
      { links: LINKS, spotifyCountdownUrl: countdown },
      { headers: account.headers },
    );
    expect(added.data.spotifyCountdownUrl).toBe(countdown);
    const shown = await waitFor(
      'the countdown link on the page',
      () => http.get(campaign.landingUrl),
      (p) => String(p.data).includes(`href="${countdown}"`),
      5_000,
    );
    expect(shown.data).toContain('Countdown on Spotify');
  });

  it('after the release shows every listed platform; each click is recorded with its attribution and counted', async () => {
    const created = await accountWithLiveAlbumCampaign(stack, 'Every Platform', { secondsAhead: 1 });
    const { id, slug } = created.campaign.data as { id: string; slug: string };
    // The page is read (and kept by the campaign cache) before the links are listed: the change must show.
    expect((await http.get(`${stack.api.url}/l/${slug}`)).status).toBe(200);
    expect((await putLinks(id, created.headers, LINKS)).status).toBe(200);
    await waitForCampaign(stack, id, created.headers, 'the release live', (r) => r.data.resolution === 'live');

    const tagged = '?utm_source=newsletter&utm_medium=email&utm_campaign=Drop';
    const page = await waitFor(
      'the listen page',
      () => http.get(`${stack.api.url}/l/${slug}${tagged}`),
      (p) => String(p.data).includes('/go/deezer'),
      20_000,
    );
    expect(page.data).not.toContain('Pre-save on Spotify');
    const shown = LINKS.filter((l) => l.platform !== 'apple_music');
    for (const { platform } of shown)
      expect([platform, String(page.data)]).toEqual([
        platform,
        expect.stringContaining(`/l/${slug}/go/${platform}?utm_source=newsletter`),
      ]);
    expect(page.data).toContain('Listen on TIDAL');
    expect(page.data).not.toContain('/go/apple_music');

    for (const { platform, url } of shown) {
      const go = await http.get(`${stack.api.url}/l/${slug}/go/${platform}${tagged}`);
      expect([platform, go.status]).toEqual([platform, 302]);
      if (url !== 'auto') expect(go.headers.location).toBe(url);
      else expect(go.headers.location).toBe(`https://open.spotify.com/album/${created.created.album.id}`);
      expect(go.headers['set-cookie']).toBeUndefined(); // nothing remembered unless asked
    }
    expect((await http.get(`${stack.api.url}/l/${slug}/go/apple_music`)).status).toBe(404);
    expect((await http.get(`${stack.api.url}/l/${slug}/go/napster`)).status).toBe(404);

    const clicks = await waitFor(
      'the clicks',
      () => clicksOf(id),
      (rows) => rows.length === shown.length,
      10_000,
    );
    expect(clicks.map((c) => c.platform)).toEqual(shown.map((l) => l.platform));
    for (const c of clicks) expect(c).toMatchObject({ source: 'newsletter', channel: 'email', utmCampaign: 'Drop' });

    await rollUp(stack); // the analytics route reads rollups (docs/analytics.md)
    const analytics = await http.get(`${stack.api.url}/v1/campaigns/${id}/analytics`, { headers: created.headers });
    expect(analytics.status).toBe(200);
    expect(analytics.data.funnel.clicks).toBe(shown.length);
    expect(analytics.data.clicksByPlatform).toHaveLength(shown.length);
    expect(analytics.data.clicksByPlatform).toContainEqual({ platform: 'deezer', clicks: 1 });

    // The fan ticked "remember my choice": a first-party cookie for this artist, read by the page's own script.
    const remembered = await http.get(`${stack.api.url}/l/${slug}/go/tidal?remember=1`);
    const cookie = String(remembered.headers['set-cookie']);
    expect(cookie).toContain(`dd_platform_${created.artistId.replace(/-/g, '')}=tidal`);
    expect(cookie).toMatch(/SameSite=Lax/i);
    // The page stays the same for every visitor (cacheable): the choice is applied in the browser.
    const again = await http.get(`${stack.api.url}/l/${slug}${tagged}`, { headers: { cookie: cookie.split(';')[0] } });
    expect(again.data).toBe(page.data);
    expect(again.headers['cache-control']).toContain('public');
  });
});
