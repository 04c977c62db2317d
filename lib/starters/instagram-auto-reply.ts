// One keyword private reply per comment (workflows/instagram-auto-reply.ts): the id makes a second start (a
// duplicated webhook delivery) a no-op.
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { instagramAutoReplyWorkflow } from '../../workflows/instagram-auto-reply';
import { AccountId, Kind } from '../temporal/search-attributes';

export const instagramAutoReplyWorkflowId = (inboxId: string) => `instagram-auto-reply:${inboxId}`;

export async function startInstagramAutoReply(
  client: Client,
  taskQueue: string,
  input: { inboxId: string; connectionId: string; accountId: string },
): Promise<void> {
  try {
    await client.workflow.start(instagramAutoReplyWorkflow, {
      workflowId: instagramAutoReplyWorkflowId(input.inboxId),
      taskQueue,
      args: [{ inboxId: input.inboxId, connectionId: input.connectionId }],
      typedSearchAttributes: [
        { key: AccountId, value: input.accountId },
        { key: Kind, value: 'instagram-auto-reply' },
      ],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
