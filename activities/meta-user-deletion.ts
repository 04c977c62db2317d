// Erasing what dropday holds about one Meta user (workflows/meta-user-deletion.ts). Each step can run again.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { audit } from '../db/audit-log';
import {
  completeDeletionRequest,
  eraseMetaUser,
  failDeletionRequest,
  pendingMetaDeletionSubject,
} from '../db/deletion';
import { signalDisconnect } from '../lib/starters/connection-token';
import { type ActivityDeps } from './deps';

export function createMetaUserDeletionActivities({ pool, logger }: ActivityDeps) {
  return {
    /** Forgets the Meta connections the user made; returns how many. A request no longer pending erases nothing. */
    async eraseMetaUserData(input: { requestId: string }): Promise<number> {
      const subjectHash = await pendingMetaDeletionSubject(pool, input.requestId);
      if (!subjectHash) return 0;
      const connectionIds = await eraseMetaUser(pool, subjectHash);
      // Their token workflows stop now rather than at their next renewal, which finds them disconnected anyway: a
      // signal that does not arrive loses nothing (and one that has ended has nothing to stop).
      const { client } = Context.current();
      for (const connectionId of connectionIds)
        await signalDisconnect(client, { connectionId }).catch((error: unknown) => {
          if (!(error instanceof WorkflowNotFoundError)) logger.warn({ err: error, connectionId }, 'not signalled');
        });
      return connectionIds.length;
    },

    async completeMetaUserDeletion(input: { requestId: string; connectionsErased: number }): Promise<void> {
      await completeDeletionRequest(pool, input.requestId);
      await audit(pool, {
        action: 'meta_user_erased_on_request',
        target: `deletion_request:${input.requestId} connections:${input.connectionsErased}`,
      });
    },

    async failMetaUserDeletion(input: { requestId: string }): Promise<void> {
      await failDeletionRequest(pool, input.requestId);
      await audit(pool, { action: 'meta_user_erasure_failed', target: `deletion_request:${input.requestId}` });
    },
  };
}
