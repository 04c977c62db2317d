// Meta's data deletion callback for one Meta user (api/routes/meta-callbacks.ts): erase what dropday holds about
// them — the Meta connections they made — then complete the request; once the erasure's retries are spent, mark it
// failed instead, so the status page Meta links to never says completed before it is. Id
// `meta-user-deletion:<requestId>`; its input names the request only (the activity reads whom it is about).
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

type Activities = ReturnType<typeof createActivities>;

const { eraseMetaUserData } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // About an hour of attempts, well within the 30 days promised, before the request is said to have failed.
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes', maximumAttempts: 20 },
});
const { completeMetaUserDeletion, failMetaUserDeletion } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes' },
});

export async function metaUserDeletionWorkflow(input: { requestId: string }): Promise<'completed' | 'failed'> {
  let connectionsErased: number;
  try {
    connectionsErased = await eraseMetaUserData({ requestId: input.requestId });
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    await failMetaUserDeletion({ requestId: input.requestId });
    return 'failed';
  }
  await completeMetaUserDeletion({ requestId: input.requestId, connectionsErased });
  return 'completed';
}
