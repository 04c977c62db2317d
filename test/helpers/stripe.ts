// Billing test kit: the stack's Stripe settings (stripe-mock from the global setup) and signed webhook deliveries,
// built the way Stripe builds them (stripe-mock sends none).
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { http } from './release-stack';

export const WEBHOOK_SECRET = 'whsec_dropday_test_secret';

export function stripeEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const url = process.env.DROPDAY_TEST_STRIPE_URL;
  if (!url)
    throw new Error('DROPDAY_TEST_STRIPE_URL is not set: run the tests through jest (global setup starts stripe-mock)');
  return { STRIPE_SECRET_KEY: 'sk_test_123', STRIPE_API_URL: url, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, ...overrides };
}

export const newId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

export interface Delivery {
  id: string;
  payload: string;
}

export function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  opts: { id?: string; created?: number } = {},
): Delivery {
  const id = opts.id ?? newId('evt');
  const payload = JSON.stringify({
    id,
    object: 'event',
    type,
    api_version: '2026-10-28.endive',
    livemode: false,
    pending_webhooks: 1,
    created: opts.created ?? Math.floor(Date.now() / 1000),
    data: { object },
  });
  return { id, payload };
}

/** Posts a delivery, signed with the endpoint secret (or as told) through stripe-node's own test helper. */
export function deliver(
  apiUrl: string,
  delivery: Delivery,
  sign: { secret?: string; timestamp?: number; header?: string } = {},
) {
  const header =
    sign.header ??
    Stripe.webhooks.generateTestHeaderString({
      payload: delivery.payload,
      secret: sign.secret ?? WEBHOOK_SECRET,
      timestamp: sign.timestamp,
    });
  return http.post(`${apiUrl}/webhooks/stripe`, delivery.payload, {
    headers: { 'content-type': 'application/json', 'stripe-signature': header },
  });
}

/** A paid Checkout Session for a shop package, as Stripe sends it. */
export function packageSession(opts: {
  sessionId?: string;
  email: string;
  packageId?: string;
  accountId?: string;
  extra?: Record<string, string>;
}) {
  return {
    id: opts.sessionId ?? newId('cs_test'),
    object: 'checkout.session',
    mode: 'payment',
    payment_status: 'paid',
    status: 'complete',
    currency: 'eur',
    amount_total: 4900,
    customer: null,
    customer_email: opts.email,
    customer_details: { email: opts.email },
    client_reference_id: opts.accountId ?? null,
    metadata: {
      kind: 'package',
      packageId: opts.packageId ?? 'release-boost',
      ...(opts.accountId ? { accountId: opts.accountId } : {}),
      ...opts.extra,
    },
  };
}

export function subscriptionObject(opts: {
  id: string;
  customer: string;
  status: string;
  tier?: string;
  accountId?: string;
}) {
  return {
    id: opts.id,
    object: 'subscription',
    customer: opts.customer,
    status: opts.status,
    metadata: { ...(opts.tier ? { tier: opts.tier } : {}), ...(opts.accountId ? { accountId: opts.accountId } : {}) },
    items: {
      object: 'list',
      data: [{ id: newId('si'), price: { id: newId('price'), lookup_key: null, metadata: {} } }],
    },
  };
}
