// Shop orders end to end: a paid Checkout Session (signed webhook) starts the order workflow, which provisions the
// package exactly once — even when the webhook arrives twice and the worker is killed in between — links the order
// to the account that verifies the buyer's address, and sends the lifecycle e-mails in order.
import { type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { queueEmail } from '../../db/outbox';
import { createLogger } from '../../lib/logger';
import { createProviderClients } from '../../lib/providers';
import { sql } from '../../db/pool';
import {
  artistAccount,
  createCampaign,
  http,
  liveAlbumUpc,
  type ReleaseStack,
  spawnWorkerProcess,
  startReleaseStack,
  waitFor,
  confirmSubscription,
} from '../helpers/release-stack';
import { mailTo, verifyAccountEmail } from '../helpers/mailbox';
import { deliver, newId, packageSession, stripeEnv, stripeEvent } from '../helpers/stripe';
import { workflowBundle } from '../helpers/temporal';

let stack: ReleaseStack;
let child: ChildProcess | undefined;
let bundleDir: string;
beforeAll(async () => {
  stack = await startReleaseStack({ env: stripeEnv(), startWorker: false });
  // The workflows are bundled once for the file: the spawned worker loads the same bundle as the in-process one
  // (bundling at every worker start is what made this file slow on a loaded machine).
  bundleDir = await mkdtemp(path.join(os.tmpdir(), 'dropday-orders-'));
  await writeFile(path.join(bundleDir, 'workflows.js'), (await workflowBundle()).code);
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await stack?.close();
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

/** The production worker as its own process (so it can be killed), loading the file's workflow bundle. */
const spawnWorker = () => spawnWorkerProcess(stack, { WORKFLOW_BUNDLE_PATH: path.join(bundleDir, 'workflows.js') });

const n = z.object({ n: z.coerce.number() });
const ordersOf = (sessionId: string) =>
  stack.db.pool.oneFirst(sql.type(n)`SELECT count(*) AS n FROM orders WHERE checkout_session_id = ${sessionId}`);
const creditsOf = (sessionId: string) =>
  stack.db.pool.oneFirst(
    sql.type(
      n,
    )`SELECT count(*) AS n FROM package_credits p JOIN orders o ON o.id = p.order_id WHERE o.checkout_session_id = ${sessionId}`,
  );

const subjectsTo = async (address: string) => (await mailTo(stack, address)).map((m) => m.subject);

/** A buyer's account, its address verified from the mailbox (an order attaches only to a verified owner). */
async function verifiedAccount(name: string, email: string) {
  const signup = await http.post(`${stack.api.url}/v1/accounts`, { name, email });
  const headers = { authorization: `Bearer ${signup.data.apiKey}` };
  const verified = await verifyAccountEmail(stack, email, { apiKey: signup.data.apiKey });
  if (verified.status !== 200) throw new Error(`verification answered ${verified.status}`);
  const artist = await http.post(`${stack.api.url}/v1/artists`, { name: 'Luna Vey' }, { headers });
  return { headers, artistId: artist.data.id as string };
}

describe('shop orders', () => {
  it('provisions a package once when the webhook arrives twice and the worker is killed in between', async () => {
    const sessionId = newId('cs_test');
    const buyer = 'crash-buyer@example.com';
    const completed = stripeEvent(
      'checkout.session.completed',
      packageSession({ sessionId, email: buyer, extra: { fbclid: 'fb-1', utm_campaign: 'spring' } }),
    );

    child = spawnWorker();
    expect((await deliver(stack.api.url, completed)).data).toMatchObject({
      duplicate: false,
      outcome: 'order started',
    });
    await waitFor(
      'the package to be provisioned',
      () => creditsOf(sessionId),
      (c) => c === 1,
      90_000,
    );
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));

    // Stripe delivers the same session again (async payment confirmation), and replays the first event.
    const again = stripeEvent('checkout.session.async_payment_succeeded', packageSession({ sessionId, email: buyer }));
    expect((await deliver(stack.api.url, again)).data).toMatchObject({ duplicate: false, outcome: 'order started' });
    expect((await deliver(stack.api.url, completed)).data).toMatchObject({ duplicate: true });

    await stack.startWorker();
    // An attempt the kill cut off is retried once its start-to-close timeout (15–30 s) has passed.
    await waitFor(
      'the order confirmation',
      () => subjectsTo(buyer),
      (m) => m.length > 0,
      60_000,
    );
    expect(await ordersOf(sessionId)).toBe(1);
    expect(await creditsOf(sessionId)).toBe(1);
    expect(await subjectsTo(buyer)).toEqual(['Order confirmed: Release Boost']);
    const order = await stack.db.pool.one(sql.type(
      z.object({ attribution: z.record(z.string(), z.string()), accountId: z.string().nullable() }),
    )`
      SELECT attribution, account_id AS "accountId" FROM orders WHERE checkout_session_id = ${sessionId}`);
    expect(order).toEqual({ attribution: { fbclid: 'fb-1', utm_campaign: 'spring' }, accountId: null });
    // No account has the buyer's address yet: the order waits for one.
    const description = await stack.temporal.client.workflow.getHandle(`order:${sessionId}`).describe();
    expect(description.status.name).toBe('RUNNING');

    // The buyer signs up and verifies the address: the order and its credit move to the new account.
    const { headers } = await verifiedAccount('Crash Label', buyer);
    const billing = await waitFor(
      'the order to be linked',
      () => http.get(`${stack.api.url}/v1/billing`, { headers }),
      (r) => r.data.usage?.unusedPackageCredits === 1,
    );
    expect(billing.data.plan.tier).toBe('free');
  });

  it('sends order confirmed, campaign live and campaign completed, in that order', async () => {
    if (!stack.worker) await stack.startWorker();
    const buyer = 'lifecycle-buyer@example.com';
    // This buyer already has an account with the address verified: the order is linked at once.
    const account = await verifiedAccount('Lifecycle Label', buyer);
    const sessionId = newId('cs_test');
    await deliver(
      stack.api.url,
      stripeEvent('checkout.session.completed', packageSession({ sessionId, email: buyer.toUpperCase() })),
    );
    await waitFor(
      'the credit',
      () => http.get(`${stack.api.url}/v1/billing`, { headers: account.headers }),
      (r) => r.data.usage?.unusedPackageCredits === 1,
    );

    // The next campaign takes the package; the free plan still has its own one campaign; a third is refused.
    const boosted = await createCampaign(stack, account, 'Boosted', { upc: liveAlbumUpc(stack), secondsAhead: 4 });
    await createCampaign(stack, account, 'On the plan');
    const third = await http.post(
      `${stack.api.url}/v1/campaigns`,
      {
        artistId: account.artistId,
        title: 'Third',
        isrc: 'USRC17607839',
        releaseDate: '2031-01-01',
        releasePolicy: 'global',
        timeZone: 'UTC',
      },
      { headers: account.headers },
    );
    expect(third.status).toBe(402);
    expect((await http.get(`${stack.api.url}/v1/billing`, { headers: account.headers })).data.usage).toEqual({
      activeCampaigns: 2,
      activeCampaignsOnPlan: 1,
      unusedPackageCredits: 0,
    });

    const result = await stack.temporal.client.workflow.getHandle(`order:${sessionId}`).result();
    expect(result).toEqual({ outcome: 'completed' });
    // (The account also gets its welcome, the verification and an alert about the other, unreleased campaign.)
    const lifecycle = (await subjectsTo(buyer)).filter((s) => /^Order confirmed|" is live$|" has completed$/.test(s));
    expect(lifecycle).toEqual(['Order confirmed: Release Boost', '"Boosted" is live', '"Boosted" has completed']);
    expect(
      (await http.get(`${stack.api.url}/v1/campaigns/${boosted.id}`, { headers: account.headers })).data.status,
    ).toBe('completed');
  });

  it('takes the campaign at once when it is attached while the order is looking for one', async () => {
    // The order's look-up is held after it read "no campaign yet"; the campaign is attached (and the order
    // signalled) meanwhile. The order must look again, not sleep until its hourly re-check.
    const buyer = 'racing-buyer@example.com';
    const account = await verifiedAccount('Racing Label', buyer); // (its mail is delivered by the worker)
    await stack.worker?.stop();
    stack.worker = null;

    const deps = {
      config: stack.config,
      pool: stack.db.pool,
      keyRing: stack.keyRing,
      logger: createLogger({ level: 'silent' }),
    };
    const activities = createActivities({ ...deps, providers: createProviderClients(stack.config) });
    const seen: (string | null)[] = [];
    let entered!: () => void;
    const lookingWithoutCampaign = new Promise<void>((resolve) => (entered = resolve));
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    const orderCampaignState: typeof activities.orderCampaignState = async (input) => {
      const state = await activities.orderCampaignState(input);
      if (!state.campaignId && seen.length === 0) {
        entered();
        await held;
      }
      seen.push(state.campaignId);
      return state;
    };
    const racing = await stack.temporal.startWorker(deps, { activities: { ...activities, orderCampaignState } });
    try {
      const sessionId = newId('cs_test');
      await deliver(
        stack.api.url,
        stripeEvent('checkout.session.completed', packageSession({ sessionId, email: buyer })),
      );
      await lookingWithoutCampaign;
      const campaign = await createCampaign(stack, account, 'Racing', { secondsAhead: 30 * 86_400 });
      letGo();
      await waitFor(
        'the order to look again',
        async () => seen,
        (s) => s.includes(campaign.id),
        30_000,
      );
      expect(seen[0]).toBeNull();
    } finally {
      letGo();
      await racing.stop();
    }
  });

  it('gives the package back when its campaign is cancelled before the release', async () => {
    if (!stack.worker) await stack.startWorker();
    const buyer = 'cancelling-buyer@example.com';
    const account = await verifiedAccount('Cancelling Label', buyer);
    const { headers } = account;
    const sessionId = newId('cs_test');
    await deliver(
      stack.api.url,
      stripeEvent('checkout.session.completed', packageSession({ sessionId, email: buyer })),
    );
    const usage = () => http.get(`${stack.api.url}/v1/billing`, { headers });
    await waitFor('the credit', usage, (r) => r.data.usage?.unusedPackageCredits === 1);

    const first = await createCampaign(stack, account, 'Called Off', { secondsAhead: 30 * 86_400 });
    expect((await usage()).data.usage).toEqual({
      activeCampaigns: 1,
      activeCampaignsOnPlan: 0,
      unusedPackageCredits: 0,
    });
    expect((await http.post(`${stack.api.url}/v1/campaigns/${first.id}/cancel`, {}, { headers })).status).toBe(200);
    await waitFor('the credit to come back', usage, (r) => r.data.usage?.unusedPackageCredits === 1);
    await createCampaign(stack, account, 'Second Try', { secondsAhead: 30 * 86_400 });
    expect((await usage()).data.usage).toEqual({
      activeCampaigns: 1,
      activeCampaignsOnPlan: 0,
      unusedPackageCredits: 0,
    });
    expect((await stack.temporal.client.workflow.getHandle(`order:${sessionId}`).describe()).status.name).toBe(
      'RUNNING',
    );
  });

  it('never e-mails a fan who unsubscribed (the outbox skips them)', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Consent');
    const form = (email: string) => new URLSearchParams({ email, consent: 'yes' }).toString();
    const subscribed = await http.post(`${stack.api.url}/l/${campaign.slug}/subscribe`, form('stays@example.com'), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const leaving = await http.post(`${stack.api.url}/l/${campaign.slug}/subscribe`, form('leaves@example.com'), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([subscribed.status, leaving.status]).toEqual([200, 200]);
    await confirmSubscription(stack, 'stays@example.com'); // double opt-in: both owners confirm
    const left = await confirmSubscription(stack, 'leaves@example.com');
    await http.post(/href="([^"]*\/u\/[^"]+)"/.exec(String(left.data))![1]);
    // (The confirmation e-mails were read straight from the outbox above: they count as delivered already.)
    await stack.db.pool.query(
      sql.unsafe`UPDATE outbox_emails SET sent_at = now() WHERE template = 'subscription_confirm'`,
    );
    const ids = await stack.db.pool.any(
      sql.type(
        z.object({ id: z.string() }),
      )`SELECT id FROM subscribers WHERE campaign_id = ${campaign.id} ORDER BY unsubscribed_at NULLS FIRST`,
    );
    for (const { id } of ids)
      await queueEmail(stack.db.pool, {
        subscriberId: id,
        template: 'reconsent_nudge',
        data: { title: 'Consent', slug: campaign.slug },
        dedupeKey: `consent-test:${id}`,
      });
    await stack.temporal.client.workflow.execute('outboxDeliveryWorkflow', {
      workflowId: newId('outbox'),
      taskQueue: stack.temporal.taskQueue,
    });
    expect(await subjectsTo('stays@example.com')).toHaveLength(1);
    expect(await subjectsTo('leaves@example.com')).toHaveLength(0);
  });
});
