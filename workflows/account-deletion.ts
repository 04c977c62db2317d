// An account asked to be deleted: its workflows and their histories first (they name its campaigns), then every
// row of it, then an audit record of ids and counts. Id `account-deletion:<accountId>`.
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { deleteAccountWorkflows, deleteAccountRows } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes' },
});

export async function accountDeletionWorkflow(input: { accountId: string }): Promise<{ workflowsDeleted: number; campaigns: number; fans: number }> {
  const workflowsDeleted = await deleteAccountWorkflows({ accountId: input.accountId });
  const rows = await deleteAccountRows({ accountId: input.accountId, workflowsDeleted });
  return { workflowsDeleted, ...rows };
}
