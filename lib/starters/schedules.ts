// Schedules dropday keeps on its Temporal namespace, created (or left as they are) when a worker starts.
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleSpec } from '@temporalio/client';
import { type Workflow } from '@temporalio/common';
import { adInsightsSyncWorkflow } from '../../workflows/ad-insights-sync';
import { analyticsRollupWorkflow } from '../../workflows/analytics-rollup';
import { conversionDeliveryWorkflow } from '../../workflows/conversions';
import { outboxDeliveryWorkflow, reconsentNudgeWorkflow } from '../../workflows/mail';
import { instagramInboxRetentionWorkflow } from '../../workflows/instagram-inbox-retention';
import { releaseHandoffWorkflow } from '../../workflows/release-handoffs';
import { retentionSweepWorkflow } from '../../workflows/retention-sweep';
import { stuckDetectionWorkflow } from '../../workflows/stuck-detection';
import { Kind } from '../temporal/search-attributes';

export const RETENTION_SWEEP_SCHEDULE_ID = 'retention-sweep';
export const AD_INSIGHTS_SCHEDULE_ID = 'ad-insights-sync';
export const RELEASE_HANDOFFS_SCHEDULE_ID = 'release-handoffs';
export const INSTAGRAM_INBOX_RETENTION_SCHEDULE_ID = 'instagram-inbox-retention';
export const ANALYTICS_ROLLUP_SCHEDULE_ID = 'analytics-rollup';

const SCHEDULES: { id: string; workflowType: Workflow; spec: ScheduleSpec }[] = [
  {
    id: RETENTION_SWEEP_SCHEDULE_ID,
    workflowType: retentionSweepWorkflow,
    spec: { calendars: [{ hour: 3, minute: 0 }], jitter: '30 minutes' },
  },
  {
    id: 'reconsent-nudges',
    workflowType: reconsentNudgeWorkflow,
    spec: { calendars: [{ hour: 10, minute: 0 }], jitter: '30 minutes' },
  },
  // Pre-saves the API stored but could not signal: a few seconds late rather than a replan (or never) later.
  {
    id: RELEASE_HANDOFFS_SCHEDULE_ID,
    workflowType: releaseHandoffWorkflow,
    spec: { intervals: [{ every: '5 seconds' }] },
  },
  // Instagram comments and messages are kept 30 days from arrival (INSTAGRAM_INBOX_RETENTION_SECONDS): hourly.
  {
    id: INSTAGRAM_INBOX_RETENTION_SCHEDULE_ID,
    workflowType: instagramInboxRetentionWorkflow,
    spec: { intervals: [{ every: '1 hour' }], jitter: '5 minutes' },
  },
  // Analytics read rollups (docs/analytics.md): new events are counted within one interval plus one round.
  {
    id: ANALYTICS_ROLLUP_SCHEDULE_ID,
    workflowType: analyticsRollupWorkflow,
    spec: { intervals: [{ every: '5 seconds' }] },
  },
  { id: 'outbox-delivery', workflowType: outboxDeliveryWorkflow, spec: { intervals: [{ every: '1 minute' }] } },
  { id: 'conversion-delivery', workflowType: conversionDeliveryWorkflow, spec: { intervals: [{ every: '1 minute' }] } },
  { id: 'stuck-detection', workflowType: stuckDetectionWorkflow, spec: { intervals: [{ every: '5 minutes' }] } },
  {
    id: AD_INSIGHTS_SCHEDULE_ID,
    workflowType: adInsightsSyncWorkflow,
    spec: { intervals: [{ every: '1 hour' }], jitter: '5 minutes' },
  },
];

/** Runs the outbox Schedule's action now (due reminders, then delivery) instead of at its next minute: the dev demo. */
export async function deliverOutboxNow(client: Client): Promise<void> {
  await client.schedule.getHandle('outbox-delivery').trigger();
}

/** Creates every schedule that does not exist yet; an existing one is left as it is. */
export async function ensureSchedules(client: Client, taskQueue: string): Promise<void> {
  for (const schedule of SCHEDULES) await createSchedule(client, taskQueue, schedule.id);
}

/** One of dropday's schedules, created under `scheduleId` (tests give each file's own id) unless it exists. */
export async function createSchedule(client: Client, taskQueue: string, id: string, scheduleId = id): Promise<void> {
  const schedule = SCHEDULES.find((s) => s.id === id);
  if (!schedule) throw new Error(`unknown schedule ${id}`);
  try {
    await client.schedule.create({
      scheduleId,
      spec: schedule.spec,
      action: {
        type: 'startWorkflow',
        workflowType: schedule.workflowType,
        taskQueue,
        args: [],
        typedSearchAttributes: [{ key: Kind, value: schedule.id }],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
}
