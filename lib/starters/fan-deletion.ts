// Erasure on request (workflows/fan-deletion.ts): a fan verified by Spotify sign-in, or a contact verified by an
// e-mail link. Ids name the deletion request, never the person. Also the workflows whose histories go with a fan;
// the caller loads the fan's pre-save ids (db/): lib/ does not read the database.
import { type Client, WorkflowIdReusePolicy } from '@temporalio/client';
import { contactDeletionWorkflow, fanDeletionWorkflow } from '../../workflows/fan-deletion';
import { Kind } from '../temporal/search-attributes';
import { fanRetentionWorkflowId } from './fan-retention';
import { perFanPresaveWorkflowId } from './per-fan-presave';

export const fanDeletionWorkflowId = (requestId: string) => `fan-deletion:${requestId}`;
export const contactDeletionWorkflowId = (requestId: string) => `contact-deletion:${requestId}`;

export async function startFanDeletion(
  client: Client,
  taskQueue: string,
  input: { requestId: string; fanId: string },
): Promise<void> {
  await client.workflow.start(fanDeletionWorkflow, {
    workflowId: fanDeletionWorkflowId(input.requestId),
    taskQueue,
    args: [{ requestId: input.requestId, fanId: input.fanId }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: [{ key: Kind, value: 'fan-deletion' }],
  });
}

export async function startContactDeletion(
  client: Client,
  taskQueue: string,
  input: { requestId: string; emailHash: string },
): Promise<void> {
  await client.workflow.start(contactDeletionWorkflow, {
    workflowId: contactDeletionWorkflowId(input.requestId),
    taskQueue,
    args: [{ requestId: input.requestId, emailHash: input.emailHash }],
    typedSearchAttributes: [{ key: Kind, value: 'contact-deletion' }],
  });
}

/** Workflows whose ids name this fan or one of their pre-saves (release workflows name campaigns only). */
export function fanErasureWorkflowIds(input: { fanId: string; presaveIds: readonly string[] }): string[] {
  return [fanRetentionWorkflowId(input.fanId), ...input.presaveIds.map(perFanPresaveWorkflowId)];
}
