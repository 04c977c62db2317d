// The smart link in a real browser (headless Debian Chromium): the page's script reads the fan's time zone and
// carries it through the sign-in, so a local release lands at the fan's own midnight.
import { useChromium } from '../helpers/chromium';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { artistAccount, postCampaign, useReleaseStack } from '../helpers/release-stack';

const stack = useReleaseStack({ startWorker: false });
const browser = useChromium();

describe('smart link in Chromium', () => {
  it("pre-saves a local release at the browser's own zone", async () => {
    const { headers, artistId } = await artistAccount(stack);
    const { campaign } = await postCampaign(stack, { headers, artistId }, 'Browser Test', {
      releaseDate: '2031-03-01',
      fields: { releaseTime: '00:00', releasePolicy: 'local' },
    });
    const context = await browser.newContext({ timezoneId: 'America/New_York' });
    const page = await context.newPage();
    await page.goto(campaign.data.landingUrl);
    expect(await page.textContent('h1')).toBe('Browser Test');
    expect(await page.getAttribute('a[data-presave]', 'href')).toBe(
      `/l/${campaign.data.slug}/presave/spotify?tz=America%2FNew_York`,
    );
    expect(await page.textContent('#fan-zone')).toBe('America/New_York');
    await page.click('text=Pre-save on Spotify');
    await page.fill('input[name=user]', 'browser-fan');
    await page.click('button[value=accept]');
    await page.waitForURL(`**/l/${campaign.data.slug}/thanks`);
    expect(await page.textContent('main')).toContain("You're in.");
    // Midnight on 1 March 2031 in New York (EST, UTC-5) is 05:00 UTC.
    const dueAt = await stack.db.pool.oneFirst(sql.type(z.object({ dueAt: z.number() }))`
      SELECT due_at AS "dueAt" FROM presaves WHERE campaign_id = ${campaign.data.id}`);
    expect(new Date(dueAt).toISOString()).toBe('2031-03-01T05:00:00.000Z');
    // Shown in the fan's own zone and language (the browser's), by the page's script.
    expect(await page.textContent('main')).toMatch(/March 1, 2031 at 12:00\sAM \(EST\)/);
    await context.close();
  });
});
