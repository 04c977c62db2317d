// The forever-save box in a real browser (headless Chromium): unticked, the Spotify pre-save records no opt-in;
// ticked, the page's script carries the tick through Spotify's consent page, the opt-in is stored, and the
// thank-you page says so with its stop link. docs/forever-save.md.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { useChromium } from '../helpers/chromium';
import { artistAccount, postCampaign, useReleaseStack } from '../helpers/release-stack';

const stack = useReleaseStack({ startWorker: false });
const browser = useChromium();

const optIns = () =>
  stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM forever_saves`);

describe('forever-save box in Chromium', () => {
  it('stores the opt-in only when the fan ticks the box', async () => {
    const account = await artistAccount(stack);
    const { campaign } = await postCampaign(stack, account, 'Box Test', { releaseDate: '2031-03-01' });
    const presave = async (user: string, tick: boolean) => {
      const context = await browser.newContext({ timezoneId: 'Europe/Paris' });
      const page = await context.newPage();
      await page.goto(campaign.data.landingUrl);
      expect(await page.isChecked('#forever-save')).toBe(false);
      if (tick) await page.check('#forever-save');
      await page.click('text=Pre-save on Spotify');
      await page.fill('input[name=user]', user);
      await page.click('button[value=accept]');
      await page.waitForURL(`**/l/${campaign.data.slug}/thanks`);
      const text = await page.textContent('main');
      await context.close();
      return text;
    };
    const plain = await presave('box-plain', false);
    expect(plain).not.toContain('next releases');
    expect(await optIns()).toBe(0);
    const ticked = await presave('box-ticked', true);
    expect(ticked).toContain("We will also save Luna Vey's next releases for you.");
    expect(ticked).toContain('Stop saving their next releases');
    expect(await optIns()).toBe(1);
  });
});
