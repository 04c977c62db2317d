// The Meta pixel in a real browser (headless Chromium): the consent question, then the page's CSP lets the pixel
// loader from connect.facebook.net run (intercepted here: no internet in tests), and the pixel is told the very
// event_id the server queued for the Conversions API.
import { useChromium } from '../helpers/chromium';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { artistAccount, createCampaign, http, useReleaseStack } from '../helpers/release-stack';

const stack = useReleaseStack({ startWorker: false });
const browser = useChromium();

describe('Meta pixel in Chromium', () => {
  it('asks, then fires PageView with the server-generated eventID, within the page CSP', async () => {
    const account = await artistAccount(stack);
    await http.put(
      `${stack.api.url}/v1/artists/${account.artistId}/meta-pixel`,
      { pixelId: '1234567890123456' },
      { headers: account.headers },
    );
    const campaign = await createCampaign(stack, account, 'Pixel In Browser');
    const context = await browser.newContext();
    const loaderRequests: string[] = [];
    // Meta's fbevents.js stands in as an empty script: the fbq stub keeps every call in its queue.
    await context.route('https://connect.facebook.net/**', async (route) => {
      loaderRequests.push(route.request().url());
      await route.fulfill({ status: 200, contentType: 'application/javascript', body: '/* fbevents stand-in */' });
    });
    await context.route('https://www.facebook.com/**', (route) => route.fulfill({ status: 204 }));
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });

    await page.goto(`${campaign.landingUrl}?fbclid=IwAR_browser`);
    expect(await page.locator('#meta-pixel').count()).toBe(0);
    expect(loaderRequests).toEqual([]);
    await page.click('button[value=allow]');
    await page.waitForSelector('#meta-pixel', { state: 'attached' });
    await page.waitForFunction(() => Array.isArray((window as unknown as { fbq?: { queue?: unknown[] } }).fbq?.queue));

    const eventId = await page.getAttribute('#meta-pixel', 'data-event-id');
    const calls = await page.evaluate(() =>
      (window as unknown as { fbq: { queue: unknown[][] } }).fbq.queue.map((args) => Array.from(args)),
    );
    expect(calls).toEqual([
      ['set', 'autoConfig', false, '1234567890123456'],
      ['init', '1234567890123456'],
      ['track', 'PageView', {}, { eventID: eventId }],
    ]);
    expect(loaderRequests).toEqual(['https://connect.facebook.net/en_US/fbevents.js']);
    expect(cspViolations).toEqual([]);
    // The pixel reads the same first-party cookies the server sends with the event.
    const cookies = Object.fromEntries((await context.cookies()).map((c) => [c.name, c]));
    expect(cookies._fbc.value).toMatch(/^fb\.1\.\d{13}\.IwAR_browser$/);
    expect(cookies._fbp.httpOnly).toBe(false);
    expect(await page.evaluate(() => document.cookie)).toContain('_fbp=fb.1.');

    const queued = await stack.db.pool.anyFirst(sql.type(z.object({ eventId: z.string() }))`
      SELECT event_id AS "eventId" FROM conversion_events WHERE campaign_id = ${campaign.id} AND event_name = 'PageView'`);
    expect(queued).toEqual([eventId]);
    await context.close();
  });
});
