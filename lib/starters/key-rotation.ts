// Re-encrypting every stored secret under a key (workflows/key-rotation.ts). One per key: starting it again while
// it runs joins the running one.
import { type Client, type WorkflowHandle, WorkflowIdConflictPolicy } from '@temporalio/client';
import {
  type KeyRotationInput,
  type KeyRotationProgress,
  keyRotationProgressQuery,
  keyRotationWorkflow,
} from '../../workflows/key-rotation';
import { Kind } from '../temporal/search-attributes';

export const keyRotationWorkflowId = (keyId: string) => `key-rotation:${keyId}`;

export function startKeyRotation(
  client: Client,
  taskQueue: string,
  input: KeyRotationInput & { workflowId?: string },
): Promise<WorkflowHandle<typeof keyRotationWorkflow>> {
  const { workflowId, ...args } = input;
  return client.workflow.start(keyRotationWorkflow, {
    workflowId: workflowId ?? keyRotationWorkflowId(input.keyId),
    taskQueue,
    args: [args],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: [{ key: Kind, value: 'key-rotation' }],
  });
}

export function queryKeyRotationProgress(handle: WorkflowHandle): Promise<KeyRotationProgress> {
  return handle.query(keyRotationProgressQuery);
}
