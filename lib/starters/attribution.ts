// The attribution backfill of one campaign is a Temporal Schedule (id `attribution:<campaignId>`): from the release
// it starts attributionWorkflow every interval until the attribution window ends. Ops pause, resume and trigger it
// through the Schedule, so its state is Temporal's and shows in the Web UI.
import {
  type Client,
  ScheduleAlreadyRunning,
  type ScheduleDescription,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import { attributionWorkflow } from '../../workflows/attribution';
import { AccountId, CampaignId, Kind } from '../temporal/search-attributes';

export const attributionScheduleId = (campaignId: string) => `attribution:${campaignId}`;

const DAY_MS = 24 * 3600_000;

/** From the release until the attribution window has passed after its last zone's release (closesAt). */
export function attributionWindow(windowDays: number, campaign: { releaseAt: number; closesAt: number }) {
  return { startAt: campaign.releaseAt, endAt: campaign.closesAt + windowDays * DAY_MS };
}

export interface AttributionScheduleInput {
  campaignId: string;
  accountId: string;
  taskQueue: string;
  /** the release instant: the first run is one interval after it */
  startAt: number;
  /** the end of the attribution window */
  endAt: number;
  intervalMinutes: number;
}

/**
 * Creates the campaign's Schedule, or brings an existing one's window up to date (a rescheduled release), leaving
 * its paused state alone. Safe to call again and again.
 */
export async function ensureAttributionSchedule(
  client: Client,
  input: AttributionScheduleInput,
): Promise<'created' | 'exists'> {
  const spec = {
    intervals: [{ every: `${input.intervalMinutes} minutes` }],
    // Every campaign's Schedule would otherwise fire on the same boundaries and queue behind one rate limit together.
    jitter: `${Math.max(1, Math.floor((input.intervalMinutes * 60) / 4))} seconds`,
    startAt: new Date(input.startAt),
    endAt: new Date(input.endAt),
  };
  try {
    await client.schedule.create({
      scheduleId: attributionScheduleId(input.campaignId),
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: attributionWorkflow,
        // Temporal appends each action's time, so every run has an id of its own (the run's progress key).
        workflowId: attributionScheduleId(input.campaignId),
        taskQueue: input.taskQueue,
        args: [{ campaignId: input.campaignId }],
        typedSearchAttributes: [
          { key: CampaignId, value: input.campaignId },
          { key: AccountId, value: input.accountId },
          { key: Kind, value: 'attribution' },
        ],
      },
      // A run still going when the next is due: the next is skipped (the cursors make the next one catch up).
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      state: { note: `attribution window until ${new Date(input.endAt).toISOString()}` },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(attributionScheduleId(input.campaignId));
  const current = await handle.describe();
  if (current.spec.endAt?.getTime() !== input.endAt || current.spec.startAt?.getTime() !== input.startAt) {
    await handle.update((previous) => ({
      ...previous,
      spec: { ...previous.spec, startAt: spec.startAt, endAt: spec.endAt },
    }));
  }
  return 'exists';
}

export async function describeAttributionSchedule(
  client: Client,
  campaignId: string,
): Promise<ScheduleDescription | null> {
  try {
    return await client.schedule.getHandle(attributionScheduleId(campaignId)).describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }
}

/** Removes the Schedule (the campaign is gone); a missing one is fine. */
export async function deleteAttributionSchedule(client: Client, campaignId: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(attributionScheduleId(campaignId)).delete();
    return true;
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return false;
    throw error;
  }
}

/** One backfill run outside the Schedule (scripts/record-histories.ts records one), awaited to its result. */
export function runAttributionOnce(
  client: Client,
  taskQueue: string,
  input: { workflowId: string; campaignId: string; batchSize?: number },
): Promise<Awaited<ReturnType<typeof attributionWorkflow>>> {
  return client.workflow.execute(attributionWorkflow, {
    workflowId: input.workflowId,
    taskQueue,
    args: [{ campaignId: input.campaignId, batchSize: input.batchSize }],
  });
}
