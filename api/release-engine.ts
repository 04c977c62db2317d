// How the API talks to a campaign's release workflow: start it with the campaign, signal it on change. The
// workflow id holds the campaign id only (no personal data), and a second start of the same id is refused.
import { type Client, WorkflowIdReusePolicy } from '@temporalio/client';
import { AccountId, CampaignId, Kind } from '../lib/temporal/search-attributes';
import { cancelSignal, presaveAddedSignal, releaseWorkflow, rescheduleSignal, type ReleaseTimings } from '../workflows/release';

export const releaseWorkflowId = (campaignId: string) => `release:${campaignId}`;

export function createReleaseEngine(temporal: Client, taskQueue: string, timings?: Partial<ReleaseTimings>) {
  const searchAttributes = (campaign: { id: string; accountId: string }) => [
    { key: CampaignId, value: campaign.id },
    { key: AccountId, value: campaign.accountId },
    { key: Kind, value: 'release' },
  ];
  return {
    async start(campaign: { id: string; accountId: string }): Promise<void> {
      await temporal.workflow.start(releaseWorkflow, {
        workflowId: releaseWorkflowId(campaign.id),
        taskQueue,
        args: [{ campaignId: campaign.id, timings }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: searchAttributes(campaign),
      });
    },
    async reschedule(campaignId: string): Promise<void> {
      await temporal.workflow.getHandle(releaseWorkflowId(campaignId)).signal(rescheduleSignal);
    },
    async cancel(campaignId: string): Promise<void> {
      await temporal.workflow.getHandle(releaseWorkflowId(campaignId)).signal(cancelSignal);
    },
    /** Signal-with-start: a pre-save arriving after the workflow ended (late fan) starts a run that delivers it. */
    async presaveAdded(campaign: { id: string; accountId: string }, dueAt: number): Promise<void> {
      await temporal.workflow.signalWithStart(releaseWorkflow, {
        workflowId: releaseWorkflowId(campaign.id),
        taskQueue,
        args: [{ campaignId: campaign.id, timings }],
        signal: presaveAddedSignal,
        signalArgs: [{ dueAt }],
        typedSearchAttributes: searchAttributes(campaign),
      });
    },
  };
}

export type ReleaseEngine = ReturnType<typeof createReleaseEngine>;
