// Billing's Stripe settings and webhook signatures (docs/providers/stripe.md); the Stripe client itself is the provider
// layer's (lib/providers/stripe.ts). Billing is on only when a secret key is configured: a self-hosted dropday
// without Stripe enforces no plan limits.
import Stripe from 'stripe';
import { type Config } from '../config';

/** Statuses after which Stripe charges nothing more for a subscription: nothing left to cancel. */
export function subscriptionEnded(status: string | null): boolean {
  return status === 'canceled' || status === 'incomplete_expired';
}

export function billingEnabled(config: Pick<Config, 'STRIPE_SECRET_KEY'>): boolean {
  return Boolean(config.STRIPE_SECRET_KEY);
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
