// Run daily by the `retention-sweep` Schedule (lib/starters/schedules.ts): analytics older than 24 months are
// anonymised, stale sign-in states purged.
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { sweepRetention } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes' },
});

export async function retentionSweepWorkflow(): Promise<{ eventsAnonymised: number; oauthStatesPurged: number }> {
  return sweepRetention();
}
