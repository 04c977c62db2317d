// A revoked fan's retention (workflows/fan-retention.ts): tokens go at once, engagement data after a while. One
// per fan: a second revocation joins the running one.
import { type Client, WorkflowIdConflictPolicy } from '@temporalio/client';
import { type FanRetentionInput, fanRetentionWorkflow } from '../../workflows/fan-retention';
import { Kind } from '../temporal/search-attributes';

export const fanRetentionWorkflowId = (fanId: string) => `fan-retention:${fanId}`;

export async function startFanRetention(client: Client, taskQueue: string, input: FanRetentionInput): Promise<void> {
  await client.workflow.start(fanRetentionWorkflow, {
    workflowId: fanRetentionWorkflowId(input.fanId),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: [{ key: Kind, value: 'fan-retention' }],
  });
}
