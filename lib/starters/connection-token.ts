// One per artist connection (workflows/connection-token.ts): keeps its token fresh until it is disconnected.
import { type Client } from '@temporalio/client';
import { connectionTokenWorkflow, disconnectSignal } from '../../workflows/connection-token';
import { AccountId, Kind } from '../temporal/search-attributes';

export const connectionWorkflowId = (connectionId: string) => `connection:${connectionId}`;

interface ConnectionStart {
  connectionId: string;
  accountId: string;
  refreshMarginMs: number;
}

function startOptions(taskQueue: string, input: ConnectionStart) {
  return {
    workflowId: connectionWorkflowId(input.connectionId),
    taskQueue,
    args: [{ connectionId: input.connectionId, refreshMarginMs: input.refreshMarginMs }] as [
      Parameters<typeof connectionTokenWorkflow>[0],
    ],
    typedSearchAttributes: [
      { key: AccountId, value: input.accountId },
      { key: Kind, value: 'connection' },
    ],
  };
}

export async function startConnectionToken(client: Client, taskQueue: string, input: ConnectionStart): Promise<void> {
  await client.workflow.start(connectionTokenWorkflow, startOptions(taskQueue, input));
}

/** The workflow revokes the grant and forgets the tokens; signal-with-start also covers one that had ended. */
export async function disconnectWithStart(client: Client, taskQueue: string, input: ConnectionStart): Promise<void> {
  await client.workflow.signalWithStart(connectionTokenWorkflow, {
    ...startOptions(taskQueue, input),
    signal: disconnectSignal,
  });
}

export async function signalDisconnect(client: Client, input: { connectionId: string }): Promise<void> {
  await client.workflow.getHandle(connectionWorkflowId(input.connectionId)).signal(disconnectSignal);
}

/** The connection workflow's signals ops may send by name (api/routes/ops-workflows.ts). */
export const connectionSignals = { disconnect: disconnectSignal } as const;
