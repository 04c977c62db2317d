// Deleting workflows with their histories (erasure): a running one is terminated first by the server.
import { Context } from '@temporalio/activity';

/** Deletes each workflow id's execution and history; returns how many existed. Safe to repeat. */
export async function deleteWorkflowsAndHistories(workflowIds: readonly string[]): Promise<number> {
  const { client, info } = Context.current();
  let deleted = 0;
  for (const workflowId of workflowIds) {
    try {
      await client.workflowService.deleteWorkflowExecution({
        namespace: info.workflowNamespace,
        workflowExecution: { workflowId },
      });
      deleted++;
    } catch (error) {
      if ((error as { code?: number }).code !== 5 /* gRPC NOT_FOUND: never existed or already deleted */) throw error;
    }
  }
  return deleted;
}
