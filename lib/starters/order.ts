// A shop order (workflows/order.ts), one per Stripe checkout session: its id, start, and the nudges it gets when
// something it waits for happens (an account verifying the buyer's address, a campaign using its package). The caller
// looks the order up (db/billing.ts): lib/ does not read the database.
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
} from '@temporalio/client';
import {
  accountVerifiedSignal,
  campaignAttachedSignal,
  campaignChangedSignal,
  orderWorkflow,
} from '../../workflows/order';
import { type Logger } from '../logger';
import { AccountId, Kind } from '../temporal/search-attributes';

export const orderWorkflowId = (checkoutSessionId: string) => `order:${checkoutSessionId}`;

/** A second delivery of the webhook joins the running order; a finished order is not run again. */
export async function startOrder(
  client: Client,
  taskQueue: string,
  input: { checkoutSessionId: string; orderId: string; accountId: string | null },
): Promise<void> {
  try {
    await client.workflow.start(orderWorkflow, {
      workflowId: orderWorkflowId(input.checkoutSessionId),
      taskQueue,
      args: [{ orderId: input.orderId }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: Kind, value: 'order' },
        ...(input.accountId ? [{ key: AccountId, value: input.accountId }] : []),
      ],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

const ORDER_SIGNALS = {
  accountVerified: accountVerifiedSignal,
  campaignAttached: campaignAttachedSignal,
  campaignChanged: campaignChangedSignal,
};

/** Best effort: the workflow also re-checks on a timer, so a lost signal only delays it. */
export async function signalOrder(
  client: Client,
  logger: Logger,
  input: { checkoutSessionId: string; what: keyof typeof ORDER_SIGNALS },
): Promise<void> {
  try {
    await client.workflow.getHandle(orderWorkflowId(input.checkoutSessionId)).signal(ORDER_SIGNALS[input.what]);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return; // finished (or never started): nothing waits
    logger.warn(
      { err: error, checkoutSessionId: input.checkoutSessionId },
      `could not signal ${input.what} to the order workflow; it re-checks on its own`,
    );
  }
}
