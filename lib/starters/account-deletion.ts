// Deleting an account (workflows/account-deletion.ts): its id and start, and the workflows whose histories go with
// the account. The caller loads the account's ids (db/): lib/ does not read the database.
import { type Client, WorkflowIdConflictPolicy } from '@temporalio/client';
import { accountDeletionWorkflow } from '../../workflows/account-deletion';
import { AccountId, Kind } from '../temporal/search-attributes';
import { accountWelcomeWorkflowId } from './account-welcome';
import { adCampaignWorkflowId } from './ad-campaign';
import { adCopyWorkflowId } from './ad-copy';
import { connectionWorkflowId } from './connection-token';
import { instagramPostWorkflowId } from './instagram-post';
import { releaseWorkflowId } from './release';

export const accountDeletionWorkflowId = (accountId: string) => `account-deletion:${accountId}`;

/** Asking twice joins the deletion already running. */
export async function startAccountDeletion(
  client: Client,
  taskQueue: string,
  input: { accountId: string },
): Promise<string> {
  const workflowId = accountDeletionWorkflowId(input.accountId);
  await client.workflow.start(accountDeletionWorkflow, {
    workflowId,
    taskQueue,
    args: [{ accountId: input.accountId }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: [
      { key: AccountId, value: input.accountId },
      { key: Kind, value: 'account-deletion' },
    ],
  });
  return workflowId;
}

/** The account's workflows (its welcome, its campaigns' release engines, ad copy requests and ad campaigns, its
 * connections' token workflows and its Instagram posts). */
export function accountErasureWorkflowIds(input: {
  accountId: string;
  campaignIds: readonly string[];
  adCopyRequestIds: readonly string[];
  adCampaignIds: readonly string[];
  connectionIds?: readonly string[];
  instagramPostIds?: readonly string[];
}): string[] {
  return [
    accountWelcomeWorkflowId(input.accountId),
    ...input.campaignIds.map(releaseWorkflowId),
    ...input.adCopyRequestIds.map(adCopyWorkflowId),
    ...input.adCampaignIds.map(adCampaignWorkflowId),
    ...(input.connectionIds ?? []).map(connectionWorkflowId),
    ...(input.instagramPostIds ?? []).map(instagramPostWorkflowId),
  ];
}
