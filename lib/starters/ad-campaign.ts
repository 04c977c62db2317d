// One ad campaign at Meta or Google (workflows/ad-campaign.ts): its id, start and the "release moved" signal.
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { adCampaignRescheduledSignal, adCampaignWorkflow } from '../../workflows/ad-campaign';
import { AccountId, CampaignId, Kind } from '../temporal/search-attributes';

type AdCampaignInput = Parameters<typeof adCampaignWorkflow>[0];

export const adCampaignWorkflowId = (adCampaignId: string) => `ad-campaign:${adCampaignId}`;

/** One workflow per ad campaign, ever: starting it again (a release plan's accept finishing one cut short) is a no-op. */
export async function startAdCampaign(
  client: Client,
  taskQueue: string,
  input: { adCampaignId: string; platform: AdCampaignInput['platform']; campaignId: string; accountId: string },
): Promise<void> {
  try {
    await client.workflow.start(adCampaignWorkflow, {
      workflowId: adCampaignWorkflowId(input.adCampaignId),
      taskQueue,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [{ adCampaignId: input.adCampaignId, platform: input.platform }],
      typedSearchAttributes: [
        { key: CampaignId, value: input.campaignId },
        { key: AccountId, value: input.accountId },
        { key: Kind, value: 'ad-campaign' },
      ],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

export async function signalAdCampaignRescheduled(client: Client, input: { adCampaignId: string }): Promise<void> {
  await client.workflow.getHandle(adCampaignWorkflowId(input.adCampaignId)).signal(adCampaignRescheduledSignal);
}
