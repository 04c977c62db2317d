// One release-day Instagram post (workflows/instagram-post.ts): its id, start, the "release moved" signal and cancel.
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { instagramPostRescheduledSignal, instagramPostWorkflow } from '../../workflows/instagram-post';
import { AccountId, CampaignId, Kind } from '../temporal/search-attributes';

export const instagramPostWorkflowId = (postId: string) => `instagram-post:${postId}`;

/** One workflow per post, ever: starting it again (a release plan's accept finishing one cut short) is a no-op. */
export async function startInstagramPost(
  client: Client,
  taskQueue: string,
  input: { postId: string; campaignId: string; accountId: string; containerLeadMs: number; liveCheckMs?: number },
): Promise<void> {
  try {
    await client.workflow.start(instagramPostWorkflow, {
      workflowId: instagramPostWorkflowId(input.postId),
      taskQueue,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [{ postId: input.postId, containerLeadMs: input.containerLeadMs, liveCheckMs: input.liveCheckMs }],
      typedSearchAttributes: [
        { key: CampaignId, value: input.campaignId },
        { key: AccountId, value: input.accountId },
        { key: Kind, value: 'instagram-post' },
      ],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/** The release moved (signal) or was cancelled (cancel); a post whose workflow has ended is left alone. */
export async function instagramPostFollowsRelease(
  client: Client,
  postId: string,
  change: 'rescheduled' | 'cancelled',
): Promise<void> {
  const handle = client.workflow.getHandle(instagramPostWorkflowId(postId));
  try {
    if (change === 'cancelled') await handle.cancel();
    else await handle.signal(instagramPostRescheduledSignal);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
