// Nudges an order's workflow when something it waits for happens (an account with the buyer's address, a campaign
// using its package). Best effort: the workflow also re-checks on a timer, so a lost signal only delays it.
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { type Logger } from '../lib/logger';
import { accountCreatedSignal, campaignAttachedSignal } from '../workflows/order';

export const orderWorkflowId = (checkoutSessionId: string) => `order:${checkoutSessionId}`;

export async function signalOrder(
  temporal: Client,
  logger: Logger,
  checkoutSessionId: string,
  what: 'accountCreated' | 'campaignAttached',
): Promise<void> {
  try {
    await temporal.workflow.getHandle(orderWorkflowId(checkoutSessionId)).signal(what === 'accountCreated' ? accountCreatedSignal : campaignAttachedSignal);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return; // finished (or never started): nothing waits
    logger.warn({ err: error, checkoutSessionId }, `could not signal ${what} to the order workflow; it re-checks on its own`);
  }
}
