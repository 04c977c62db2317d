// Starts the per-fan comparison workflows on their own task queue (served only by ./worker.ts).
import { type Client } from '@temporalio/client';
import { perFanPresaveWorkflowId } from '../../lib/starters/per-fan-presave';
import { perFanPresaveWorkflow } from './workflow';

export const PER_FAN_TASK_QUEUE = 'dropday-per-fan';

export async function startPerFanPresave(client: Client, input: { presaveId: string; dueAt: number }): Promise<void> {
  await client.workflow.start(perFanPresaveWorkflow, {
    workflowId: perFanPresaveWorkflowId(input.presaveId),
    taskQueue: PER_FAN_TASK_QUEUE,
    args: [input],
  });
}
