// Billing over HTTP against Stripe's stripe-mock: checkout and portal links, signed webhooks (accepted, rejected
// when forged or stale, ignored when replayed), plan limits (402 with the error shape) and the grace period after
// a failed payment (a durable timer on the real Temporal server).
import Stripe from 'stripe';
import { z } from 'zod';
import { sql } from '../../db/pool';
import {
  artistAccount,
  createCampaign,
  http,
  nextUpc,
  startReleaseStack,
  type ReleaseStack,
} from '../helpers/release-stack';
import {
  deliver,
  newId,
  packageSession,
  stripeEnv,
  stripeEvent,
  subscriptionObject,
  WEBHOOK_SECRET,
} from '../helpers/stripe';

let stack: ReleaseStack;
beforeAll(async () => {
  // A grace period of a few seconds (BILLING_GRACE_DAYS takes fractions).
  stack = await startReleaseStack({ env: stripeEnv({ BILLING_GRACE_DAYS: String(4 / 86_400) }) });
});
afterAll(async () => {
  await stack?.close();
});

const billingOf = (headers: Record<string, string>) => http.get(`${stack.api.url}/v1/billing`, { headers });
const count = (query: ReturnType<typeof sql.unsafe>) =>
  stack.db.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`SELECT count(*) AS n FROM (${query}) q`);
const customerOf = (accountId: string) =>
  stack.db.pool.maybeOneFirst(
    sql.type(
      z.object({ c: z.string().nullable() }),
    )`SELECT stripe_customer_id AS c FROM account_billing WHERE account_id = ${accountId}`,
  );

describe('checkout against stripe-mock', () => {
  it('gives a Checkout Session URL for a subscription, creating the Stripe customer once', async () => {
    const account = await artistAccount(stack);
    const me = (await billingOf(account.headers)).data;
    expect(me).toMatchObject({
      billing: 'enabled',
      plan: { tier: 'free', limits: { activeCampaigns: 1, fanExport: false, adAutomation: false } },
      subscription: null,
    });
    const accountId = String(
      await stack.db.pool.oneFirst(
        sql.type(z.object({ id: z.string() }))`SELECT account_id AS id FROM api_keys ORDER BY created_at DESC LIMIT 1`,
      ),
    );

    const first = await http.post(
      `${stack.api.url}/v1/billing/checkout`,
      { kind: 'subscription', tier: 'pro', currency: 'usd' },
      { headers: account.headers },
    );
    expect(first.status).toBe(201);
    expect(first.data).toMatchObject({
      kind: 'subscription',
      id: expect.stringMatching(/^cs_/),
      url: expect.stringMatching(/^https:\/\/checkout\.stripe\.com\//),
    });
    const customer = await customerOf(accountId);
    expect(customer).toMatch(/^cus_/);
    const second = await http.post(
      `${stack.api.url}/v1/billing/checkout`,
      { kind: 'subscription', tier: 'label' },
      { headers: account.headers },
    );
    expect(second.status).toBe(201);
    expect(await customerOf(accountId)).toBe(customer);

    const portal = await http.post(`${stack.api.url}/v1/billing/portal`, {}, { headers: account.headers });
    expect(portal.status).toBe(201);
    expect(portal.data.url).toMatch(/^https:\/\//);
  });

  it('sells a package to a buyer who is not signed in, with YouTube link, countries and attribution', async () => {
    const res = await http.post(`${stack.api.url}/v1/billing/checkout`, {
      kind: 'package',
      packageId: 'youtube-premiere',
      currency: 'eur',
      email: 'Buyer@Example.com',
      youtubeUrl: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
      targetCountries: ['fr', 'DE', 'FR'],
      attribution: { gclid: 'gclid-123', utm_source: 'newsletter' },
    });
    expect(res.status).toBe(201);
    expect(res.data).toMatchObject({
      kind: 'package',
      id: expect.stringMatching(/^cs_/),
      url: expect.stringMatching(/^https:\/\//),
    });
  });

  it('refuses bad requests with the error shape and creates nothing', async () => {
    const account = await artistAccount(stack);
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      http.post(`${stack.api.url}/v1/billing/checkout`, body, { headers });
    const bad = [
      await post({ kind: 'package', packageId: 'release-boost', currency: 'eur', youtubeUrl: 'https://vimeo.com/1' }),
      await post({ kind: 'package', packageId: 'release-boost', currency: 'eur', targetCountries: ['XX'] }),
      await post({ kind: 'package', packageId: 'no-such-package', currency: 'eur' }),
      await post({ kind: 'package', packageId: 'release-boost', currency: 'jpy' }),
      await post({ kind: 'package', packageId: 'release-boost', currency: 'eur', attribution: { evil: 'x' } }),
      await post({ kind: 'subscription', tier: 'free' }, account.headers),
      await post({ kind: 'gift' }, account.headers),
    ];
    for (const res of bad) {
      expect(res.status).toBe(400);
      expect(res.data.error).toMatchObject({
        code: 'validation_failed',
        message: expect.any(String),
        details: expect.any(Array),
      });
    }
    expect(bad[0].data.error.details[0].path).toBe('youtubeUrl');
    expect(bad[1].data.error.details[0].path).toBe('targetCountries.0');

    const anonymousSubscription = await post({ kind: 'subscription', tier: 'pro' });
    expect(anonymousSubscription.status).toBe(401);
    const badKey = await post(
      { kind: 'package', packageId: 'release-boost', currency: 'eur' },
      { authorization: 'Bearer nope' },
    );
    expect(badKey.status).toBe(401);
    const portal = await http.post(`${stack.api.url}/v1/billing/portal`, {}, { headers: account.headers });
    expect(portal.status).toBe(409);
    expect(portal.data.error.code).toBe('no_billing_customer');
    expect(await count(sql.unsafe`SELECT 1 FROM orders`)).toBe(0);
  });
});

describe('Stripe webhooks', () => {
  it('accepts a signed event, rejects a forged or stale one, and ignores a replay', async () => {
    const event = stripeEvent('checkout.session.completed', packageSession({ email: 'webhook-buyer@example.com' }));
    const tooOld = Math.floor(Date.now() / 1000) - 301;

    const forged = await deliver(stack.api.url, event, { secret: 'whsec_someone_else' });
    expect(forged.status).toBe(400);
    expect(forged.data.error).toMatchObject({
      code: 'invalid_signature',
      message: expect.stringContaining('No signatures found matching'),
    });
    const stale = await deliver(stack.api.url, event, { timestamp: tooOld });
    expect(stale.status).toBe(400);
    expect(stale.data.error.message).toMatch(/tolerance/i);
    const garbage = await deliver(stack.api.url, event, { header: 'nonsense' });
    expect(garbage.status).toBe(400);
    const unsigned = await http.post(`${stack.api.url}/webhooks/stripe`, event.payload, {
      headers: { 'content-type': 'application/json' },
    });
    expect(unsigned.status).toBe(400);
    expect(unsigned.data.error.code).toBe('missing_signature');
    // A body changed after signing does not verify either.
    const tampered = await deliver(
      stack.api.url,
      { ...event, payload: event.payload.replace('webhook-buyer', 'attacker') },
      {
        header: Stripe.webhooks.generateTestHeaderString({ payload: event.payload, secret: WEBHOOK_SECRET }),
      },
    );
    expect(tampered.status).toBe(400);
    expect(await count(sql.unsafe`SELECT 1 FROM orders`)).toBe(0);
    expect(await count(sql.unsafe`SELECT 1 FROM stripe_events`)).toBe(0);

    const accepted = await deliver(stack.api.url, event);
    expect(accepted.status).toBe(200);
    expect(accepted.data).toMatchObject({ received: true, duplicate: false, outcome: 'order started' });
    const replay = await deliver(stack.api.url, event);
    expect(replay.status).toBe(200);
    expect(replay.data).toEqual({ received: true, duplicate: true });
    expect(await count(sql.unsafe`SELECT 1 FROM orders`)).toBe(1);
    expect(await count(sql.unsafe`SELECT 1 FROM stripe_events WHERE event_id = ${event.id}`)).toBe(1);
    // The buyer's address is sealed in the order row.
    expect(
      JSON.stringify(await stack.db.pool.any(sql.unsafe`SELECT row_to_json(o)::text AS row FROM orders o`)),
    ).not.toContain('webhook-buyer');
  });

  it('rejects a signed event that is not shaped like its type, recording nothing', async () => {
    const event = stripeEvent('customer.subscription.updated', { id: 'sub_x' });
    const res = await deliver(stack.api.url, event);
    expect(res.status).toBe(400);
    expect(res.data.error.code).toBe('invalid_event');
    expect(await count(sql.unsafe`SELECT 1 FROM stripe_events WHERE event_id = ${event.id}`)).toBe(0);
  });
});

describe('plans', () => {
  it('enforces the free limits with 402, lifts them on a paid subscription, and drops back after the grace period', async () => {
    const account = await artistAccount(stack);
    const accountId = String(
      await stack.db.pool.oneFirst(
        sql.type(z.object({ id: z.string() }))`SELECT account_id AS id FROM api_keys ORDER BY created_at DESC LIMIT 1`,
      ),
    );
    const first = await createCampaign(stack, account, 'First');
    const secondBody = {
      artistId: account.artistId,
      title: 'Second',
      upc: nextUpc(),
      releaseDate: '2031-01-01',
      releasePolicy: 'global',
      timeZone: 'UTC',
    };
    const refused = await http.post(`${stack.api.url}/v1/campaigns`, secondBody, { headers: account.headers });
    expect(refused.status).toBe(402);
    expect(refused.data.error).toMatchObject({
      code: 'plan_limit_reached',
      message: expect.stringContaining('1 active campaign'),
      details: { limit: 'activeCampaigns', allowed: 1, tier: 'free' },
    });
    expect((await http.get(`${stack.api.url}/v1/campaigns`, { headers: account.headers })).data.items).toHaveLength(1);
    const exportRefused = await http.get(`${stack.api.url}/v1/campaigns/${first.id}/fans.csv`, {
      headers: account.headers,
    });
    expect(exportRefused.status).toBe(402);
    expect(exportRefused.data.error).toMatchObject({
      code: 'plan_upgrade_required',
      details: { feature: 'fanExport', tier: 'free' },
    });
    // (Ad automation's gate is tested on its real route in ad-plans.test.ts.)
    // Stripe reports the Pro subscription active.
    const customer = newId('cus');
    const subscriptionId = newId('sub');
    const created = await deliver(
      stack.api.url,
      stripeEvent(
        'customer.subscription.created',
        subscriptionObject({ id: subscriptionId, customer, status: 'active', tier: 'pro', accountId }),
      ),
    );
    expect(created.data.outcome).toBe('plan active');
    expect((await billingOf(account.headers)).data).toMatchObject({
      plan: { tier: 'pro' },
      subscription: { status: 'active', graceUntil: null },
      usage: { activeCampaigns: 1 },
    });
    expect((await http.post(`${stack.api.url}/v1/campaigns`, secondBody, { headers: account.headers })).status).toBe(
      201,
    );
    expect(
      (await http.get(`${stack.api.url}/v1/campaigns/${first.id}/fans.csv`, { headers: account.headers })).status,
    ).toBe(200);

    // An older event arriving late changes nothing.
    const stale = stripeEvent(
      'customer.subscription.updated',
      subscriptionObject({ id: subscriptionId, customer, status: 'canceled', tier: 'pro', accountId }),
      { created: Math.floor(Date.now() / 1000) - 3600 },
    );
    expect((await deliver(stack.api.url, stale)).status).toBe(200);
    expect((await billingOf(account.headers)).data.plan.tier).toBe('pro');

    // A failed payment: still Pro during the grace period, free after it.
    const failed = await deliver(
      stack.api.url,
      stripeEvent('invoice.payment_failed', {
        id: newId('in'),
        object: 'invoice',
        parent: { subscription_details: { subscription: subscriptionId } },
      }),
    );
    expect(failed.data.outcome).toBe('grace period running');
    const during = (await billingOf(account.headers)).data;
    expect(during).toMatchObject({
      plan: { tier: 'pro' },
      subscription: { status: 'past_due', graceUntil: expect.any(String) },
    });
    const result = await stack.temporal.client.workflow.getHandle(`subscription:${subscriptionId}`).result();
    expect(result).toEqual({ outcome: 'downgraded' });
    expect((await billingOf(account.headers)).data).toMatchObject({
      plan: { tier: 'free' },
      usage: { activeCampaigns: 2, activeCampaignsOnPlan: 2 },
    });
    expect(
      (await http.get(`${stack.api.url}/v1/campaigns/${first.id}/fans.csv`, { headers: account.headers })).status,
    ).toBe(402);
  });

  it('keeps the plan when the subscription is paid within the grace period', async () => {
    const account = await artistAccount(stack);
    const accountId = String(
      await stack.db.pool.oneFirst(
        sql.type(z.object({ id: z.string() }))`SELECT account_id AS id FROM api_keys ORDER BY created_at DESC LIMIT 1`,
      ),
    );
    const customer = newId('cus');
    const subscriptionId = newId('sub');
    await deliver(
      stack.api.url,
      stripeEvent(
        'customer.subscription.created',
        subscriptionObject({ id: subscriptionId, customer, status: 'active', tier: 'label', accountId }),
      ),
    );
    await deliver(
      stack.api.url,
      stripeEvent('invoice.payment_failed', { id: newId('in'), object: 'invoice', subscription: subscriptionId }),
    );
    expect((await billingOf(account.headers)).data.subscription.status).toBe('past_due');
    // The customer updates their card; Stripe reports the subscription active again (no metadata: found by customer).
    await deliver(
      stack.api.url,
      stripeEvent(
        'customer.subscription.updated',
        {
          ...subscriptionObject({ id: subscriptionId, customer, status: 'active', tier: 'label' }),
          metadata: { tier: 'label' },
        },
        { created: Math.floor(Date.now() / 1000) + 1 },
      ),
    );
    expect(await stack.temporal.client.workflow.getHandle(`subscription:${subscriptionId}`).result()).toEqual({
      outcome: 'recovered',
    });
    expect((await billingOf(account.headers)).data).toMatchObject({
      plan: { tier: 'label' },
      subscription: { status: 'active', graceUntil: null },
    });

    // Cancelled: free at once.
    await deliver(
      stack.api.url,
      stripeEvent(
        'customer.subscription.deleted',
        subscriptionObject({ id: subscriptionId, customer, status: 'canceled', tier: 'label' }),
        { created: Math.floor(Date.now() / 1000) + 2 },
      ),
    );
    expect((await billingOf(account.headers)).data).toMatchObject({
      plan: { tier: 'free' },
      subscription: { status: 'canceled' },
    });
  });
});
