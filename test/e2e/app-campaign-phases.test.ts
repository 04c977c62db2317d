// The campaign page says where the delivery really stands (docs/artist-app.md): counting down, waiting for the
// release to go live, delivering with progress, delivered with its totals (saved, failed with reasons, reminders
// sent), paused by a spent quota (which only the release workflow knows) and cancelled. A local-midnight release stays "releasing" in the database until the last zone's midnight,
// hours after its fans were all delivered: the page must still say "delivered" then.
import { randomBytes } from 'node:crypto';
import { sql } from '../../db/pool';
import { outboxDeliveryWorkflow } from '../../workflows/mail';
import {
  addRelease,
  artistAccount,
  confirmSubscription,
  dashboardSession,
  fanPresaves,
  http,
  liveAlbumUpc,
  nextUpc,
  postCampaign,
  useReleaseStack,
  waitFor,
  waitForCampaign,
} from '../helpers/release-stack';

const stack = useReleaseStack();

const runOutbox = () =>
  stack.temporal.client.workflow.execute(outboxDeliveryWorkflow, {
    workflowId: `outbox-${randomBytes(6).toString('hex')}`,
    taskQueue: stack.temporal.taskQueue,
  });

/** The campaign page as its owner's browser gets it. */
const pageOf = async (cookie: string, id: string) => {
  const res = await http.get<string>(`${stack.api.url}/app/campaigns/${id}`, {
    headers: { cookie },
    responseType: 'text',
  });
  expect(res.status).toBe(200);
  return res.data;
};
const phaseOf = (page: string) => /<strong id="phase">([^<]*)<\/strong>/.exec(page)?.[1];
const waitForPhase = (cookie: string, id: string, phase: string) =>
  waitFor(
    `the page to say ${phase}`,
    () => pageOf(cookie, id),
    (page) => phaseOf(page) === phase,
    30_000,
  );

describe('the campaign page, phase by phase', () => {
  it('counts down, shows the delivery in progress, then "delivered" with its totals while the campaign is open', async () => {
    const account = await artistAccount(stack);
    const cookie = await dashboardSession(stack, account.apiKey);
    const { campaign, release } = await postCampaign(stack, account, 'Local Midnight', {
      upc: liveAlbumUpc(stack),
      secondsAhead: 8,
      fields: { releasePolicy: 'local' },
    });
    expect(campaign.status).toBe(201);
    const { id, slug } = campaign.data as { id: string; slug: string };
    for (const user of ['fan-saved', 'fan-refused']) await fanPresaves(stack, slug, { user, tz: 'UTC' });
    const asked = await http.post(
      `${stack.api.url}/l/${slug}/subscribe`,
      new URLSearchParams({ remind: 'yes', consent: 'yes', email: 'reminded@example.com' }).toString(),
      { headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    );
    expect(asked.status).toBe(200);
    await confirmSubscription(stack, 'reminded@example.com');

    const before = await pageOf(cookie, id);
    expect(Date.now()).toBeLessThan(release.at);
    expect(phaseOf(before)).toBe('counting down to the release');
    expect(before).toContain('Nothing is due yet: 2 pre-saves wait for');

    // The first save is held (then its connection dropped, so it is retried); the next is refused for good.
    stack.spotify.state.injectFault({ kind: 'timeout', delayMs: 5_000, count: 1, path: '/v1/me/library' });
    stack.spotify.state.injectFault({ kind: '5xx', status: 403, count: 1, path: '/v1/me/library' });
    const delivering = await waitForPhase(cookie, id, 'delivering now');
    expect(delivering).toMatch(/<progress id="d-progress" max="2" value="[01]">/);
    expect(delivering).toMatch(
      / of 2 settled; <span id="d-eta">(estimating the time left|about .+ left for the [12] due now)<\/span>/,
    );

    await waitForCampaign(stack, id, account.headers, 'every pre-save settled', (r) => r.data.progress.pending === 0);
    await runOutbox(); // the outbox Schedule's minute: the release-day reminder goes out
    const after = await waitForPhase(cookie, id, 'delivered');
    // The bug this guards: the last zone's midnight is hours away, so the campaign is still "releasing".
    const status = await stack.db.pool.oneFirst(sql.unsafe`SELECT status FROM campaigns WHERE id = ${id}`);
    expect(status).toBe('releasing');
    expect(after).not.toContain('delivering now');
    expect(after).toContain(`Saved to fans' libraries: <strong id="d-saved">1</strong>`);
    expect(after).toContain('Failed: <strong id="d-failed-total">1</strong>');
    expect(after).toContain('<li data-reason="rejected">1: the streaming service refused the save</li>');
    expect(after).toContain('Release-day reminders sent: <strong id="d-reminders">1</strong>');
    expect(after).toContain('are delivered at their midnight until');
  });

  it('waits for the release to go live, then says cancelled once the artist cancels', async () => {
    const account = await artistAccount(stack);
    const cookie = await dashboardSession(stack, account.apiKey);
    const upc = nextUpc();
    addRelease(stack, upc, Date.now() + 3_600_000); // in the catalogue, streamable only in an hour
    const { campaign, release } = await postCampaign(stack, account, 'Not Yet Live', { upc, secondsAhead: 3 });
    const { id, slug } = campaign.data as { id: string; slug: string };
    await fanPresaves(stack, slug, { user: 'fan-waiting', tz: 'UTC' });
    while (Date.now() < release.at) await new Promise((r) => setTimeout(r, 200));

    const waiting = await waitForPhase(cookie, id, 'waiting for the release to go live');
    expect(waiting).toContain('1 pre-saves are due, and wait until the release is streamable');
    expect(stack.spotify.state.libraryOf('fan-waiting').items).toEqual([]);

    const cancelled = await http.post(`${stack.api.url}/v1/campaigns/${id}/cancel`, {}, { headers: account.headers });
    expect(cancelled.status).toBe(200);
    const page = await waitForPhase(cookie, id, 'cancelled');
    expect(page).toContain(
      'The campaign was cancelled: nothing more is saved. 0 pre-saves had been delivered before; 1 were not.',
    );
  });

  it('says the delivery is paused, why and until when, while a spent quota holds it, then delivered', async () => {
    const account = await artistAccount(stack);
    const cookie = await dashboardSession(stack, account.apiKey);
    const { campaign, release } = await postCampaign(stack, account, 'Quota Day', {
      upc: liveAlbumUpc(stack),
      secondsAhead: 6,
    });
    const { id, slug } = campaign.data as { id: string; slug: string };
    for (const user of ['fan-quota-a', 'fan-quota-b']) await fanPresaves(stack, slug, { user, tz: 'UTC' });
    stack.spotify.state.injectFault({ kind: 'quota', count: 1, retryAfterSeconds: 8, path: '/v1/me/library' });
    expect(Date.now()).toBeLessThan(release.at);

    const paused = await waitFor(
      'the page to say paused',
      () => pageOf(cookie, id),
      (page) => page.includes('id="d-paused"'),
      30_000,
    );
    expect(phaseOf(paused)).toBe('delivering now');
    expect(paused).toMatch(
      /<p id="d-paused" data-reason="quota_exceeded">Paused until \d\d:\d\d:\d\d UTC: Spotify&#39;s daily request quota for this app is spent\./,
    );

    const after = await waitForPhase(cookie, id, 'delivered');
    expect(after).not.toContain('id="d-paused"');
    expect(after).toContain(`Saved to fans' libraries: <strong id="d-saved">2</strong>`);
  });
});
