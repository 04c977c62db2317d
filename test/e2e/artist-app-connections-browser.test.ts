// The second half of the artist app in real headless Chromium: sign up with Google (OpenID Connect against the
// Google simulator), add an artist and a campaign for a release no catalogue shows yet, upload its artwork and see it
// on the smart link (served by dropday, under img-src 'self'), then connect Meta through the simulator on the
// connections page and disconnect it after the page says what that does. Every page is scanned with axe-core at
// 1280 px and 390 px (no serious or critical violation, no sideways scroll); screenshots go to
// test-output/artist-app/ for a reviewer.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Page } from 'playwright-core';
import sharp from 'sharp';
import { startGoogleSimulator } from '../../simulators/google';
import { startMetaSimulator } from '../../simulators/meta';
import { GOOGLE_APP, googleEnv, META_APP, metaEnv } from '../helpers/ad-simulators';
import { useChromium } from '../helpers/chromium';
import { nextUpc, useReleaseStack } from '../helpers/release-stack';

let google: Awaited<ReturnType<typeof startGoogleSimulator>>;
let meta: Awaited<ReturnType<typeof startMetaSimulator>>;
beforeAll(async () => {
  google = await startGoogleSimulator(GOOGLE_APP);
  meta = await startMetaSimulator(META_APP);
});
const stack = useReleaseStack(() => ({ env: { ...googleEnv(google), ...metaEnv(meta) } }));
afterAll(async () => {
  await google?.close();
  await meta?.close();
});
const browser = useChromium();
const OUT = path.join(__dirname, '..', '..', 'test-output', 'artist-app');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core run in the page (evaluated through the debugging protocol, so the strict CSP stays as it is). */
async function axeProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(() =>
    (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe
      .run()
      .then((r) => r.violations),
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${page.url()} ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

describe('the artist app in Chromium: Google, artwork, connections', () => {
  it('signs up with Google, uploads artwork seen on the smart link, connects and disconnects Meta', async () => {
    await mkdir(OUT, { recursive: true });
    const problems: string[] = [];
    const a11y: string[] = [];
    const shots: string[] = [];
    const watch = (page: Page) => {
      page.on('console', (m) => {
        // A missing favicon (ours and the simulators' pages have none) is not the page's fault.
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
          problems.push(`${page.url()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(e.message));
    };
    async function look(page: Page, name: string) {
      a11y.push(...(await axeProblems(page)));
      const size = page.viewportSize()!;
      await page.screenshot({ path: path.join(OUT, `${name}-desktop.png`), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 1) problems.push(`${name}: ${overflow}px wider than a 390 px screen`);
      a11y.push(...(await axeProblems(page)));
      await page.screenshot({ path: path.join(OUT, `${name}-phone.png`), fullPage: true });
      await page.setViewportSize(size);
      shots.push(name);
    }

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    watch(page);

    // Sign up with Google: the simulator's consent page, then the new account's name.
    await page.goto(`${stack.api.url}/app`);
    await look(page, 'sign-in-with-google');
    await page.click('#google-sign-in');
    await page.waitForURL(`${google.url}/**`);
    await page.fill('input[name=email]', 'luna.google@example.com');
    await page.click('button[value=accept]');
    await page.waitForSelector('#create-google-account');
    await look(page, 'google-new-account');
    await page.fill('#name', 'Luna Vey');
    await page.click('#create-google-account');
    await page.waitForSelector('#sign-out');

    // An artist and a campaign for a release no catalogue shows yet.
    await page.goto(`${stack.api.url}/app/artists`);
    await page.fill('#artist-name', 'Luna Vey');
    await page.click('text=Add artist');
    await page.waitForURL('**/app/campaigns/new');
    await page.fill('#upc', nextUpc());
    await page.fill('#title', 'Not Out Yet');
    await page.fill('#releaseDate', '2031-03-06');
    await page.click('#create-campaign');
    await page.waitForURL(/\/app\/campaigns\/[0-9a-f-]{36}$/);
    expect(await page.locator('#campaign-art').count()).toBe(0);

    // Upload its artwork: the page shows it, served by dropday at the size it asks for.
    const cover = await sharp({ create: { width: 900, height: 900, channels: 3, background: '#8e44ad' } })
      .png()
      .toBuffer();
    await page.setInputFiles('#artwork-file', { name: 'cover.png', mimeType: 'image/png', buffer: cover });
    await Promise.all([page.waitForNavigation(), page.click('#upload-artwork')]);
    await page.waitForSelector('#campaign-art');
    const shown = await page.$eval('#campaign-art', (img) => {
      const i = img as HTMLImageElement;
      return { src: i.getAttribute('src'), complete: i.complete, natural: i.naturalWidth };
    });
    expect(shown.src).toMatch(/^\/artwork\/[0-9a-f-]{36}\/160\.jpg$/);
    expect(shown.natural).toBeGreaterThanOrEqual(160);
    await look(page, 'campaign-artwork');

    // The fan's smart link shows it too (a browser loads it from our origin: no broken image).
    const landing = await page.getAttribute('#smart-link', 'href');
    const fan = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const fanPage = await fan.newPage();
    watch(fanPage);
    await fanPage.goto(landing!);
    await fanPage.waitForLoadState('load');
    const art = await fanPage.$eval('img.art', (img) => ({
      src: img.getAttribute('src'),
      natural: (img as HTMLImageElement).naturalWidth,
    }));
    expect(art.src).toMatch(/^\/artwork\/[0-9a-f-]{36}\/320\.jpg$/);
    expect(art.natural).toBeGreaterThan(0);
    await fanPage.screenshot({ path: path.join(OUT, 'smart-link-artwork-phone.png'), fullPage: true });
    await fan.close();

    // Connections: every service's state; connect Meta through the simulator.
    await page.goto(`${stack.api.url}/app/connections`);
    expect(await page.textContent('main')).toContain('Apple Music');
    await look(page, 'connections');
    await page.click('#connect-meta');
    await page.waitForURL('**/app/connect/**');
    await page.click('button[type=submit]'); // dropday's confirmation for this account
    await page.waitForURL(`${meta.url}/**`);
    await page.click('button[value=accept]');
    await page.waitForLoadState('load');
    await page.goto(`${stack.api.url}/app/connections`);
    const disconnect = page.locator('a[id^=disconnect-]');
    expect(await disconnect.count()).toBe(1);
    expect(await page.textContent('main')).toContain('Connected');
    await look(page, 'connections-connected');

    // Disconnect: the page says what it does and needs the box ticked.
    await disconnect.click();
    expect(await page.textContent('main')).toContain('can no longer create, launch, pause');
    await look(page, 'disconnect-meta');
    await page.click('#confirm-disconnect'); // refused by the browser until the box is ticked
    expect(page.url()).toContain('/disconnect');
    await page.check('input[name=confirm]');
    await Promise.all([page.waitForNavigation(), page.click('#confirm-disconnect')]);
    expect(page.url()).toContain('/app/connections?disconnected=1');
    expect(await page.locator('a[id^=disconnect-]').count()).toBe(0);
    await context.close();

    expect(problems).toEqual([]);
    expect(a11y).toEqual([]);
    expect(shots.length).toBeGreaterThanOrEqual(6);
    process.stdout.write(`artist app screenshots: ${OUT}\n`);
  });
});
