// A release's open ad campaigns follow it when it moves or is cancelled: the campaigns routes call this, outside the
// ads router, so routers need not import each other.
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { listAdCampaigns } from '../db/ad-campaigns';
import { type DatabasePool } from '../db/pool';
import { adCampaignWorkflowId, signalAdCampaignRescheduled } from '../lib/starters/ad-campaign';

/** The release moved or was cancelled: its open ad campaigns follow (look the launch instant up again / cancel). */
export async function adCampaignsFollowRelease(
  temporal: Client,
  pool: DatabasePool,
  campaignId: string,
  change: 'rescheduled' | 'cancelled',
): Promise<void> {
  for (const ad of await listAdCampaigns(pool, campaignId)) {
    if (['ended', 'failed', 'cancelled'].includes(ad.state) || (change === 'rescheduled' && ad.startAt !== null))
      continue;
    try {
      if (change === 'cancelled') await temporal.workflow.getHandle(adCampaignWorkflowId(ad.id)).cancel();
      else await signalAdCampaignRescheduled(temporal, { adCampaignId: ad.id });
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
}
