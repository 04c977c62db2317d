// Deleting what a fan's revocation says we may no longer keep (see workflows/fan-retention.ts).
import { audit } from '../db/audit-log';
import { anonymiseEventsOlderThan } from '../db/events';
import { deleteFanTokens } from '../db/fans';
import { purgeExpiredOAuthStates } from '../db/oauth-states';
import { deleteEngagementUnlessReconsented } from '../db/retention';
import { type ActivityDeps } from './deps';

export function createRetentionActivities({ pool, config }: ActivityDeps) {
  return {
    /** The daily retention sweep (see workflows/retention-sweep.ts). */
    async sweepRetention(): Promise<{ eventsAnonymised: number; oauthStatesPurged: number }> {
      const eventsAnonymised = await anonymiseEventsOlderThan(pool, config.ANALYTICS_RETENTION_DAYS);
      const oauthStatesPurged = await purgeExpiredOAuthStates(pool);
      if (eventsAnonymised > 0)
        await audit(pool, { action: 'analytics_anonymised', target: `events:${eventsAnonymised}` });
      return { eventsAnonymised, oauthStatesPurged };
    },

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
