// Deleting what a fan's revocation says we may no longer keep (see workflows/fan-retention.ts).
import { audit, deleteEngagementUnlessReconsented, deleteFanTokens } from '../db/retention';
import { type ActivityDeps } from './deps';

export function createRetentionActivities({ pool }: ActivityDeps) {
  return {
    async deleteRevokedFanTokens(input: { fanId: string }): Promise<void> {
      if (await deleteFanTokens(pool, input.fanId)) {
        await audit(pool, { action: 'fan_tokens_deleted_on_revocation', target: `fan:${input.fanId}` });
      }
    },

    async deleteRevokedFanEngagement(input: { fanId: string; revokedAt: number }): Promise<{ deleted: number | null }> {
      const deleted = await deleteEngagementUnlessReconsented(pool, input.fanId, input.revokedAt);
      await audit(pool, {
        action: deleted === null ? 'fan_engagement_kept_reconsented' : 'fan_engagement_deleted_after_revocation',
        target: `fan:${input.fanId} events:${deleted ?? 0}`,
      });
      return { deleted };
    },
  };
}
