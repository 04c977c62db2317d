// Run by the `ad-insights-sync` Schedule: each launched ad campaign's daily insights (spend, impressions, clicks,
// conversions) from its provider into ad_insights. One campaign failing (a revoked token, throttling that outlasts
// the retries) does not hold the others back; the next run tries it again.
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { adCampaignsToSync } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 5 },
});
const { syncAdCampaignInsights } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '2 minutes', maximumAttempts: 5 },
});

export async function adInsightsSyncWorkflow(): Promise<{ synced: number; failed: number }> {
  const ids = await adCampaignsToSync();
  let synced = 0;
  let failed = 0;
  for (let i = 0; i < ids.length; i += 4) {
    const outcomes = await Promise.allSettled(
      ids.slice(i, i + 4).map((adCampaignId) => syncAdCampaignInsights({ adCampaignId })),
    );
    synced += outcomes.filter((o) => o.status === 'fulfilled').length;
    failed += outcomes.filter((o) => o.status === 'rejected').length;
  }
  return { synced, failed };
}
