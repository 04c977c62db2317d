// Before an account is deleted, its Stripe subscription is cancelled at once (see workflows/account-deletion.ts): the
// customer must not be charged again for an account that is gone, and once its billing row is deleted nothing here
// knows the subscription any more. Safe to repeat: a subscription Stripe has already ended counts as done (an
// earlier attempt whose answer was lost, the portal, Stripe's own dunning). A transient error is retried; a refusal,
// or the last attempt, is recorded in the audit log with the subscription's id (so an operator can cancel it by hand)
// and does not hold the deletion up.
import { Context } from '@temporalio/activity';
import { audit } from '../db/audit-log';
import { accountBilling } from '../db/billing';
import { subscriptionEnded } from '../lib/billing/stripe';
import { ProviderError } from '../lib/providers';
import { type ActivityDeps } from './deps';

/** Attempts of cancelAccountSubscription (the workflow's retry policy says the same); the last one reports. */
export const CANCEL_SUBSCRIPTION_ATTEMPTS = 5;

export type SubscriptionCancelled =
  | { outcome: 'none' }
  | { outcome: 'cancelled' | 'already_ended'; subscriptionId: string }
  | { outcome: 'not_cancelled'; subscriptionId: string; reason: string };

export function createAccountSubscriptionCancelActivities({ pool, providers, logger }: ActivityDeps) {
  return {
    async cancelAccountSubscription(input: { accountId: string }): Promise<SubscriptionCancelled> {
      const { stripeSubscriptionId: subscriptionId, subscriptionStatus } = await accountBilling(pool, input.accountId);
      if (!subscriptionId) return { outcome: 'none' };
      const target = `account:${input.accountId} stripe_subscription:${subscriptionId}`;
      const notCancelled = async (reason: string): Promise<SubscriptionCancelled> => {
        logger.error(
          { accountId: input.accountId, subscriptionId, reason },
          'subscription of a deleted account not cancelled',
        );
        await audit(pool, { action: 'account_subscription_not_cancelled', target: `${target}=${reason}` });
        return { outcome: 'not_cancelled', subscriptionId, reason };
      };
      if (subscriptionEnded(subscriptionStatus)) return { outcome: 'already_ended', subscriptionId };
      if (!providers.stripe) return notCancelled('billing_disabled'); // the key was removed after the subscription
      let outcome: 'cancelled' | 'already_ended';
      try {
        outcome = await providers.stripe.cancelSubscription(subscriptionId);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        const lastAttempt = Context.current().info.attempt >= CANCEL_SUBSCRIPTION_ATTEMPTS;
        if (error.kind === 'invalid_request' || lastAttempt) return notCancelled(error.kind);
        throw error; // unavailable, rate limited, outcome unknown: the retry looks at Stripe again first
      }
      // Ids only: the audit log outlives the account.
      if (outcome === 'cancelled') await audit(pool, { action: 'account_subscription_cancelled', target });
      return { outcome, subscriptionId };
    },
  };
}
