// An account asked to be deleted: first its Instagram inbox is erased and its Instagram accounts' webhooks are
// turned off (while their tokens exist), then its ad campaigns stop spending at Meta / Google Ads (paused, or removed if
// they never launched; one the provider refuses is recorded in the audit log and does not hold the deletion up),
// then its Stripe subscription is cancelled at once (so the customer is charged no more; a refusal is audited the
// same way), then its workflows and their histories (they name its campaigns), then every row of it with an audit
// record of ids and counts (one transaction). Id `account-deletion:<accountId>`.
import { patched, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { deleteAccountWorkflows, deleteAccountRows } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes' },
});
// Provider calls: a bounded number of attempts (STOP_ADS_ATTEMPTS in activities/account-ads-stop.ts,
// STOP_INSTAGRAM_ATTEMPTS in activities/account-instagram-stop.ts, CANCEL_SUBSCRIPTION_ATTEMPTS in
// activities/account-subscription-cancel.ts); the last one reports what it could not stop instead of failing.
const { stopAccountAdCampaigns, stopAccountInstagram, cancelAccountSubscription } = proxyActivities<
  ReturnType<typeof createActivities>
>({
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
  /** `none` without a subscription; `skipped` for a deletion that began before this step existed */
  subscription: 'none' | 'cancelled' | 'already_ended' | 'not_cancelled' | 'skipped';
}> {
  const instagram = await stopAccountInstagram({ accountId: input.accountId });
  const ads = await stopAccountAdCampaigns({ accountId: input.accountId });
  // Deletions started before this step replay without it (and so cancel nothing); every new one takes it.
  const subscription = patched('account-deletion-cancels-subscription')
    ? (await cancelAccountSubscription({ accountId: input.accountId })).outcome
    : 'skipped';
  const workflowsDeleted = await deleteAccountWorkflows({ accountId: input.accountId });
  const rows = await deleteAccountRows({ accountId: input.accountId, workflowsDeleted });
  return {
    workflowsDeleted,
    ...rows,
    adCampaignsStopped: ads.stopped.length,
    adCampaignsNotStopped: ads.notStopped.length,
    instagramInboxErased: instagram.inboxErased,
    instagramWebhooksStopped: instagram.webhooksStopped,
    subscription,
  };
}
