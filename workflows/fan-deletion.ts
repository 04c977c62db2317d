// A fan asked for their data to be deleted (verified by signing in with the same Spotify account). Within the
// promised 30 days — at once, in practice: stop and delete the fan's own workflows (their histories hold the fan's
// ids), erase every row about the fan, then close the request with an audit record that holds no personal data.
// Id `fan-deletion:<requestId>`.
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { deleteFanWorkflows, eraseFanData, eraseContactData, completeFanDeletion } = proxyActivities<
  ReturnType<typeof createActivities>
>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes' },
});

export interface FanDeletionInput {
  requestId: string;
  fanId: string;
}

export async function fanDeletionWorkflow(
  input: FanDeletionInput,
): Promise<{ workflowsDeleted: number; rowsDeleted: Record<string, number> }> {
  const workflowsDeleted = await deleteFanWorkflows({ fanId: input.fanId });
  const rowsDeleted = await eraseFanData({ fanId: input.fanId });
  await completeFanDeletion({ requestId: input.requestId, rowsDeleted, workflowsDeleted });
  return { workflowsDeleted, rowsDeleted };
}

/**
 * The same promise for someone who proved an e-mail address (a link sent to it): their subscriptions go, and so
 * does every fan those subscriptions were made from. Id `contact-deletion:<requestId>`.
 */
export async function contactDeletionWorkflow(input: {
  requestId: string;
  emailHash: string;
}): Promise<{ workflowsDeleted: number; rowsDeleted: Record<string, number> }> {
  const { fanIds, subscribers } = await eraseContactData({ emailHash: input.emailHash });
  const rowsDeleted: Record<string, number> = { subscribers };
  let workflowsDeleted = 0;
  for (const fanId of fanIds) {
    workflowsDeleted += await deleteFanWorkflows({ fanId });
    for (const [table, n] of Object.entries(await eraseFanData({ fanId })))
      rowsDeleted[table] = (rowsDeleted[table] ?? 0) + n;
  }
  await completeFanDeletion({ requestId: input.requestId, rowsDeleted, workflowsDeleted });
  return { workflowsDeleted, rowsDeleted };
}
