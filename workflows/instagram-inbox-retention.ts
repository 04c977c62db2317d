// Run hourly by the `instagram-inbox-retention` Schedule (lib/starters/schedules.ts): Instagram comments and messages
// are deleted once they are older than INSTAGRAM_INBOX_RETENTION_SECONDS (30 days); the audit keeps their ids only.
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { eraseExpiredInstagramInbox } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes' },
});

export async function instagramInboxRetentionWorkflow(): Promise<{ deleted: number }> {
  return eraseExpiredInstagramInbox();
}
