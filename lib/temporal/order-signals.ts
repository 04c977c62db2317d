// Nudges an order's workflow when something it waits for happens (an account with the buyer's address, a campaign
// using its package). Best effort: the workflow also re-checks on a timer, so a lost signal only delays it.
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { orderSessionOfCampaign } from '../../db/billing';
import { type DatabasePool } from '../../db/pool';
import { type Logger } from '../logger';
import { accountCreatedSignal, campaignAttachedSignal, campaignChangedSignal } from '../../workflows/order';

export const orderWorkflowId = (checkoutSessionId: string) => `order:${checkoutSessionId}`;

export async function signalOrder(
  temporal: Client,
  logger: Logger,
  checkoutSessionId: string,
  what: 'accountCreated' | 'campaignAttached' | 'campaignChanged',
): Promise<void> {
  try {
    const signal = { accountCreated: accountCreatedSignal, campaignAttached: campaignAttachedSignal, campaignChanged: campaignChangedSignal }[what];
    await temporal.workflow.getHandle(orderWorkflowId(checkoutSessionId)).signal(signal);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return; // finished (or never started): nothing waits
    logger.warn({ err: error, checkoutSessionId }, `could not signal ${what} to the order workflow; it re-checks on its own`);
  }
}

/** A campaign paid for by a package changed (rescheduled, cancelled): its order looks again. */
export async function signalCampaignChanged(temporal: Client, logger: Logger, pool: DatabasePool, campaignId: string): Promise<void> {
  const checkoutSessionId = await orderSessionOfCampaign(pool, campaignId);
  if (checkoutSessionId) await signalOrder(temporal, logger, checkoutSessionId, 'campaignChanged');
}
