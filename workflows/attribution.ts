// One attribution backfill run of a campaign, started by its Schedule (`attribution:<campaignId>`, made when the
// campaign goes live) every interval for the attribution window, or at once by ops. It reads as the process: check
// the campaign can be attributed and know its tracks; go through its consenting fans in batches (each batch
// resumes after the last fan the run finished); note the run finished. A campaign deleted or cancelled ends its
// Schedule.
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { AttributionBatchResult } from '../activities/attribution';

export interface AttributionWorkflowInput {
  campaignId: string;
  /** fans per batch activity (default ATTRIBUTION_FAN_BATCH) */
  batchSize?: number;
  /** carried across continue-as-new: the run's key and its totals so far */
  carried?: { runKey: string; totals: AttributionTotals };
}

export type AttributionTotals = Omit<AttributionBatchResult, 'done' | 'paused'>;

export async function attributionWorkflow(
  input: AttributionWorkflowInput,
): Promise<AttributionTotals & { state: string; pausedUntil?: number }> {
  const { prepareAttribution, finishAttributionRun } = proxyActivities<ReturnType<typeof createActivities>>({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
  });
  const { attributeFanBatch } = proxyActivities<ReturnType<typeof createActivities>>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '1 minute',
    retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
  });
  const { campaignId } = input;
  // Each Schedule action has a workflow id of its own (Temporal appends its time): the key of the run's progress.
  const runKey = input.carried?.runKey ?? workflowInfo().workflowId;
  const totals: AttributionTotals = input.carried?.totals ?? { fans: 0, skipped: 0, streams: 0, saves: 0, follows: 0 };

  const prepared = await prepareAttribution({ campaignId });
  if (prepared.state !== 'ready') {
    // Nothing will ever be attributed to a deleted or cancelled campaign: its Schedule ends too.
    if (prepared.state === 'gone' || prepared.state === 'cancelled')
      await finishAttributionRun({ campaignId, runKey, endSchedule: true });
    return { ...totals, state: prepared.state };
  }

  for (;;) {
    const batch = await attributeFanBatch({ campaignId, runKey, batchSize: input.batchSize });
    totals.fans += batch.fans;
    totals.skipped += batch.skipped;
    totals.streams += batch.streams;
    totals.saves += batch.saves;
    totals.follows += batch.follows;
    if (batch.paused) {
      // Spotify's quota is spent: stop here; the next scheduled run carries on from every fan's cursor.
      return { ...totals, state: 'paused', pausedUntil: batch.paused.untilMs };
    }
    if (batch.done) break;
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 2_000) {
      await continueAsNew<typeof attributionWorkflow>({ ...input, carried: { runKey, totals } });
    }
  }
  await finishAttributionRun({ campaignId, runKey, endSchedule: false });
  return { ...totals, state: 'finished' };
}
