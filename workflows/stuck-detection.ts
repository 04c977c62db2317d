// Run every few minutes by the `stuck-detection` Schedule: records workflows an operator should look at, listed
// at GET /v1/ops/alerts.
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { StuckDetectionOptions } from '../activities/stuck-detection';

const { detectStuckWorkflows } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes' },
});

export async function stuckDetectionWorkflow(input: Partial<StuckDetectionOptions> = {}): Promise<{ open: number }> {
  return detectStuckWorkflows({
    maxAttempts: input.maxAttempts ?? 10,
    overdueAfterMs: input.overdueAfterMs ?? 24 * 3600_000,
  });
}
