// A pre-save stored while the API cannot signal the release engine (issue 14, item 1): the row is committed, the
// signal never happens, and no release run is open. The hand-off queued in the pre-save's transaction is drained
// by the `release-handoffs` Schedule, so the fan is still delivered at once. Before, such a fan waited forever.
import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { releaseWorkflowId } from '../../lib/starters/release';
import { createSchedule, RELEASE_HANDOFFS_SCHEDULE_ID } from '../../lib/starters/schedules';
import { freePort } from '../../scripts/lib/ports';
import { startTestApi, type TestApi } from '../helpers/app';
import {
  accountWithLiveAlbumCampaign,
  fanIdOf,
  fanPresaves,
  savesOf,
  useReleaseStack,
  waitFor,
} from '../helpers/release-stack';

const stack = useReleaseStack();

/** A second API on the same database whose Temporal connection is closed: every signal it tries fails. */
async function apiThatCannotSignal(): Promise<TestApi> {
  const connection = await Connection.connect({ address: stack.temporal.address });
  const deadClient = new Client({ connection, namespace: 'default' });
  await connection.close();
  const port = await freePort();
  return startTestApi({
    config: { ...stack.config, PUBLIC_URL: `http://127.0.0.1:${port}` },
    pool: stack.db.pool,
    temporal: deadClient,
    keyRing: stack.keyRing,
    port,
  });
}

describe('durable pre-save hand-off', () => {
  it('a pre-save the API never signalled is delivered though no release run was open', async () => {
    const { campaign } = await accountWithLiveAlbumCampaign(stack, 'Handoff', { secondsAhead: 3 });
    expect(campaign.status).toBe(201);
    const handle = stack.temporal.client.workflow.getHandle(releaseWorkflowId(campaign.data.id));
    const api = await apiThatCannotSignal();
    try {
      // The fan opens the pre-save link before the release and consents after it, when the release run has
      // ended (no fans at its instant): nothing is open for this campaign when their pre-save is stored.
      const { callback } = await fanPresaves({ api }, campaign.data.slug, {
        user: 'handoff-late',
        afterStart: async () => {
          await expect(handle.result()).resolves.toMatchObject({ status: 'completed' });
        },
      });
      expect(callback.status).toBe(303); // stored; the word to the engine is queued, not lost
    } finally {
      await api.close();
    }
    const fanId = await fanIdOf(stack, 'handoff-late');
    const queued = await stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM release_handoffs WHERE campaign_id = ${campaign.data.id}`);
    expect(queued).toBe(1);
    expect((await handle.describe()).status.name).toBe('COMPLETED'); // still nothing open

    const scheduleId = `${RELEASE_HANDOFFS_SCHEDULE_ID}-${stack.temporal.taskQueue}`;
    await createSchedule(stack.temporal.client, stack.temporal.taskQueue, RELEASE_HANDOFFS_SCHEDULE_ID, scheduleId);
    try {
      await waitFor(
        'the late fan delivered',
        async () => savesOf(stack, 'handoff-late').length,
        (n) => n === 1,
        45_000,
      );
    } finally {
      await stack.temporal.client.schedule.getHandle(scheduleId).delete();
    }
    // The provider's write lands a moment before the batch's settlement commits: wait for the row, then assert.
    const state = await waitFor(
      'the late fan settled',
      () =>
        stack.db.pool.oneFirst(sql.type(z.object({ state: z.string() }))`
          SELECT state FROM presaves WHERE campaign_id = ${campaign.data.id} AND fan_id = ${fanId}`),
      (s) => s !== 'running',
      15_000,
    );
    expect(state).toBe('done');
    expect(savesOf(stack, 'handoff-late')).toHaveLength(1);
    const left = await stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM release_handoffs WHERE campaign_id = ${campaign.data.id}`);
    expect(left).toBe(0);
  });
});
