// Deleting an account and everything of it (see workflows/account-deletion.ts).
import { Context } from '@temporalio/activity';
import { campaignIdsOf, deleteAccountData } from '../db/account-deletion';
import { audit } from '../db/retention';
import { type ActivityDeps } from './deps';

export function createAccountDeletionActivities({ pool }: ActivityDeps) {
  return {
    /** The account's workflows (its campaigns' release engines, its welcome) with their histories. */
    async deleteAccountWorkflows(input: { accountId: string }): Promise<number> {
      const { client, info } = Context.current();
      const ids = [`account-welcome:${input.accountId}`, ...(await campaignIdsOf(pool, input.accountId)).map((id) => `release:${id}`)];
      let deleted = 0;
      for (const workflowId of ids) {
        try {
          await client.workflowService.deleteWorkflowExecution({ namespace: info.workflowNamespace, workflowExecution: { workflowId } });
          deleted++;
        } catch (error) {
          if ((error as { code?: number }).code !== 5 /* NOT_FOUND */) throw error;
        }
      }
      return deleted;
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
