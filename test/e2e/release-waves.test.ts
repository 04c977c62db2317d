// When pre-saves run: per-zone waves of a local release, a release that goes live late, reschedule and cancel.
import {
  accountWithLiveAlbumCampaign,
  addRelease,
  artistAccount,
  fanPresaves,
  http,
  nextUpc,
  postCampaign,
  releaseInSeconds,
  savesOf as savesOfFan,
  useReleaseStack,
  waitFor,
} from '../helpers/release-stack';
import { z } from 'zod';
import { releaseWorkflowId } from '../../lib/starters/release';
import { sql } from '../../db/pool';
import { progressQuery } from '../../workflows/release';

const stack = useReleaseStack();

const savesOf = (user: string) => savesOfFan(stack, user);

async function createCampaign(
  account: { headers: Record<string, string>; artistId: string },
  title: string,
  opts: Parameters<typeof postCampaign>[3],
) {
  const { campaign: res } = await postCampaign(stack, account, title, opts);
  expect(res.status).toBe(201);
  return res.data as { id: string; slug: string };
}

describe('local release across three zones', () => {
  it('delivers each zone at its own local release time, in order', async () => {
    const { headers, artistId } = await artistAccount(stack);
    const upc = nextUpc();
    addRelease(stack, upc, Date.now() - 86_400_000 * 2); // live everywhere already: only the waves gate delivery
    // Release at Shanghai's "now + 6 s" local time: Tokyo (UTC+9) reached it an hour ago, Shanghai (UTC+8) is
    // about to, Bangkok (UTC+7) gets there in an hour.
    const local = releaseInSeconds(6, 'Asia/Shanghai');
    const campaign = await createCampaign({ headers, artistId }, 'Three Zones', {
      upc,
      release: local,
      zone: 'Asia/Shanghai',
      fields: { releasePolicy: 'local' },
    });
    await fanPresaves(stack, campaign.slug, { user: 'fan-tokyo', tz: 'Asia/Tokyo' });
    await fanPresaves(stack, campaign.slug, { user: 'fan-shanghai', tz: 'Asia/Shanghai' });
    await fanPresaves(stack, campaign.slug, { user: 'fan-bangkok', tz: 'Asia/Bangkok' });

    const list = await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/presaves`, { headers });
    const dueAts = list.data.items.map((p: { dueAt: string }) => Date.parse(p.dueAt)).sort();
    expect(dueAts).toEqual([local.at - 3_600_000, local.at, local.at + 3_600_000]);

    // Tokyo's wave has passed: a late pre-save runs at once. Shanghai's waits for its instant.
    await waitFor(
      'Tokyo',
      async () => savesOf('fan-tokyo').length,
      (n) => n === 1,
    );
    // Not before its instant (a wave's batches start ahead of it and claim at the instant itself).
    expect(savesOf('fan-shanghai').filter((save) => save.at < local.at)).toHaveLength(0);
    await waitFor(
      'Shanghai',
      async () => savesOf('fan-shanghai').length,
      (n) => n === 1,
    );
    expect(savesOf('fan-shanghai')[0].at).toBeGreaterThanOrEqual(local.at);
    expect(savesOf('fan-tokyo')[0].at).toBeLessThan(savesOf('fan-shanghai')[0].at);

    // Bangkok is still ahead: the workflow knows its wave.
    const handle = stack.temporal.client.workflow.getHandle(releaseWorkflowId(campaign.id));
    const progress = await waitFor(
      'the next wave to be planned',
      () => handle.query(progressQuery),
      (p) => p.phase === 'scheduled',
    );
    expect(progress).toMatchObject({
      phase: 'scheduled',
      nextWaveAt: local.at + 3_600_000,
      waves: [local.at + 3_600_000],
    });
    const view = await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}`, { headers });
    expect(view.data).toMatchObject({
      progress: { total: 3, done: 2, pending: 1 },
      nextWaveAt: new Date(local.at + 3_600_000).toISOString(),
    });
    expect(savesOf('fan-bangkok')).toHaveLength(0);

    // Move the release so that Bangkok's local time comes in a few seconds: its wave moves with it.
    const bangkok = releaseInSeconds(4, 'Asia/Bangkok');
    const moved = await http.patch(
      `${stack.api.url}/v1/campaigns/${campaign.id}`,
      { releaseDate: bangkok.releaseDate, releaseTime: bangkok.releaseTime },
      { headers },
    );
    expect(moved.status).toBe(200);
    expect(Date.parse(moved.data.nextWaveAt)).toBe(bangkok.at);
    await waitFor(
      'Bangkok',
      async () => savesOf('fan-bangkok').length,
      (n) => n === 1,
    );
    expect(savesOf('fan-bangkok')[0].at).toBeGreaterThanOrEqual(bangkok.at);
  });
});

describe('a release that goes live late', () => {
  it('keeps checking until the album is live, then delivers', async () => {
    const { headers, artistId } = await artistAccount(stack);
    const upc = nextUpc();
    const release = releaseInSeconds(3);
    const goesLiveAt = release.at + 4_000; // the distributor is late
    addRelease(stack, upc, goesLiveAt);
    const campaign = await createCampaign({ headers, artistId }, 'Late Album', { upc, release });
    await fanPresaves(stack, campaign.slug, { user: 'fan-late' });
    await waitFor(
      'delivery',
      async () => savesOf('fan-late').length,
      (n) => n === 1,
      60_000,
    );
    expect(savesOf('fan-late')[0].at).toBeGreaterThanOrEqual(goesLiveAt);
    const searches = stack.spotify.state
      .calls()
      .filter((c) => c.path === '/v1/search' && String(c.query.q) === `upc:${upc}`);
    // Looked up before it was live (and not found), and again until it was.
    expect(searches.filter((c) => c.at >= release.at && c.at < goesLiveAt).length).toBeGreaterThanOrEqual(1);
    const view = await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}`, { headers });
    expect(view.data.resolution).toBe('live');
  });
});

describe('reschedule and cancel', () => {
  it('a rescheduled release delivers at the new instant, not the old one', async () => {
    const { headers, campaign: res } = await accountWithLiveAlbumCampaign(stack, 'Moved');
    expect(res.status).toBe(201);
    const campaign = res.data as { id: string; slug: string };
    await fanPresaves(stack, campaign.slug, { user: 'fan-moved' });
    const sooner = releaseInSeconds(4, 'Europe/Berlin');
    const patched = await http.patch(
      `${stack.api.url}/v1/campaigns/${campaign.id}`,
      { releaseDate: sooner.releaseDate, releaseTime: sooner.releaseTime, timeZone: 'Europe/Berlin' },
      { headers },
    );
    expect(patched.status).toBe(200);
    expect(patched.data).toMatchObject({ timeZone: 'Europe/Berlin', releaseAt: new Date(sooner.at).toISOString() });
    await waitFor(
      'delivery',
      async () => savesOf('fan-moved').length,
      (n) => n === 1,
    );
    expect(savesOf('fan-moved')[0].at).toBeGreaterThanOrEqual(sooner.at);
  });

  it('a cancelled campaign delivers nothing, ends its workflow and refuses changes', async () => {
    const {
      headers,
      campaign: res,
      release,
    } = await accountWithLiveAlbumCampaign(stack, 'Withdrawn', {
      secondsAhead: 5,
    });
    expect(res.status).toBe(201);
    const campaign = res.data as { id: string; slug: string };
    await fanPresaves(stack, campaign.slug, { user: 'fan-cancelled' });
    const cancelled = await http.post(`${stack.api.url}/v1/campaigns/${campaign.id}/cancel`, {}, { headers });
    expect(cancelled.status).toBe(200);
    expect(cancelled.data).toMatchObject({ status: 'cancelled', progress: { cancelled: 1, pending: 0 } });
    const result = await stack.temporal.client.workflow.getHandle(releaseWorkflowId(campaign.id)).result();
    expect(result).toEqual({ status: 'cancelled', delivered: 0 });
    await new Promise((r) => setTimeout(r, Math.max(0, release.at + 1_500 - Date.now())));
    expect(savesOf('fan-cancelled')).toHaveLength(0);
    expect((await http.get(`${stack.api.url}/l/${campaign.slug}`)).status).toBe(404);
    const patch = await http.patch(
      `${stack.api.url}/v1/campaigns/${campaign.id}`,
      { releaseTime: '10:00' },
      { headers },
    );
    expect(patch.status).toBe(409);
    expect((await http.post(`${stack.api.url}/v1/campaigns/${campaign.id}/cancel`, {}, { headers })).status).toBe(200);
  });
});

describe('verification ahead of release', () => {
  it('alerts the artist once when the release cannot be found close to release day', async () => {
    const { headers, artistId } = await artistAccount(stack);
    // An hour ahead: within the 48 h alert window, and not in Spotify's catalogue.
    const campaign = await createCampaign({ headers, artistId }, 'Nowhere To Be Found', { secondsAhead: 3600 });
    const notifications = () =>
      stack.db.pool.any(sql.type(z.object({ kind: z.string(), campaignId: z.string() }))`
        SELECT kind, data->>'campaignId' AS "campaignId" FROM notifications WHERE data->>'campaignId' = ${campaign.id}`);
    const alerts = await waitFor('the alert', notifications, (rows) => rows.length > 0, 30_000);
    expect(alerts).toEqual([{ kind: 'release_unresolved', campaignId: campaign.id }]);
    const emails = await stack.db.pool.anyFirst(sql.type(z.object({ template: z.string() }))`
      SELECT template FROM outbox_emails WHERE dedupe_key = ${`release-unresolved:${campaign.id}`}`);
    expect(emails).toEqual(['release_unresolved']);
    const view = await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}`, { headers });
    expect(view.data.resolution).toBe('unresolved');
  });
});
