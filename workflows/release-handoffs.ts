// Run every few seconds by the `release-handoffs` Schedule: pre-saves stored but never signalled to their release
// engine (the API died, or Temporal refused, between commit and signal) are handed off (activities/release-handoffs.ts).
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { handOffQueuedPresaves } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
});

export async function releaseHandoffWorkflow(): Promise<{ handedOff: number; failed: number }> {
  return handOffQueuedPresaves({ limit: 500 });
}
