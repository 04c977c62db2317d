// The grace period of a subscription whose payment failed: a durable timer (days, surviving restarts). The plan
// stays paid meanwhile; unless Stripe reports the subscription healthy again, the account drops to free at the end.
// One per subscription: `subscription:<stripeSubscriptionId>`.
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { downgradeAfterGracePeriod } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
});

/** Another failed payment: the grace period already running goes on unchanged. */
export const paymentFailedSignal = defineSignal('paymentFailed');
/** Stripe reports the subscription active again. */
export const paymentRecoveredSignal = defineSignal('paymentRecovered');

export interface SubscriptionGraceInput {
  subscriptionId: string;
  graceMs: number;
}

export async function subscriptionGraceWorkflow(
  input: SubscriptionGraceInput,
): Promise<{ outcome: 'recovered' | 'downgraded' }> {
  let recovered = false;
  setHandler(paymentFailedSignal, () => undefined);
  setHandler(paymentRecoveredSignal, () => void (recovered = true));
  if (await condition(() => recovered, Math.max(1, input.graceMs))) return { outcome: 'recovered' };
  // The database decides, so a lost recovery signal cannot downgrade a subscription that is paid again.
  return {
    outcome: (await downgradeAfterGracePeriod({ subscriptionId: input.subscriptionId })) ? 'downgraded' : 'recovered',
  };
}
