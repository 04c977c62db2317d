// The artist dashboard in real headless Chromium: sign in with the API key, open a campaign whose events the test
// inserted, and read the funnel, the chart and the sources table off the page; the delivery progress refreshes on
// its own; the chart's screenshot is decoded and its bar colours counted, so "the chart renders data" is checked on
// pixels, not only on the DOM.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Page } from 'playwright-core';
import { useChromium } from '../helpers/chromium';
import { sql } from '../../db/pool';
import { artistAccount, postCampaign, useReleaseStack } from '../helpers/release-stack';
import { rollUp, seedAnalytics, utcMidnightDaysAgo } from '../helpers/analytics-fixture';
import { countColour, decodePng } from '../helpers/png';

const stack = useReleaseStack({ startWorker: false, env: { ABUSE_AUTH_MAX_PER_UA: '3' } });
const browser = useChromium();
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dropday-dashboard-'));
});

// The chart's colour per event type (api/pages/dashboard-assets.ts) and the events of each type the fixture puts in
// the last 30 days, unflagged.
const COLOURS = {
  PAGE_VIEW: '#8ab4f8',
  CLICK: '#4e79a7',
  AUTH: '#f28e2b',
  SAVE_TRACK: '#59a14f',
  FOLLOW_ARTIST: '#76b7b2',
  STREAM: '#e15759',
  EMAIL_SIGNUP: '#b07aa1',
};
const IN_RANGE = { PAGE_VIEW: 6, CLICK: 3, AUTH: 4, SAVE_TRACK: 1, FOLLOW_ARTIST: 1, STREAM: 4, EMAIL_SIGNUP: 1 };

async function texts(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).allTextContents();
}

describe('artist dashboard in Chromium', () => {
  it('signs in with the key and shows the funnel, chart, sources and live delivery progress', async () => {
    const owner = await artistAccount(stack);
    const { campaign: created } = await postCampaign(stack, owner, 'Midnight Sun', { releaseDate: '2031-06-01' });
    const campaignId = created.data.id as string;
    await seedAnalytics(stack.db.pool, campaignId, utcMidnightDaysAgo(3));
    await rollUp(stack);

    const context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
    const page = await context.newPage();
    const problems: string[] = [];
    // Script errors, CSP violations and failed requests (the browser's own favicon request aside).
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
    });

    await page.goto(`${stack.api.url}/app`);
    await page.click('summary'); // "Sign in with an API key", under the password form
    await page.fill('input[name=key]', owner.apiKey);
    await page.click('#key-sign-in');
    await page.waitForSelector(`a[data-campaign="${campaignId}"]`);
    // The key went to the server once; the browser keeps only the HttpOnly session cookie.
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie,
    );
    expect(stored).not.toContain(owner.apiKey);
    expect(stored).not.toContain('dd_app_session');

    await page.click(`a[data-campaign="${campaignId}"]`);
    await page.waitForSelector(`body[data-loaded="${campaignId}"]`);
    expect(await page.textContent('#campaign-title')).toBe('Midnight Sun');

    // Funnel: the numbers the test's events make (see test/e2e/analytics.test.ts for the arithmetic).
    const stages = ['views', 'clicks', 'authorisations', 'delivered', 'streamed7d', 'streamed28d'];
    const counts = await Promise.all(
      stages.map((s) => page.textContent(`#funnel-chart g[data-stage=${s}] text.count`)),
    );
    expect(counts).toEqual(['6', '3', '4', '3', '2', '3']);
    const widths = await Promise.all(
      stages.map(async (s) => (await page.locator(`#funnel-chart g[data-stage=${s}] rect`).boundingBox())!.width),
    );
    expect(widths[0]).toBeGreaterThan(200);
    widths.forEach((w, i) => expect(w / widths[0]).toBeCloseTo([6, 3, 4, 3, 2, 3][i] / 6, 2));

    // Time series: one stacked segment per (day, type) with events, heights proportional to the counts.
    const bars = page.locator('#series-chart rect.series-bar');
    expect(await bars.count()).toBe(9);
    const segments = await bars.evaluateAll((rects) =>
      rects.map((r) => ({
        type: r.getAttribute('data-type')!,
        count: Number(r.getAttribute('data-count')),
        height: r.getBoundingClientRect().height,
      })),
    );
    const perType: Record<string, number> = {};
    for (const s of segments) {
      expect(s.height).toBeGreaterThan(0);
      perType[s.type] = (perType[s.type] ?? 0) + s.count;
    }
    expect(perType).toEqual(IN_RANGE);
    const unit = segments[0].height / segments[0].count;
    for (const s of segments) expect(s.height / s.count).toBeCloseTo(unit, 3);

    // Sources table.
    const rows = await page
      .locator('#sources-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)));
    expect(rows).toEqual([
      ['social', 'instagram', '—', '4', '2', '2', '0', '12'],
      ['email', 'newsletter', 'email', '2', '1', '0', '1', '11'],
      ['—', '—', '—', '0', '0', '2', '0', '10'],
    ]);
    expect(await page.textContent('#flags-summary')).toBe('14 events are excluded from the totals above.');

    // The chart as pixels: every type's colour is on screen, in proportion to its events.
    const png = await page.locator('#series-chart').screenshot();
    await writeFile(path.join(tmp, 'series-chart.png'), png);
    await page.screenshot({ path: path.join(tmp, 'dashboard.png'), fullPage: true });
    const pixels = decodePng(png);
    expect(pixels.width).toBeGreaterThan(300);
    const perEvent = Object.entries(IN_RANGE).map(
      ([type, n]) => countColour(pixels, COLOURS[type as keyof typeof COLOURS]) / n,
    );
    const mean = perEvent.reduce((a, b) => a + b, 0) / perEvent.length;
    expect(mean).toBeGreaterThan(50);
    for (const p of perEvent) expect(Math.abs(p - mean) / mean).toBeLessThan(0.3);

    // Release-day delivery: 5 of 15 pre-saves done; one more is delivered and the page shows it by itself.
    expect(await texts(page, '#progress dd')).toEqual(['5', '10', '0', '0', '15']);
    await stack.db.pool.query(sql.unsafe`
      UPDATE presaves SET state = 'done', executed_at = now()
      WHERE id = (SELECT id FROM presaves WHERE campaign_id = ${campaignId} AND state = 'pending' LIMIT 1)`);
    await page.waitForFunction(() => document.getElementById('progress-done')?.textContent === '6', undefined, {
      timeout: 8_000,
    });
    expect(await texts(page, '#progress dd')).toEqual(['6', '9', '0', '0', '15']);
    expect(Number(await page.locator('#progress-fill').getAttribute('width'))).toBeCloseTo(40, 5);

    // Sign out: the session is gone and the API no longer answers the page.
    await page.click('#sign-out');
    await page.waitForSelector('input[name=email]');
    expect(problems).toEqual([]);
    const status = await page.evaluate(() => fetch('/v1/campaigns').then((r) => r.status));
    expect(status).toBe(401);
    await context.close();
  });
});
