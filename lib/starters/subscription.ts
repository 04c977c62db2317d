// A subscription's grace period after a failed payment (workflows/subscription.ts), one per Stripe subscription.
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { paymentFailedSignal, paymentRecoveredSignal, subscriptionGraceWorkflow } from '../../workflows/subscription';
import { AccountId, Kind } from '../temporal/search-attributes';

export const subscriptionWorkflowId = (subscriptionId: string) => `subscription:${subscriptionId}`;

/** Signal-with-start: the first failure starts the grace period, a later one joins it. */
export async function signalPaymentFailed(
  client: Client,
  taskQueue: string,
  input: { subscriptionId: string; graceMs: number; accountId: string },
): Promise<void> {
  await client.workflow.signalWithStart(subscriptionGraceWorkflow, {
    workflowId: subscriptionWorkflowId(input.subscriptionId),
    taskQueue,
    args: [{ subscriptionId: input.subscriptionId, graceMs: input.graceMs }],
    signal: paymentFailedSignal,
    signalArgs: [],
    typedSearchAttributes: [
      { key: Kind, value: 'subscription-grace' },
      { key: AccountId, value: input.accountId },
    ],
  });
}

/** No grace period running: nothing to tell. */
export async function signalPaymentRecovered(client: Client, input: { subscriptionId: string }): Promise<void> {
  try {
    await client.workflow.getHandle(subscriptionWorkflowId(input.subscriptionId)).signal(paymentRecoveredSignal);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
