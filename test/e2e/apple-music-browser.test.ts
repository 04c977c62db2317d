// The Apple Music pre-add in a real browser (headless Debian Chromium): the smart link loads MusicKit from
// APPLE_MUSIC_MUSICKIT_URL — here the simulator's stand-in, with the same `MusicKit` global as Apple's — and the
// page's own code configures it, authorizes in the consent pop-up, and posts the Music-User-Token. The fan has the
// album before release (read back) and at release (playable).
import { z } from 'zod';
import { sql } from '../../db/pool';
import { AppleMusicClient } from '../../lib/providers/apple-music';
import { useChromium } from '../helpers/chromium';
import { accountWithLiveAlbumCampaign, useReleaseStack, waitForCampaign } from '../helpers/release-stack';

const stack = useReleaseStack();
const browser = useChromium();

describe('Apple Music pre-add in Chromium', () => {
  it('a fan pre-adds from the page and has the album before and at release', async () => {
    const made = await accountWithLiveAlbumCampaign(stack, 'Browser Dawn', {
      secondsAhead: 25,
      fields: { platforms: ['spotify', 'apple_music'] },
    });
    const { slug, id, landingUrl } = made.campaign.data as { slug: string; id: string; landingUrl: string };
    const sim = stack.appleMusic.state;
    const album = sim.addAlbum({
      storefront: 'gb',
      upc: made.upc,
      name: 'Browser Dawn',
      artistName: 'Luna Vey',
      liveAt: made.release.at,
    });

    const context = await browser.newContext({ timezoneId: 'Europe/London' });
    const page = await context.newPage();
    await page.goto(landingUrl);
    const button = page.locator('#apple-music-presave');
    await button.waitFor();
    await page.waitForFunction(() => !(document.getElementById('apple-music-presave') as HTMLButtonElement).disabled);
    const [popup] = await Promise.all([context.waitForEvent('page'), button.click()]);
    await popup.waitForLoadState();
    expect(await popup.textContent('h1')).toContain('Allow dropday to access Apple Music?');
    await popup.selectOption('select[name=storefront]', 'gb');
    await popup.click('#allow');
    await page.waitForURL(`**/l/${slug}/thanks?platform=apple_music`);

    // Before release: stored, pre-added and read back; the album sits in the fan's library, not playable yet.
    const [issued] = [...sim.userTokens.entries()];
    const [musicUserToken, { fanId }] = issued;
    const row = await stack.db.pool.one(sql.type(
      z.object({ state: z.string(), preadded: z.boolean(), zone: z.string().nullable() }),
    )`SELECT p.state, p.preadded_at IS NOT NULL AS preadded, f.time_zone AS zone
      FROM presaves p JOIN fans f ON f.id = p.fan_id WHERE p.campaign_id = ${id} AND p.platform = 'apple_music'`);
    expect(row).toEqual({ state: 'pending', preadded: true, zone: 'Europe/London' });
    const client = new AppleMusicClient({
      apiUrl: stack.appleMusic.url,
      teamId: stack.config.APPLE_MUSIC_TEAM_ID!,
      keyId: stack.config.APPLE_MUSIC_KEY_ID!,
      privateKeyPem: stack.config.APPLE_MUSIC_PRIVATE_KEY!,
    });
    expect(Date.now()).toBeLessThan(made.release.at);
    expect(await client.libraryAlbumOf(musicUserToken, 'gb', album.id)).toMatchObject({ playable: false });

    // At release: the engine reads it back and marks it done; the album is playable in the fan's library.
    const view = await waitForCampaign(stack, id, made.headers, 'delivered', (r) => r.data.progress.pending === 0);
    expect(view.data.progress).toMatchObject({ total: 1, done: 1 });
    expect(await client.libraryAlbumOf(musicUserToken, 'gb', album.id)).toMatchObject({ playable: true });
    expect(sim.libraryOf(fanId).size).toBe(1);
    await context.close();
  });
});
