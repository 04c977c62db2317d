// The release engine of a campaign (workflows/release.ts): its id, search attributes, start and signals. The id
// holds the campaign id only (no personal data), and a second start of the same id is refused.
import { type Client, type WorkflowHandle, WorkflowIdReusePolicy } from '@temporalio/client';
import {
  cancelSignal,
  presaveAddedSignal,
  progressQuery,
  type ReleaseProgress,
  releaseWorkflow,
  type ReleaseTimings,
  rescheduleSignal,
} from '../../workflows/release';
import { AccountId, CampaignId, Kind } from '../temporal/search-attributes';

export const releaseWorkflowId = (campaignId: string) => `release:${campaignId}`;

export interface ReleaseCampaign {
  id: string;
  accountId: string;
}

export const releaseSearchAttributes = (campaign: ReleaseCampaign) => [
  { key: CampaignId, value: campaign.id },
  { key: AccountId, value: campaign.accountId },
  { key: Kind, value: 'release' },
];

/** Starts the campaign's release engine; refused when a run of this id ever existed. */
export async function startRelease(
  client: Client,
  taskQueue: string,
  input: { campaign: ReleaseCampaign; timings?: Partial<ReleaseTimings> },
): Promise<void> {
  await client.workflow.start(releaseWorkflow, {
    workflowId: releaseWorkflowId(input.campaign.id),
    taskQueue,
    args: [{ campaignId: input.campaign.id, timings: input.timings }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: releaseSearchAttributes(input.campaign),
  });
}

/** Signal-with-start: a pre-save arriving after the workflow ended (a late fan, a retried failure) starts a run. */
export async function signalPresaveAdded(
  client: Client,
  taskQueue: string,
  input: { campaign: ReleaseCampaign; dueAt: number; timings?: Partial<ReleaseTimings> },
): Promise<void> {
  await client.workflow.signalWithStart(releaseWorkflow, {
    workflowId: releaseWorkflowId(input.campaign.id),
    taskQueue,
    args: [{ campaignId: input.campaign.id, timings: input.timings }],
    signal: presaveAddedSignal,
    signalArgs: [{ dueAt: input.dueAt }],
    typedSearchAttributes: releaseSearchAttributes(input.campaign),
  });
}

export async function signalReleaseRescheduled(client: Client, input: { campaignId: string }): Promise<void> {
  await client.workflow.getHandle(releaseWorkflowId(input.campaignId)).signal(rescheduleSignal);
}

export async function signalReleaseCancelled(client: Client, input: { campaignId: string }): Promise<void> {
  await client.workflow.getHandle(releaseWorkflowId(input.campaignId)).signal(cancelSignal);
}

export function queryReleaseProgress(handle: WorkflowHandle): Promise<ReleaseProgress> {
  return handle.query(progressQuery);
}

/**
 * The release's pause (a spent provider quota), which only its workflow knows, for the campaign page; null when it
 * is not paused or does not answer within `timeoutMs` (no worker up, say): the page must not wait on it.
 */
export async function releasePause(
  client: Client,
  campaignId: string,
  timeoutMs = 1_000,
): Promise<{ untilMs: number; reason: string } | null> {
  let timer: NodeJS.Timeout | undefined;
  const progress = await Promise.race([
    queryReleaseProgress(client.workflow.getHandle(releaseWorkflowId(campaignId))).catch(() => null),
    new Promise<null>((resolve) => (timer = setTimeout(resolve, timeoutMs, null))),
  ]).finally(() => clearTimeout(timer));
  if (progress?.phase !== 'paused' || progress.pausedUntil === null) return null;
  return { untilMs: progress.pausedUntil, reason: progress.pauseReason ?? 'paused' };
}

/** The release engine's signals ops may send by name (api/routes/ops-workflows.ts). */
export const releaseSignals = {
  reschedule: rescheduleSignal,
  cancel: cancelSignal,
  presaveAdded: presaveAddedSignal,
} as const;
