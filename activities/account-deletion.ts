// Deleting an account and everything of it (see workflows/account-deletion.ts).
import { campaignIdsOf, deleteAccountData } from '../db/account-deletion';
import { adCampaignsOfAccount } from '../db/ad-campaigns';
import { adCopyRequestIdsOfAccount } from '../db/ad-copy';
import { audit } from '../db/audit-log';
import { accountErasureWorkflowIds } from '../lib/starters/account-deletion';
import { createAccountAdsStopActivities } from './account-ads-stop';
import { type ActivityDeps } from './deps';
import { deleteWorkflowsAndHistories } from './workflow-deletion';

export function createAccountDeletionActivities(deps: ActivityDeps) {
  const { pool } = deps;
  return {
    ...createAccountAdsStopActivities(deps),

    /** The account's workflows (its campaigns' release engines, ad copy requests and ad campaigns, its welcome) with their histories. */
    async deleteAccountWorkflows(input: { accountId: string }): Promise<number> {
      const ids = accountErasureWorkflowIds({
        accountId: input.accountId,
        campaignIds: await campaignIdsOf(pool, input.accountId),
        adCopyRequestIds: await adCopyRequestIdsOfAccount(pool, input.accountId),
        adCampaignIds: (await adCampaignsOfAccount(pool, input.accountId)).map((ad) => ad.id),
      });
      return deleteWorkflowsAndHistories(ids);
    },

    async deleteAccountRows(input: {
      accountId: string;
      workflowsDeleted: number;
    }): Promise<{ campaigns: number; fans: number }> {
      const counts = await deleteAccountData(pool, input.accountId);
      await audit(pool, {
        action: 'account_deleted',
        target: `account:${input.accountId} campaigns:${counts.campaigns} fans:${counts.fans} workflows:${input.workflowsDeleted}`,
      });
      return counts;
    },
  };
}
