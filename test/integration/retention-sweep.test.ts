// Analytics are anonymised after 24 months by a daily sweep, scheduled on Temporal when a worker starts.
import { z } from 'zod';
import { upsertFan } from '../../db/fans';
import { sql } from '../../db/pool';
import { ensureSchedules, RETENTION_SWEEP_SCHEDULE_ID } from '../../lib/starters/schedules';
import { retentionSweepWorkflow } from '../../workflows/retention-sweep';
import { testConfig } from '../helpers/config';
import { useWorkerEnvironment } from '../helpers/worker-environment';

const { config, keyRing } = testConfig();
// Declared before the environment: jest runs afterAll hooks in order, so the Schedules go while Temporal is up.
afterAll(async () => {
  for (const id of [
    RETENTION_SWEEP_SCHEDULE_ID,
    'reconsent-nudges',
    'outbox-delivery',
    'stuck-detection',
    'conversion-delivery',
    'ad-insights-sync',
    'release-handoffs',
    'analytics-rollup',
  ]) {
    await temporal?.client.schedule
      .getHandle(id)
      .delete()
      .catch(() => undefined);
  }
});
const { db, temporal } = useWorkerEnvironment({ config, keyRing });

describe('retention sweep', () => {
  it('anonymises analytics older than 24 months and keeps newer ones linked', async () => {
    const fanId = await upsertFan(db.pool, { provider: 'spotify', providerUserId: 'sweep-fan', timeZone: null });
    for (const [key, daysAgo] of [
      ['old', 800],
      ['edge', 731],
      ['recent', 10],
    ] as const) {
      await db.pool.query(sql.unsafe`
        INSERT INTO events (fan_id, type, dedupe_key, occurred_at) VALUES (${fanId}, 'STREAM', ${key}, now() - ${daysAgo} * interval '1 day')`);
    }
    // An old page view names nobody but keeps hashed client details: those go too.
    await db.pool.query(sql.unsafe`
      INSERT INTO events (type, dedupe_key, occurred_at, ip_hash, ua_hash) VALUES ('PAGE_VIEW', 'old-view', now() - 800 * interval '1 day', 'ip', 'ua')`);
    const result = await temporal.client.workflow.execute(retentionSweepWorkflow, {
      workflowId: `retention-sweep-test-${Date.now()}`,
      taskQueue: temporal.taskQueue,
    });
    expect(result.eventsAnonymised).toBe(3);
    const rows = await db.pool.any(sql.type(
      z.object({ k: z.string(), fanId: z.string().nullable(), ipHash: z.string().nullable() }),
    )`
      SELECT dedupe_key AS k, fan_id AS "fanId", ip_hash AS "ipHash" FROM events ORDER BY dedupe_key`);
    expect(rows).toEqual([
      { k: 'edge', fanId: null, ipHash: null },
      { k: 'old', fanId: null, ipHash: null },
      { k: 'old-view', fanId: null, ipHash: null },
      { k: 'recent', fanId, ipHash: null },
    ]);
    expect(
      (
        await temporal.client.workflow.execute(retentionSweepWorkflow, {
          workflowId: `retention-sweep-test-2-${Date.now()}`,
          taskQueue: temporal.taskQueue,
        })
      ).eventsAnonymised,
    ).toBe(0);
  });

  it('is scheduled daily, once, however many workers start', async () => {
    await ensureSchedules(temporal.client, temporal.taskQueue);
    await ensureSchedules(temporal.client, temporal.taskQueue);
    const schedule = await temporal.client.schedule.getHandle(RETENTION_SWEEP_SCHEDULE_ID).describe();
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionSweepWorkflow' });
    expect(schedule.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 3, end: 3, step: 1 }] });
  });
});
