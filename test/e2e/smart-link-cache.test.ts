// The smart link serves campaigns from memory (api/campaign-cache.ts), yet every change shows within a second, in
// every API process: a release going live (written by the release engine, not the API), a cancel, an artist's
// new name, a Meta pixel added (the page must then ask for ad-measurement consent). Two API processes: this test's
// in-process API and api/main.ts spawned on the same database.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { setCampaignStatus } from '../../db/campaigns';
import { freePort, waitForPort } from '../../scripts/lib/ports';
import { stopChild } from '../../scripts/lib/temporal-dev-server';
import { artistAccount, createCampaign, http, stackProcessEnv, useReleaseStack } from '../helpers/release-stack';

const stack = useReleaseStack({ startWorker: false });
let second: ChildProcess | null = null;
let secondUrl = '';

beforeAll(async () => {
  const port = await freePort();
  const root = path.resolve(__dirname, '..', '..');
  second = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'api/main.ts')], {
    cwd: root,
    env: { ...stackProcessEnv(stack), PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, RATE_LIMITS: 'off' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForPort(port, '127.0.0.1', 60_000);
  secondUrl = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  if (second) await stopChild(second);
});

const page = async (base: string, slug: string) => {
  const res = await http.get(`${base}/l/${slug}`);
  return { status: res.status, body: String(res.data) };
};

/** Both processes show the page from memory: asked until each listens for changes, then once more to fill it. */
async function warm(slug: string) {
  for (const base of [stack.api.url, secondUrl]) {
    for (let i = 0; i < 4; i++) {
      expect((await page(base, slug)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

/** Every process shows `shows` within one second of the change, asked every 50 ms. */
async function bothShowWithinOneSecond(slug: string, shows: (p: { status: number; body: string }) => boolean) {
  const deadline = Date.now() + 1_000;
  const pending = new Set([stack.api.url, secondUrl]);
  while (pending.size > 0 && Date.now() < deadline) {
    for (const base of [...pending]) if (shows(await page(base, slug))) pending.delete(base);
    await new Promise((r) => setTimeout(r, 50));
  }
  expect([...pending]).toEqual([]);
}

describe('smart link from memory', () => {
  it('shows the release live within a second of the release engine marking it, in both processes', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Cached Release');
    await warm(campaign.slug);
    expect((await page(secondUrl, campaign.slug)).body).toContain('Pre-save on Spotify');

    await setCampaignStatus(stack.db.pool, campaign.id, 'completed'); // what the release activity writes
    await bothShowWithinOneSecond(
      campaign.slug,
      (p) => p.body.includes('Listen on Spotify') && !p.body.includes('Pre-save on Spotify'),
    );
  });

  it('withdraws a cancelled release within a second, in both processes', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Cancelled Release');
    await warm(campaign.slug);

    const cancel = await http.post(
      `${stack.api.url}/v1/campaigns/${campaign.id}/cancel`,
      {},
      { headers: account.headers },
    );
    expect(cancel.status).toBeLessThan(300);
    await bothShowWithinOneSecond(campaign.slug, (p) => p.status === 404 && p.body.includes('Release not found'));
  });

  it("shows the artist's new name and a new pixel's consent question within a second", async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Renamed Release');
    await warm(campaign.slug);

    const renamed = await http.patch(
      `${stack.api.url}/v1/artists/${account.artistId}`,
      { name: 'New Name' },
      { headers: account.headers },
    );
    expect(renamed.status).toBe(200);
    await bothShowWithinOneSecond(campaign.slug, (p) => p.body.includes('New Name'));

    const pixel = await http.put(
      `${stack.api.url}/v1/artists/${account.artistId}/meta-pixel`,
      { pixelId: '123456789012' },
      { headers: account.headers },
    );
    expect(pixel.status).toBe(200);
    await bothShowWithinOneSecond(campaign.slug, (p) => p.body.includes('May New Name measure their ads'));
  });

  it('never lets a shared cache keep a page with ad measurement, and answers 304 to a known ETag', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Headers Release');
    const plain = await http.get(`${stack.api.url}/l/${campaign.slug}`);
    expect(plain.headers['cache-control']).toMatch(/^public, max-age=0, s-maxage=\d+, stale-while-revalidate=\d+$/);
    const again = await http.get(`${stack.api.url}/l/${campaign.slug}`, {
      headers: { 'if-none-match': String(plain.headers.etag) },
    });
    expect(again.status).toBe(304);

    const withGclid = await http.get(`${stack.api.url}/l/${campaign.slug}?gclid=abc`);
    expect(withGclid.headers['cache-control']).toBe('private, no-cache');
    await http.put(
      `${stack.api.url}/v1/artists/${account.artistId}/meta-pixel`,
      { pixelId: '123456789012' },
      { headers: account.headers },
    );
    await bothShowWithinOneSecond(campaign.slug, (p) => p.body.includes('measure their ads'));
    const withPixel = await http.get(`${stack.api.url}/l/${campaign.slug}`);
    expect(withPixel.headers['cache-control']).toBe('private, no-cache');
  });
});
