// The one Stripe client (docs/providers/stripe.md), built once per process with the other providers (./index.ts) and
// pointed at STRIPE_API_URL (stripe-mock in sandbox mode and tests); null when no secret key is configured (billing
// is off). The API's checkout and billing portal use its SDK; an account's deletion cancels its subscription through
// `cancelSubscription`. Every call made here is reported to the metrics hook like any provider's.
import Stripe from 'stripe';
import { subscriptionEnded } from '../billing/stripe';
import { type Config } from '../config';
import { ProviderError, type ProviderErrorKind } from './errors';
import { measured, type OnProviderCall } from './http';

export type SubscriptionCancel = 'cancelled' | 'already_ended';

export interface StripeClient {
  /** the SDK itself, for Checkout Sessions, customers and the portal (api/routes/billing.ts) */
  sdk: Stripe;
  /**
   * Cancels the subscription at once (no further invoice, no proration). Safe to repeat: one already cancelled,
   * expired or gone at Stripe is `already_ended`. Throws a ProviderError otherwise.
   */
  cancelSubscription(subscriptionId: string): Promise<SubscriptionCancel>;
}

/** Stripe's error classes in the providers' one vocabulary (./errors.ts). */
function kindOf(error: Stripe.errors.StripeError, write: boolean): ProviderErrorKind {
  if (error instanceof Stripe.errors.StripeConnectionError) return write ? 'outcome_unknown' : 'unavailable';
  if (error instanceof Stripe.errors.StripeRateLimitError) return 'rate_limited';
  if (error instanceof Stripe.errors.StripeAuthenticationError) return 'invalid_request';
  if (error.code === 'resource_missing' || error.statusCode === 404) return 'not_found';
  if ((error.statusCode ?? 500) >= 500) return 'unavailable';
  return 'invalid_request';
}

export function stripeClientFrom(
  config: Pick<Config, 'STRIPE_SECRET_KEY' | 'STRIPE_API_URL'>,
  onCall?: OnProviderCall,
): StripeClient | null {
  if (!config.STRIPE_SECRET_KEY) return null;
  const url = new URL(config.STRIPE_API_URL);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const sdk = new Stripe(config.STRIPE_SECRET_KEY, {
    host: url.hostname,
    port: Number(url.port || (protocol === 'http' ? 80 : 443)),
    protocol,
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
  });

  const call = <T>(operation: string, write: boolean, run: () => Promise<T>) =>
    measured(onCall, 'stripe', operation, async () => {
      try {
        return await run();
      } catch (error) {
        if (!(error instanceof Stripe.errors.StripeError)) throw error;
        throw new ProviderError('stripe', kindOf(error, write), `Stripe: ${error.message}`, {
          status: error.statusCode,
          code: error.code,
        });
      }
    });

  /** The subscription's status, or null when Stripe has no such subscription (any more). */
  const statusOf = (id: string) =>
    call('subscriptions.retrieve', false, async () => (await sdk.subscriptions.retrieve(id)).status).catch(
      (error: unknown) => {
        if (error instanceof ProviderError && error.kind === 'not_found') return null;
        throw error;
      },
    );

  return {
    sdk,
    async cancelSubscription(subscriptionId) {
      const before = await statusOf(subscriptionId);
      if (before === null || subscriptionEnded(before)) return 'already_ended';
      try {
        await call('subscriptions.cancel', true, () => sdk.subscriptions.cancel(subscriptionId));
        return 'cancelled';
      } catch (error) {
        // Ended in between (Stripe's own dunning, the portal, or an earlier attempt whose answer was lost): Stripe
        // refuses to cancel it again, which is the outcome we wanted.
        if (!(error instanceof ProviderError) || !['not_found', 'invalid_request'].includes(error.kind)) throw error;
        const after = await statusOf(subscriptionId);
        if (after === null || subscriptionEnded(after)) return 'already_ended';
        throw error;
      }
    },
  };
}
