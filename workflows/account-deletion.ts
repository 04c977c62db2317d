// An account asked to be deleted: first its Instagram inbox is erased and its Instagram accounts' webhooks are
// turned off (while their tokens exist), then its ad campaigns stop spending at Meta / Google Ads (paused, or removed if
// they never launched; one the provider refuses is recorded in the audit log and does not hold the deletion up),
// then its workflows and their histories (they name its campaigns), then every row of it with an audit record of
// ids and counts (one transaction). Id `account-deletion:<accountId>`.
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { deleteAccountWorkflows, deleteAccountRows } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes' },
});
// Provider calls: a bounded number of attempts (STOP_ADS_ATTEMPTS in activities/account-ads-stop.ts,
// STOP_INSTAGRAM_ATTEMPTS in activities/account-instagram-stop.ts); the last one reports what it could not stop
// instead of failing.
const { stopAccountAdCampaigns, stopAccountInstagram } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

export async function accountDeletionWorkflow(input: { accountId: string }): Promise<{
  workflowsDeleted: number;
  campaigns: number;
  fans: number;
  adCampaignsStopped: number;
  adCampaignsNotStopped: number;
  instagramInboxErased: number;
  instagramWebhooksStopped: number;
}> {
  const instagram = await stopAccountInstagram({ accountId: input.accountId });
  const ads = await stopAccountAdCampaigns({ accountId: input.accountId });
  const workflowsDeleted = await deleteAccountWorkflows({ accountId: input.accountId });
  const rows = await deleteAccountRows({ accountId: input.accountId, workflowsDeleted });
  return {
    workflowsDeleted,
    ...rows,
    adCampaignsStopped: ads.stopped.length,
    adCampaignsNotStopped: ads.notStopped.length,
    instagramInboxErased: instagram.inboxErased,
    instagramWebhooksStopped: instagram.webhooksStopped,
  };
}
