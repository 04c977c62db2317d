// Run every few seconds by the `analytics-rollup` Schedule: analytics rollups follow new events
// (activities/analytics-rollup.ts); the interval plus one round is how stale an analytics answer can be.
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { rollUpAnalytics } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function analyticsRollupWorkflow(): Promise<{
  through: number;
  incremental: number;
  rebuilt: number;
  snapshots: number;
}> {
  const { through, incremental, rebuilt, snapshots } = await rollUpAnalytics();
  return { through, incremental, rebuilt, snapshots };
}
