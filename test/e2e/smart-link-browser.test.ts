// The fan's smart link in real headless Chromium at phone width (390 px), as a fan uses it (issue 16,
// docs/smart-link.md): before the release, the remind-me form works with the keyboard alone and leads to the
// confirmation e-mail in the sandbox mailbox; after it, every platform the artist listed has its button, and a click
// is recorded with the visit's attribution and redirected to the platform. Each page is scanned with axe-core: no
// serious or critical violation. The platforms' own sites are not reachable from here: the redirect is read on the
// way.
import { readFileSync } from 'node:fs';
import { type Page } from 'playwright-core';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { useChromium } from '../helpers/chromium';
import { deliveredMailTo } from '../helpers/mailbox';
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
const browser = useChromium();
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const PHONE = { width: 390, height: 844 };

const LINKS = [
  { platform: 'spotify', url: 'auto' },
  { platform: 'apple_music', url: 'https://music.apple.com/us/album/midnight-sun/1700000001' },
  { platform: 'deezer', url: 'https://www.deezer.com/album/123456' },
  { platform: 'youtube_music', url: 'https://music.youtube.com/playlist?list=OLAK5uy_browser' },
  { platform: 'bandcamp', url: 'https://lunavey.bandcamp.com/album/midnight-sun' },
];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core run in the page: its serious and critical violations, described. */
async function axeProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(() =>
    (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe
      .run()
      .then((r) => r.violations),
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A phone-sized page in Paris, its script errors collected. */
async function phonePage(problems: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE, timezoneId: 'Europe/Paris' });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    // A missing favicon is no fault of the page's.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  return page;
}

const focusedName = (page: Page) => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name);
const sidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe('the smart link in Chromium at 390 px', () => {
  it('before the release: the remind-me form works with the keyboard alone, to the confirmation e-mail', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Keyboard Only');
    expect(
      (
        await http.put(
          `${stack.api.url}/v1/campaigns/${campaign.id}/links`,
          { links: LINKS },
          { headers: account.headers },
        )
      ).status,
    ).toBe(200);
    const problems: string[] = [];
    const page = await phonePage(problems);
    await page.goto(`${stack.api.url}/l/${campaign.slug}`);
    await page.locator('#remind').waitFor();
    expect(await axeProblems(page)).toEqual([]);
    expect(await sidewaysScroll(page)).toBeLessThanOrEqual(1);

    // Tab through the page to the form's e-mail field: every step on the way is reachable by keyboard.
    for (let i = 0; i < 40 && (await focusedName(page)) !== 'email'; i++) await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('email');
    await page.keyboard.type('keyboard.fan@example.com');
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('phone'); // optional: left empty
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('platform');
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('consent');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Remind me');
    await Promise.all([page.waitForURL(`**/l/${campaign.slug}/subscribe`), page.keyboard.press('Enter')]);
    expect(await page.textContent('h1')).toBe('Check your inbox');
    expect(await axeProblems(page)).toEqual([]);

    const mails = await deliveredMailTo(stack, 'keyboard.fan@example.com');
    expect(mails.map((m) => m.subject)).toEqual(['Confirm your subscription to Luna Vey']);
    expect(mails[0].body).toMatch(/\/s\/\S+ within 7 days/);
    expect(problems).toEqual([]);
  });

  it('after the release: every configured platform has its button; a click is recorded with its attribution and redirects', async () => {
    // Far enough ahead that the engine finds the album live before the instant (a release without fans ends then).
    const created = await accountWithLiveAlbumCampaign(stack, 'Every Button', { secondsAhead: 15 });
    const { id, slug } = created.campaign.data as { id: string; slug: string };
    expect(
      (await http.put(`${stack.api.url}/v1/campaigns/${id}/links`, { links: LINKS }, { headers: created.headers }))
        .status,
    ).toBe(200);
    await waitForCampaign(stack, id, created.headers, 'the release live', (r) => r.data.resolution === 'live');
    while (Date.now() < created.release.at) await new Promise((r) => setTimeout(r, 200));
    const tagged = `${stack.api.url}/l/${slug}?utm_source=newsletter&utm_medium=email&utm_campaign=Drop`;
    await waitFor(
      'the listen page',
      () => http.get(tagged),
      (p) => String(p.data).includes('/go/deezer'),
      20_000,
    );

    const problems: string[] = [];
    const page = await phonePage(problems);
    await page.goto(tagged);
    const buttons = page.locator('a.platform');
    expect(await buttons.evaluateAll((as) => as.map((a) => a.getAttribute('data-platform')))).toEqual(
      LINKS.map((l) => l.platform),
    );
    for (const { platform } of LINKS)
      expect([platform, await page.locator(`a[data-platform=${platform}]`).isVisible()]).toEqual([platform, true]);
    expect(await page.locator('text=Pre-save on Spotify').count()).toBe(0);
    expect(await axeProblems(page)).toEqual([]);
    expect(await sidewaysScroll(page)).toBeLessThanOrEqual(1);

    // The click goes through our tracked redirect; its 302 is read on the way (the browser cannot reach Deezer here).
    const redirects: string[] = [];
    await page.route(/\/go\//, async (route) => {
      const answer = await route.fetch({ maxRedirects: 0 });
      redirects.push(`${answer.status()} ${answer.headers().location}`);
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>platform</title>' });
    });
    await Promise.all([page.waitForURL(/\/go\/deezer\?utm_source=newsletter/), page.click('a[data-platform=deezer]')]);
    expect(redirects).toEqual(['302 https://www.deezer.com/album/123456']);
    const clicks = await waitFor(
      'the click',
      () =>
        stack.db.pool.any(sql.type(
          z.object({
            platform: z.string().nullable(),
            source: z.string().nullable(),
            channel: z.string().nullable(),
            utmCampaign: z.string().nullable(),
          }),
        )`
          SELECT platform, source, channel, utm_campaign AS "utmCampaign" FROM events
          WHERE campaign_id = ${id} AND type = 'CLICK'`),
      (rows) => rows.length > 0,
      10_000,
    );
    expect(clicks).toEqual([{ platform: 'deezer', source: 'newsletter', channel: 'email', utmCampaign: 'Drop' }]);
    expect(problems).toEqual([]);
  });
});
