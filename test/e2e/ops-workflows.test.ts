// Ops can find, inspect and repair workflows through the API — and only ops.
import { z } from 'zod';
import { insertAccount, insertApiKey } from '../../db/accounts';
import { sql } from '../../db/pool';
import { generateApiKey, hashApiKey } from '../../lib/crypto/hash';
import { AccountId, CampaignId, Kind } from '../../lib/temporal/search-attributes';
import { accountWelcomeWorkflow, stuckDetectionWorkflow } from '../../workflows';
import {
  artistAccount,
  createCampaign,
  fanPresaves,
  http,
  liveAlbumUpc,
  useReleaseStack,
  waitFor,
} from '../helpers/release-stack';

const stack = useReleaseStack();
let ops: { headers: Record<string, string> };
beforeAll(async () => {
  const key = generateApiKey('ops');
  await stack.db.pool.transaction(async (tx) => {
    const account = await insertAccount(tx, { name: 'ops', email: 'ops@example.com' });
    await insertApiKey(tx, { accountId: account.id, role: 'ops', keyHash: hashApiKey(key) });
  });
  ops = { headers: { authorization: `Bearer ${key}` } };
});

describe('ops workflow API', () => {
  it('rejects artist keys on every ops route', async () => {
    const artist = await artistAccount(stack);
    for (const [method, path] of [
      ['get', '/v1/ops/workflows'],
      ['get', '/v1/ops/workflows/x'],
      ['get', '/v1/ops/workflows/x/history'],
      ['post', '/v1/ops/workflows/x/terminate'],
      ['post', '/v1/ops/campaigns/00000000-0000-4000-8000-000000000000/retry-failed'],
    ]) {
      const res = await http.request({ method, url: `${stack.api.url}${path}`, headers: artist.headers, data: {} });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
  });

  it("lists a campaign's workflows, describes them with progress, and acts on them with an audit trail", async () => {
    const artist = await artistAccount(stack);
    const campaign = await createCampaign(stack, artist, 'Ops Watch');
    await fanPresaves(stack, campaign.slug, { user: 'ops-fan' });
    const listed = await waitFor(
      'visibility',
      () =>
        http.get(`${stack.api.url}/v1/ops/workflows`, { headers: ops.headers, params: { campaignId: campaign.id } }),
      (r) => r.data.items?.length > 0,
      20_000,
    );
    expect(listed.data.items).toEqual([
      expect.objectContaining({ workflowId: `release:${campaign.id}`, type: 'releaseWorkflow', status: 'RUNNING' }),
    ]);

    const described = await http.get(`${stack.api.url}/v1/ops/workflows/release:${campaign.id}`, ops);
    expect(described.data).toMatchObject({
      status: 'RUNNING',
      type: 'releaseWorkflow',
      progress: { phase: 'scheduled' },
      pendingActivities: expect.any(Array),
    });
    expect((await http.get(`${stack.api.url}/v1/ops/workflows/nope:1`, ops)).status).toBe(404);

    const signalled = await http.post(
      `${stack.api.url}/v1/ops/workflows/release:${campaign.id}/signal`,
      { name: 'reschedule' },
      ops,
    );
    expect(signalled.data).toEqual({ workflowId: `release:${campaign.id}`, signalled: 'reschedule' });
    expect(
      (
        await http.post(
          `${stack.api.url}/v1/ops/workflows/release:${campaign.id}/signal`,
          { name: 'selfDestruct' },
          ops,
        )
      ).status,
    ).toBe(400);

    const terminated = await http.post(`${stack.api.url}/v1/ops/workflows/release:${campaign.id}/terminate`, {}, ops);
    expect(terminated.status).toBe(200);
    expect((await http.get(`${stack.api.url}/v1/ops/workflows/release:${campaign.id}`, ops)).data.status).toBe(
      'TERMINATED',
    );
    const audit = await stack.db.pool.anyFirst(sql.type(z.object({ action: z.string() }))`
      SELECT action FROM audit_log WHERE target = ${`release:${campaign.id}`} ORDER BY id`);
    expect(audit).toEqual(['workflow_signal:reschedule', 'workflow_terminate']);
  });

  it('shows a history decoded for ops, with secrets redacted', async () => {
    const secret = `BQ${'x'.repeat(30)}`;
    const handle = await stack.temporal.client.workflow.start(accountWelcomeWorkflow, {
      workflowId: `ops-history-${Date.now()}`,
      taskQueue: stack.temporal.taskQueue,
      args: [
        {
          accountId: '00000000-0000-4000-8000-000000000000',
          accessToken: secret,
          note: `leaked ${secret}`,
        } as unknown as { accountId: string },
      ],
    });
    await handle.result().catch(() => undefined);
    const history = await http.get(`${stack.api.url}/v1/ops/workflows/${handle.workflowId}/history`, ops);
    expect(history.status).toBe(200);
    const text = JSON.stringify(history.data);
    expect(text).toContain('00000000-0000-4000-8000-000000000000'); // decoded
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(secret);
    expect(history.data.events[0]).toMatchObject({ eventId: 1, type: 'WORKFLOW_EXECUTION_STARTED' });
  });

  it('reset repairs a release engine terminated by mistake: a new run delivers', async () => {
    const artist = await artistAccount(stack);
    const campaign = await createCampaign(stack, artist, 'Reset Me', { upc: liveAlbumUpc(stack), secondsAhead: 6 });
    await fanPresaves(stack, campaign.slug, { user: 'reset-fan' });
    // A reset goes back to a completed workflow task: terminate only once the engine has completed one (a loaded
    // machine may not have run it yet).
    await waitFor(
      'a completed workflow task',
      () => http.get(`${stack.api.url}/v1/ops/workflows/release:${campaign.id}/history`, ops),
      (r) => r.status === 200 && r.data.events.some((e: { type: string }) => e.type === 'WORKFLOW_TASK_COMPLETED'),
    );
    await http.post(`${stack.api.url}/v1/ops/workflows/release:${campaign.id}/terminate`, {}, ops);
    const bad = await http.post(
      `${stack.api.url}/v1/ops/workflows/release:${campaign.id}/reset`,
      { eventId: 999 },
      ops,
    );
    expect(bad.status).toBe(400);
    expect(bad.data.error.details.workflowTasks.length).toBeGreaterThan(0);
    const reset = await http.post(`${stack.api.url}/v1/ops/workflows/release:${campaign.id}/reset`, {}, ops);
    expect(reset.status).toBe(200);
    expect((await http.get(`${stack.api.url}/v1/ops/workflows/release:${campaign.id}`, ops)).data.status).toBe(
      'RUNNING',
    );
    await waitFor(
      'delivery after reset',
      () => http.get(`${stack.api.url}/v1/campaigns/${campaign.id}`, { headers: artist.headers }),
      (r) => r.data.progress.done === 1,
      30_000,
    );
  });

  it("retries a campaign's failed pre-saves", async () => {
    const artist = await artistAccount(stack);
    const campaign = await createCampaign(stack, artist, 'Retry Me', { upc: liveAlbumUpc(stack), secondsAhead: 4 });
    await fanPresaves(stack, campaign.slug, { user: 'retry-fan' });
    // Break it on purpose: the pre-save is marked failed before its wave.
    await stack.db.pool.query(
      sql.unsafe`UPDATE presaves SET state = 'failed', reason = 'rejected' WHERE campaign_id = ${campaign.id}`,
    );
    await new Promise((r) => setTimeout(r, 5_000));
    const view = () => http.get(`${stack.api.url}/v1/campaigns/${campaign.id}`, { headers: artist.headers });
    expect((await view()).data.progress).toMatchObject({ done: 0, failed: 1 });
    const retried = await http.post(`${stack.api.url}/v1/ops/campaigns/${campaign.id}/retry-failed`, {}, ops);
    expect(retried.data).toEqual({ campaignId: campaign.id, retried: 1 });
    await waitFor('delivery after retry', view, (r) => r.data.progress.done === 1, 30_000);
  });

  it("retrying after the release run has ended starts a run that carries the campaign's search attributes", async () => {
    const artist = await artistAccount(stack);
    const campaign = await createCampaign(stack, artist, 'Retry Ended', { upc: liveAlbumUpc(stack), secondsAhead: 3 });
    await fanPresaves(stack, campaign.slug, { user: 'retry-ended-fan' });
    await stack.db.pool.query(
      sql.unsafe`UPDATE presaves SET state = 'failed', reason = 'rejected' WHERE campaign_id = ${campaign.id}`,
    );
    const workflowId = `release:${campaign.id}`;
    // Nothing pending once the wave has passed: the engine completes.
    await waitFor(
      'the release run to end',
      async () => (await stack.temporal.client.workflow.getHandle(workflowId).describe()).status.name,
      (status) => status === 'COMPLETED',
      30_000,
    );
    const retried = await http.post(`${stack.api.url}/v1/ops/campaigns/${campaign.id}/retry-failed`, {}, ops);
    expect(retried.data).toEqual({ campaignId: campaign.id, retried: 1 });

    const accountId = await stack.db.pool.oneFirst(
      sql.type(z.object({ id: z.string() }))`SELECT account_id AS id FROM campaigns WHERE id = ${campaign.id}`,
    );
    const runsOfCampaign = async () => {
      const runs = [];
      for await (const run of stack.temporal.client.workflow.list({ query: `CampaignId = "${campaign.id}"` }))
        runs.push(run);
      return runs;
    };
    const runs = await waitFor('both runs in visibility', runsOfCampaign, (r) => r.length === 2, 20_000);
    expect(runs.map((r) => r.workflowId)).toEqual([workflowId, workflowId]);
    for (const run of runs) {
      expect({
        campaignId: run.typedSearchAttributes.get(CampaignId),
        accountId: run.typedSearchAttributes.get(AccountId),
        kind: run.typedSearchAttributes.get(Kind),
      }).toEqual({ campaignId: campaign.id, accountId, kind: 'release' });
    }
    await waitFor(
      'delivery after retry',
      () => http.get(`${stack.api.url}/v1/campaigns/${campaign.id}`, { headers: artist.headers }),
      (r) => r.data.progress.done === 1,
      30_000,
    );
  });

  it('stuck detection raises an alert for an activity failing forever, and resolves it when the workflow is gone', async () => {
    // A release engine for a campaign that does not exist: planRelease fails on every attempt.
    const broken = await stack.temporal.client.workflow.start('releaseWorkflow', {
      workflowId: `release:00000000-0000-4000-8000-${String(Date.now()).slice(-12)}`,
      taskQueue: stack.temporal.taskQueue,
      args: [{ campaignId: '00000000-0000-4000-8000-000000000001' }],
    });
    await waitFor(
      'repeated failures',
      async () => (await broken.describe()).raw.pendingActivities?.[0]?.attempt ?? 0,
      (n) => n > 2,
      30_000,
    );
    const detect = () =>
      stack.temporal.client.workflow.execute(stuckDetectionWorkflow, {
        workflowId: `stuck-${Date.now()}`,
        taskQueue: stack.temporal.taskQueue,
        args: [{ maxAttempts: 2 }],
      });
    await detect();
    const alerts = await http.get(`${stack.api.url}/v1/ops/alerts`, ops);
    expect(alerts.data.items).toEqual([
      expect.objectContaining({
        workflowId: broken.workflowId,
        kind: 'activity_failing',
        detail: expect.stringContaining('planRelease'),
      }),
    ]);
    await broken.terminate('test over');
    await detect();
    expect((await http.get(`${stack.api.url}/v1/ops/alerts`, ops)).data.items).toEqual([]);
  });
});
