// A shop order, from payment to the end of its campaign. One workflow per Stripe Checkout Session
// (`order:<checkoutSessionId>`, no personal data): it provisions the package once, confirms the order to the
// buyer, links the order to the account that verified the buyer's e-mail address (now, or when one does), waits for the
// campaign the package is used on, and tells the account when that campaign is live and when it has completed.
import {
  condition,
  continueAsNew,
  defineSignal,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';

// One or two SQL statements each: an attempt lost with its worker is retried after seconds, not a minute.
const { provisionPackage, linkOrderAccount, orderCampaignState, queueOrderEmail, returnPackageCredit } =
  proxyActivities<ReturnType<typeof createActivities>>({
    startToCloseTimeout: '15 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
  });
// Sends what is queued (mails commit one by one, so a retry only sends what is left).
const { deliverOutbox } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
});

/**
 * An account verified the buyer's address (sent by the verification link's route). The name is from when sign-up
 * alone sent it: kept, so orders already waiting still receive it.
 */
export const accountVerifiedSignal = defineSignal('accountCreated');
/** The account's new campaign took this order's package credit (sent by the campaign route). */
export const campaignAttachedSignal = defineSignal('campaignAttached');
/** The campaign was rescheduled or cancelled: look again now rather than at the next timer. */
export const campaignChangedSignal = defineSignal('campaignChanged');

export interface OrderTimings {
  /** how long an order waits for an account that verified the buyer's address */
  accountWaitMs: number;
  /** re-checks while waiting, in case a signal was lost */
  recheckMs: number;
  /** campaign status checks around the release instant: first, then doubling up to the max */
  pollMinMs: number;
  pollMaxMs: number;
}

const DEFAULT_TIMINGS: OrderTimings = {
  accountWaitMs: 30 * 86_400_000,
  recheckMs: 3_600_000,
  pollMinMs: 10_000,
  pollMaxMs: 3_600_000,
};

type Stage = 'provision' | 'account' | 'campaign' | 'live' | 'completed';

export interface OrderWorkflowInput {
  orderId: string;
  timings?: Partial<OrderTimings>;
  /** where a continued run picks up */
  stage?: Stage;
  accountDeadline?: number;
}

export type OrderOutcome = 'completed' | 'cancelled' | 'unclaimed';

export async function orderWorkflow(input: OrderWorkflowInput): Promise<{ outcome: OrderOutcome }> {
  let nudged = false;
  setHandler(accountVerifiedSignal, () => void (nudged = true));
  setHandler(campaignAttachedSignal, () => void (nudged = true));
  setHandler(campaignChangedSignal, () => void (nudged = true));

  const { orderId } = input;
  const timings = { ...DEFAULT_TIMINGS, ...input.timings };
  let stage: Stage = input.stage ?? 'provision';
  const accountDeadline = input.accountDeadline ?? Date.now() + timings.accountWaitMs;
  const email = async (template: 'order_confirmed' | 'campaign_live' | 'campaign_completed') => {
    await queueOrderEmail({ orderId, template });
    await deliverOutbox({ limit: 100 });
  };
  /** Waits for a signal or `ms`; a long wait continues as a new run first, so history stays small. */
  const pause = async (ms: number) => {
    if (workflowInfo().historyLength > 2_000)
      await continueAsNew<typeof orderWorkflow>({ ...input, stage, accountDeadline });
    // A nudge that came while the last check ran is kept (it may be what that check missed): clearing it here
    // lost it, and the order slept until the next re-check. Old runs replay the old way.
    if (!patched('order-keeps-early-nudge')) nudged = false;
    await condition(() => nudged, Math.max(1, ms));
    nudged = false;
  };

  if (stage === 'provision') {
    await provisionPackage({ orderId });
    await email('order_confirmed');
    stage = 'account';
  }

  if (stage === 'account') {
    while (!(await linkOrderAccount({ orderId }))) {
      if (Date.now() >= accountDeadline) return { outcome: 'unclaimed' };
      await pause(Math.min(timings.recheckMs, accountDeadline - Date.now()));
    }
    stage = 'campaign';
  }

  if (stage === 'campaign') {
    while (!(await orderCampaignState({ orderId })).campaignId) await pause(timings.recheckMs);
    stage = 'live';
  }

  // Live, then completed: checked from the release instant (or the close) on, with backoff while it is not.
  let delay = timings.pollMinMs;
  for (;;) {
    const state = await orderCampaignState({ orderId });
    if (!state.campaignId) {
      // Its campaign was removed (the credit is free again): the account's next campaign takes it.
      stage = 'live';
      await pause(timings.recheckMs);
      continue;
    }
    if (state.status === 'cancelled') {
      if (stage === 'completed') return { outcome: 'cancelled' }; // it went live: the package was used
      // Cancelled before its release instant: the credit goes back for the account's next campaign.
      if (await returnPackageCredit({ orderId })) continue;
      return { outcome: 'cancelled' };
    }
    if (stage === 'live' && state.live) {
      await email('campaign_live');
      stage = 'completed';
      delay = timings.pollMinMs;
      continue;
    }
    if (stage === 'completed' && state.status === 'completed') {
      await email('campaign_completed');
      return { outcome: 'completed' };
    }
    const target = stage === 'live' ? state.releaseAt : state.closesAt;
    const untilTarget = (target ?? 0) - Date.now();
    if (untilTarget > 0) {
      await pause(Math.min(untilTarget, timings.pollMaxMs));
    } else {
      await pause(delay);
      delay = Math.min(delay * 2, timings.pollMaxMs);
    }
  }
}
