// A fan revoked our access (detected as invalid_grant on release day, or reported): their tokens are deleted at
// once, their engagement data after the retention period (14 days by default) — unless they consent again
// meanwhile. A durable timer, so a restart or a deploy in between changes nothing. Id `fan-retention:<fanId>`.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { deleteRevokedFanTokens, deleteRevokedFanEngagement } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
});

export interface FanRetentionInput {
  fanId: string;
  revokedAt: number;
  engagementRetentionMs: number;
}

export async function fanRetentionWorkflow(input: FanRetentionInput): Promise<{ engagementDeleted: number | null }> {
  await deleteRevokedFanTokens({ fanId: input.fanId });
  await sleep(Math.max(1, input.revokedAt + input.engagementRetentionMs - Date.now()));
  const { deleted } = await deleteRevokedFanEngagement({ fanId: input.fanId, revokedAt: input.revokedAt });
  return { engagementDeleted: deleted };
}
