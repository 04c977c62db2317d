// One request for ad copy (workflows/ad-copy.ts): its id, start, and the artist's approve / reject signals.
import { type Client, WorkflowIdReusePolicy } from '@temporalio/client';
import { type AdCopyInput, adCopyWorkflow, approveSignal, rejectSignal } from '../../workflows/ad-copy';
import { AccountId, CampaignId, Kind } from '../temporal/search-attributes';

export const adCopyWorkflowId = (requestId: string) => `ad-copy:${requestId}`;

export async function startAdCopy(
  client: Client,
  taskQueue: string,
  input: AdCopyInput & { campaignId: string; accountId: string },
): Promise<void> {
  const { campaignId, accountId, ...args } = input;
  await client.workflow.start(adCopyWorkflow, {
    workflowId: adCopyWorkflowId(input.requestId),
    taskQueue,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    args: [args],
    typedSearchAttributes: [
      { key: AccountId, value: accountId },
      { key: CampaignId, value: campaignId },
      { key: Kind, value: 'ad-copy' },
    ],
  });
}

export async function signalAdCopyApproved(
  client: Client,
  input: { requestId: string; variantId: string },
): Promise<void> {
  await client.workflow
    .getHandle(adCopyWorkflowId(input.requestId))
    .signal(approveSignal, { variantId: input.variantId });
}

export async function signalAdCopyRejected(
  client: Client,
  input: { requestId: string; feedback: string },
): Promise<void> {
  await client.workflow.getHandle(adCopyWorkflowId(input.requestId)).signal(rejectSignal, { feedback: input.feedback });
}
