// Meta's data deletion callback starts one erasure per request (workflows/meta-user-deletion.ts). The id names the
// request, never the Meta user.
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { metaUserDeletionWorkflow } from '../../workflows/meta-user-deletion';
import { Kind } from '../temporal/search-attributes';

export const metaUserDeletionWorkflowId = (requestId: string) => `meta-user-deletion:${requestId}`;

/** Idempotent: Meta repeats a callback that failed, and the repeat must not start a second erasure. */
export async function startMetaUserDeletion(
  client: Client,
  taskQueue: string,
  input: { requestId: string },
): Promise<void> {
  try {
    await client.workflow.start(metaUserDeletionWorkflow, {
      workflowId: metaUserDeletionWorkflowId(input.requestId),
      taskQueue,
      args: [{ requestId: input.requestId }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [{ key: Kind, value: 'meta-user-deletion' }],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
