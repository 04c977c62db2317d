// The design dropday does NOT use, kept so bench:release can measure it side by side with releaseWorkflow:
// one workflow per fan, each with its own timer, each delivering one pre-save.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { deliverOnePresave } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function perFanPresaveWorkflow(input: { presaveId: string; dueAt: number }): Promise<void> {
  await sleep(Math.max(1, input.dueAt - Date.now()));
  await deliverOnePresave({ presaveId: input.presaveId });
}
