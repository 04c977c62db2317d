// Erasing a fan on request (see workflows/fan-deletion.ts). Each step can run again after a crash.
import { completeDeletionRequest, eraseContact, eraseFan } from '../db/deletion';
import { type DatabasePool } from '../db/pool';
import { presaveIdsOfFan } from '../db/presaves';
import { audit } from '../db/audit-log';
import { fanErasureWorkflowIds } from '../lib/starters/fan-deletion';
import { type ActivityDeps } from './deps';
import { deleteWorkflowsAndHistories } from './workflow-deletion';

export function createDeletionActivities({ pool }: ActivityDeps) {
  return {
    /** Terminates and deletes the fan's own workflows (retention timers, per-fan pre-saves) with their histories. */
    async deleteFanWorkflows(input: { fanId: string }): Promise<number> {
      return deleteWorkflowsAndHistories(await fanWorkflowIds(pool, input.fanId));
    },

    eraseFanData(input: { fanId: string }): Promise<Record<string, number>> {
      return eraseFan(pool, input.fanId);
    },

    eraseContactData(input: { emailHash: string }): Promise<{ fanIds: string[]; subscribers: number }> {
      return eraseContact(pool, input.emailHash);
    },

    async completeFanDeletion(input: {
      requestId: string;
      rowsDeleted: Record<string, number>;
      workflowsDeleted: number;
    }): Promise<void> {
      await completeDeletionRequest(pool, input.requestId);
      const counts = Object.entries(input.rowsDeleted)
        .map(([table, n]) => `${table}:${n}`)
        .join(' ');
      await audit(pool, {
        action: 'fan_erased_on_request',
        target: `deletion_request:${input.requestId} ${counts} workflows:${input.workflowsDeleted}`,
      });
    },
  };
}

/** Workflows whose ids name this fan or one of their pre-saves (release workflows name campaigns only). */
async function fanWorkflowIds(pool: DatabasePool, fanId: string): Promise<string[]> {
  const presaveIds = await presaveIdsOfFan(pool, fanId);
  return fanErasureWorkflowIds({ fanId, presaveIds });
}
