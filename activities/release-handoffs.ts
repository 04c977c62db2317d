// Hands queued pre-saves to their release engines (db/release-handoffs.ts): signal-with-start, so a campaign whose
// release run has ended gets a new one that delivers the fan. Run every few seconds by the `release-handoffs`
// Schedule. Every row handed off here is one the API failed to signal, so each is counted and logged.
import { Context } from '@temporalio/activity';
import { handOffPendingReleaseHandoffs } from '../db/release-handoffs';
import { signalPresaveAdded } from '../lib/starters/release';
import { type ActivityDeps } from './deps';

/** Rows younger than this are still the API's to signal (it deletes them right after its signal). */
const API_SIGNAL_GRACE_MS = 2_000;

export function createReleaseHandoffActivities({ pool, config, logger }: ActivityDeps) {
  return {
    async handOffQueuedPresaves(input: { limit: number }): Promise<{ handedOff: number; failed: number }> {
      const { client, metricMeter } = Context.current();
      const result = await handOffPendingReleaseHandoffs(
        pool,
        { limit: input.limit, olderThanMs: API_SIGNAL_GRACE_MS },
        (row) =>
          signalPresaveAdded(client, config.TEMPORAL_TASK_QUEUE, {
            campaign: { id: row.campaignId, accountId: row.accountId },
            dueAt: row.dueAt,
          }),
      );
      if (result.handedOff + result.failed > 0) {
        metricMeter
          .createCounter('dropday_release_handoffs_recovered', 'rows', 'Pre-saves handed to the engine by the Schedule')
          .add(result.handedOff);
        metricMeter
          .createCounter('dropday_release_handoffs_failed', 'rows', 'Hand-offs that failed and wait for the next round')
          .add(result.failed);
        logger.warn(result, 'release engine hand-offs the API had not signalled');
      }
      return { handedOff: result.handedOff, failed: result.failed };
    },
  };
}
