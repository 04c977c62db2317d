// Deleting an account and everything of it (see workflows/account-deletion.ts).
import { campaignIdsOf, deleteAccountData } from '../db/account-deletion';
import { adCampaignsOfAccount } from '../db/ad-campaigns';
import { adCopyRequestIdsOfAccount } from '../db/ad-copy';
import { connectionIdsOfAccount } from '../db/connections';
import { instagramPostIdsOfAccount } from '../db/instagram-posts';
import { accountErasureWorkflowIds } from '../lib/starters/account-deletion';
import { createAccountAdsStopActivities } from './account-ads-stop';
import { createAccountInstagramStopActivities } from './account-instagram-stop';
import { createAccountSubscriptionCancelActivities } from './account-subscription-cancel';
import { type ActivityDeps } from './deps';
import { deleteWorkflowsAndHistories } from './workflow-deletion';

export function createAccountDeletionActivities(deps: ActivityDeps) {
  const { pool } = deps;
  return {
    ...createAccountAdsStopActivities(deps),
    ...createAccountInstagramStopActivities(deps),
    ...createAccountSubscriptionCancelActivities(deps),

    /** The account's workflows (see accountErasureWorkflowIds) with their histories. */
    async deleteAccountWorkflows(input: { accountId: string }): Promise<number> {
      const ids = accountErasureWorkflowIds({
        accountId: input.accountId,
        campaignIds: await campaignIdsOf(pool, input.accountId),
        adCopyRequestIds: await adCopyRequestIdsOfAccount(pool, input.accountId),
        adCampaignIds: (await adCampaignsOfAccount(pool, input.accountId)).map((ad) => ad.id),
        connectionIds: await connectionIdsOfAccount(pool, input.accountId),
        instagramPostIds: await instagramPostIdsOfAccount(pool, input.accountId),
      });
      return deleteWorkflowsAndHistories(ids);
    },

    async deleteAccountRows(input: {
      accountId: string;
      workflowsDeleted: number;
    }): Promise<{ campaigns: number; fans: number }> {
      return deleteAccountData(pool, input.accountId, input.workflowsDeleted);
    },
  };
}
