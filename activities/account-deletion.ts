// Deleting an account and everything of it (see workflows/account-deletion.ts).
import { campaignIdsOf, deleteAccountData } from '../db/account-deletion';
import { adCopyRequestIdsOfAccount } from '../db/ad-copy';
import { audit } from '../db/retention';
import { type ActivityDeps } from './deps';
import { deleteWorkflowsAndHistories } from './workflow-deletion';

export function createAccountDeletionActivities({ pool }: ActivityDeps) {
  return {
    /** The account's workflows (its campaigns' release engines and ad copy requests, its welcome) with their histories. */
    async deleteAccountWorkflows(input: { accountId: string }): Promise<number> {
      const ids = [
        `account-welcome:${input.accountId}`,
        ...(await campaignIdsOf(pool, input.accountId)).map((id) => `release:${id}`),
        ...(await adCopyRequestIdsOfAccount(pool, input.accountId)).map((id) => `ad-copy:${id}`),
      ];
      return deleteWorkflowsAndHistories(ids);
    },

    async deleteAccountRows(input: { accountId: string; workflowsDeleted: number }): Promise<{ campaigns: number; fans: number }> {
      const counts = await deleteAccountData(pool, input.accountId);
      await audit(pool, {
        action: 'account_deleted',
        target: `account:${input.accountId} campaigns:${counts.campaigns} fans:${counts.fans} workflows:${input.workflowsDeleted}`,
      });
      return counts;
    },
  };
}
