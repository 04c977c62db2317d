// Drafting a release plan (workflows/release-plan.ts): its id, from the plan's id only, and its start.
import { type Client, WorkflowIdReusePolicy } from '@temporalio/client';
import { type ReleasePlanInput, releasePlanWorkflow } from '../../workflows/release-plan';
import { AccountId, CampaignId, Kind } from '../temporal/search-attributes';

export const releasePlanWorkflowId = (planId: string) => `release-plan:${planId}`;

export async function startReleasePlan(
  client: Client,
  taskQueue: string,
  input: ReleasePlanInput & { campaignId: string; accountId: string },
): Promise<void> {
  const { campaignId, accountId, ...args } = input;
  await client.workflow.start(releasePlanWorkflow, {
    workflowId: releasePlanWorkflowId(input.planId),
    taskQueue,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    args: [args],
    typedSearchAttributes: [
      { key: AccountId, value: accountId },
      { key: CampaignId, value: campaignId },
      { key: Kind, value: 'release-plan' },
    ],
  });
}
