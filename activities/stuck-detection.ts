// Finds workflows that need an operator (see workflows/stuck-detection.ts): an activity that keeps failing, or a
// workflow running well past when it should have ended. Alerts resolve themselves when the condition goes.
import { Context } from '@temporalio/activity';
import { recordAlerts } from '../db/ops-alerts';
import { type ActivityDeps } from './deps';

export interface StuckDetectionOptions {
  /** an activity with more attempts than this is failing, not just unlucky */
  maxAttempts: number;
  /** kinds of workflow that should end within this long of starting (retention timers and connections live long) */
  overdueAfterMs: number;
}

const SHORT_LIVED_TYPES = [
  'accountWelcomeWorkflow',
  'fanDeletionWorkflow',
  'contactDeletionWorkflow',
  'accountDeletionWorkflow',
  'keyRotationWorkflow',
  'retentionSweepWorkflow',
  'outboxDeliveryWorkflow',
  'releaseHandoffWorkflow',
  'reconsentNudgeWorkflow',
];

export function createStuckDetectionActivities({ pool, config }: ActivityDeps) {
  return {
    async detectStuckWorkflows(input: StuckDetectionOptions): Promise<{ open: number }> {
      const { client } = Context.current();
      const seen: { workflowId: string; kind: 'activity_failing' | 'overdue'; detail: string }[] = [];
      for await (const execution of client.workflow.list({
        query: `ExecutionStatus = 'Running' AND TaskQueue = '${config.TEMPORAL_TASK_QUEUE}'`,
      })) {
        Context.current().heartbeat();
        const description = await client.workflow
          .getHandle(execution.workflowId, execution.runId)
          .describe()
          .catch(() => null);
        if (!description) continue;
        for (const activity of description.raw.pendingActivities ?? []) {
          if ((activity.attempt ?? 0) > input.maxAttempts) {
            seen.push({
              workflowId: execution.workflowId,
              kind: 'activity_failing',
              detail: `${activity.activityType?.name ?? 'activity'} attempt ${activity.attempt}: ${(activity.lastFailure?.message ?? '').slice(0, 300)}`,
            });
          }
        }
        if (
          SHORT_LIVED_TYPES.includes(execution.type) &&
          Date.now() - execution.startTime.getTime() > input.overdueAfterMs
        ) {
          seen.push({
            workflowId: execution.workflowId,
            kind: 'overdue',
            detail: `${execution.type} running since ${execution.startTime.toISOString()}`,
          });
        }
      }
      await recordAlerts(pool, seen);
      return { open: seen.length };
    },
  };
}
