// Schedules dropday keeps on its Temporal namespace, created (or left as they are) when a worker starts.
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { Kind } from './search-attributes';

export const RETENTION_SWEEP_SCHEDULE_ID = 'retention-sweep';

export async function ensureRetentionSchedule(client: Client, taskQueue: string): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: RETENTION_SWEEP_SCHEDULE_ID,
      spec: { calendars: [{ hour: 3, minute: 0 }], jitter: '30 minutes' },
      action: {
        type: 'startWorkflow',
        workflowType: 'retentionSweepWorkflow',
        taskQueue,
        args: [],
        typedSearchAttributes: [{ key: Kind, value: 'retention-sweep' }],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
}
