// The Stripe client (docs/providers/stripe.md), pointed at STRIPE_API_URL (stripe-mock in sandbox mode and tests).
// Billing is on only when a secret key is configured: a self-hosted dropday without Stripe enforces no plan limits.
import Stripe from 'stripe';
import { type Config } from '../config';

export function billingEnabled(config: Pick<Config, 'STRIPE_SECRET_KEY'>): boolean {
  return Boolean(config.STRIPE_SECRET_KEY);
}

export function stripeClientFrom(config: Pick<Config, 'STRIPE_SECRET_KEY' | 'STRIPE_API_URL'>): Stripe | null {
  if (!config.STRIPE_SECRET_KEY) return null;
  const url = new URL(config.STRIPE_API_URL);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(config.STRIPE_SECRET_KEY, {
    host: url.hostname,
    port: Number(url.port || (protocol === 'http' ? 80 : 443)),
    protocol,
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
  });
}

/** Verifies a webhook delivery on its raw bytes; throws Stripe's signature error when it does not verify. */
export function verifyWebhook(
  rawBody: Buffer,
  signature: string,
  secret: string,
  toleranceSeconds = 300,
): Stripe.Event {
  return Stripe.webhooks.constructEvent(rawBody, signature, secret, toleranceSeconds);
}
