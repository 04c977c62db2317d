// The design dropday does NOT use, kept so bench:release can measure it side by side with releaseWorkflow:
// one workflow per fan, each with its own timer, each delivering one pre-save. Registered only by the bench's
// worker (./worker.ts), never by the production one.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { createPerFanActivities } from './activities';

const { deliverOnePresave } = proxyActivities<ReturnType<typeof createPerFanActivities>>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function perFanPresaveWorkflow(input: { presaveId: string; dueAt: number }): Promise<void> {
  await sleep(Math.max(1, input.dueAt - Date.now()));
  await deliverOnePresave({ presaveId: input.presaveId });
}
