// The welcome of a new account (workflows/account-welcome.ts), started once per account.
import { type Client, WorkflowIdReusePolicy } from '@temporalio/client';
import { accountWelcomeWorkflow } from '../../workflows/account-welcome';
import { AccountId, Kind } from '../temporal/search-attributes';

export const accountWelcomeWorkflowId = (accountId: string) => `account-welcome:${accountId}`;

export async function startAccountWelcome(
  client: Client,
  taskQueue: string,
  input: { accountId: string },
): Promise<void> {
  await client.workflow.start(accountWelcomeWorkflow, {
    workflowId: accountWelcomeWorkflowId(input.accountId),
    taskQueue,
    args: [{ accountId: input.accountId }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: [
      { key: AccountId, value: input.accountId },
      { key: Kind, value: 'account-welcome' },
    ],
  });
}
