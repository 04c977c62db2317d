// The attribution backfill under trouble: a run resumes after the last fan it finished, Spotify's 429s and expired
// access tokens are handled through the shared rate limiter and the fan token refresh, and a spent quota ends the
// run early without losing anything (the next run carries on from the cursors).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { type ScheduleHandle, WorkflowIdReusePolicy } from '@temporalio/client';
import { z } from 'zod';
import { storeFanTokens } from '../../db/fans';
import { sql } from '../../db/pool';
import { attributionScheduleId, ensureAttributionSchedule } from '../../lib/starters/attribution';
import { attributionWorkflow } from '../../workflows/attribution';
import {
  artistAccount,
  fanIdOf,
  fanPresaves,
  nextUpc,
  postCampaign,
  useReleaseStack,
  waitFor,
  waitForCampaign,
} from '../helpers/release-stack';

const stack = useReleaseStack();

const streamsOf = (campaignId: string) =>
  stack.db.pool.any(sql.type(z.object({ fanId: z.string(), playedAt: z.number() }))`
    SELECT fan_id AS "fanId", played_at AS "playedAt" FROM events WHERE campaign_id = ${campaignId} AND type = 'STREAM' ORDER BY fan_id, played_at`);

const scheduleExists = (schedule: ScheduleHandle) =>
  schedule.describe().then(
    () => true,
    () => false,
  );

/** A released campaign with `users` as its pre-saved fans, each of whom played its track once. */
async function releasedCampaign(title: string, users: string[]) {
  const account = await artistAccount(stack);
  const upc = nextUpc();
  const release = stack.spotify.state.addRelease({
    artist: { name: 'Resume Artist' },
    album: { name: title, upc, tracks: [{ name: title, isrc: `USRS1${String(Date.now()).slice(-7)}` }] },
    liveAt: Date.now() - 60_000,
  });
  const campaign = (await postCampaign(stack, account, title, { upc, secondsAhead: 3 })).campaign.data as {
    id: string;
    slug: string;
  };
  for (const user of users) await fanPresaves(stack, campaign.slug, { user });
  await waitForCampaign(stack, campaign.id, account.headers, 'release day', (r) => r.data.progress.pending === 0);
  const trackId = release.tracks[0].id;
  for (const user of users) stack.spotify.state.addPlay(user, { trackId, playedAt: Date.now() - 120_000 });
  const fanIds = await Promise.all(users.map((u) => fanIdOf(stack, u)));
  // Its Schedule exists from the release; paused, so only the runs a test starts run.
  const schedule = stack.temporal.client.schedule.getHandle(attributionScheduleId(campaign.id));
  await waitFor('schedule', () => scheduleExists(schedule), Boolean, 15_000);
  await schedule.pause('test');
  return { campaign, trackId, fanIds: [...fanIds].sort(), account };
}

const runBackfill = (campaignId: string, workflowId: string) =>
  stack.temporal.client.workflow.execute(attributionWorkflow, {
    workflowId,
    taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
    args: [{ campaignId, batchSize: 2 }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
  });

describe('attribution backfill, resumed and rate-limited', () => {
  it('carries on after the last fan a run finished', async () => {
    const { campaign, fanIds } = await releasedCampaign('Resumed', ['fan-res-1', 'fan-res-2', 'fan-res-3']);
    const runKey = `attribution:${campaign.id}-resumed`;
    // As if a worker died after finishing the first fan of this run: its progress row says so.
    await stack.db.pool.query(sql.unsafe`
      INSERT INTO attribution_runs (run_key, campaign_id, after_fan_id, fans_checked) VALUES (${runKey}, ${campaign.id}, ${fanIds[0]}, 1)`);
    const result = await runBackfill(campaign.id, runKey);
    expect(result).toMatchObject({ state: 'finished', fans: 2, streams: 2 }); // two batches of ≤ 2 fans, two fans left
    expect((await streamsOf(campaign.id)).map((s) => s.fanId)).toEqual(fanIds.slice(1));
    const run = await stack.db.pool.one(sql.type(z.object({ checked: z.number(), finished: z.boolean() }))`
      SELECT fans_checked AS checked, finished_at IS NOT NULL AS finished FROM attribution_runs WHERE run_key = ${runKey}`);
    expect(run).toEqual({ checked: 3, finished: true });

    // A new run goes through everyone again; the first fan's play is new to us, the others' are not counted twice.
    const again = await runBackfill(campaign.id, `attribution:${campaign.id}-next`);
    expect(again).toMatchObject({ state: 'finished', fans: 3, streams: 1 });
    expect(await streamsOf(campaign.id)).toHaveLength(3);
  });

  it('waits out 429s with every worker, refreshes expired access tokens, and stops at a spent quota', async () => {
    const { campaign } = await releasedCampaign('Limited', ['fan-lim-1', 'fan-lim-2']);
    stack.spotify.state.expireAccessTokens('fan-lim-1');
    stack.spotify.state.injectFault({
      kind: '429',
      count: 1,
      path: '/v1/me/player/recently-played',
      retryAfterSeconds: 1,
    });
    const before = stack.spotify.state.calls().length;
    const result = await runBackfill(campaign.id, `attribution:${campaign.id}-limited`);
    expect(result).toMatchObject({ state: 'finished', fans: 2, streams: 2 });
    const calls = stack.spotify.state.calls().slice(before);
    expect(calls.some((c) => c.path === '/v1/me/player/recently-played' && c.status === 429)).toBe(true);
    expect(calls.some((c) => c.path === '/api/token' && c.status === 200)).toBe(true); // the expired token was refreshed
    // The 429 paused the one limiter release day uses (its row is keyed by the Spotify app).
    const pause = await stack.db.pool.one(sql.type(
      z.object({ provider: z.string(), pausedUntil: z.number().nullable() }),
    )`
      SELECT provider, paused_until AS "pausedUntil" FROM provider_rate_limits`);
    expect(pause.provider).toBe(`spotify:${stack.config.SPOTIFY_CLIENT_ID}`);
    expect(pause.pausedUntil).not.toBeNull();

    // A spent quota: the run stops and says until when; nothing is lost and the next run picks up the new play.
    stack.spotify.state.addPlay('fan-lim-2', {
      trackId: await stack.db.pool.oneFirst(sql.type(z.object({ t: z.string() }))`
      SELECT track_id AS t FROM campaign_tracks WHERE campaign_id = ${campaign.id}`),
      playedAt: Date.now() - 1_000,
    });
    stack.spotify.state.injectFault({
      kind: 'quota',
      count: 1,
      path: '/v1/me/player/recently-played',
      retryAfterSeconds: 2,
    });
    const stopped = await runBackfill(campaign.id, `attribution:${campaign.id}-quota`);
    expect(stopped.state).toBe('paused');
    expect(stopped.pausedUntil).toBeGreaterThan(Date.now() - 5_000);
    await new Promise((r) => setTimeout(r, 2_500));
    const next = await runBackfill(campaign.id, `attribution:${campaign.id}-after-quota`);
    expect(next).toMatchObject({ state: 'finished', fans: 2, streams: 1 });
    expect(await streamsOf(campaign.id)).toHaveLength(3);
  });

  it('is paused, resumed and triggered with the admin CLI', async () => {
    const { campaign } = await releasedCampaign('Administered', ['fan-adm-1']);
    const root = path.resolve(__dirname, '..', '..');
    const admin = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', path.join(root, 'scripts/admin.ts'), 'attribution', campaign.id, ...args],
        {
          cwd: root,
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            TEMPORAL_ADDRESS: stack.temporal.address,
            TEMPORAL_TASK_QUEUE: stack.config.TEMPORAL_TASK_QUEUE,
            ENCRYPTION_KEYS: stack.config.ENCRYPTION_KEYS,
            STATE_SIGNING_SECRET: stack.config.STATE_SIGNING_SECRET,
          },
        },
      );
    const schedule = stack.temporal.client.schedule.getHandle(attributionScheduleId(campaign.id));
    await waitFor('schedule', () => scheduleExists(schedule), Boolean, 15_000);
    expect((await admin('pause')).stdout).toContain('paused');
    expect((await schedule.describe()).state.paused).toBe(true);
    expect((await admin('resume')).stdout).toContain('active');
    expect((await schedule.describe()).state.paused).toBe(false);
    await admin('backfill');
    await waitFor(
      'the CLI backfill',
      () => streamsOf(campaign.id),
      (rows) => rows.length === 1,
      30_000,
    );
    await expect(admin('explode')).rejects.toThrow();
  });

  it('ends the Schedule of a campaign that was deleted', async () => {
    const { campaign } = await releasedCampaign('Deleted Later', ['fan-del-1']);
    const schedule = stack.temporal.client.schedule.getHandle(attributionScheduleId(campaign.id));
    await waitFor('schedule', () => scheduleExists(schedule), Boolean, 15_000);
    await stack.db.pool.query(sql.unsafe`DELETE FROM campaigns WHERE id = ${campaign.id}`); // as an account deletion does
    await schedule.trigger();
    await waitFor(
      'schedule gone',
      () => scheduleExists(schedule),
      (exists) => !exists,
      30_000,
    );
  });

  it('still checks the library of a fan whose consent predates the listening-history scope', async () => {
    const { campaign, fanIds } = await releasedCampaign('Older Consent', ['fan-old-1']);
    // Tokens from a consent without user-read-recently-played (what pre-saves asked for before attribution).
    const old = stack.spotify.state.issueTokensForUser('fan-old-1', [
      'user-library-modify',
      'user-library-read',
      'user-follow-modify',
      'user-follow-read',
    ]);
    await storeFanTokens(stack.db.pool, stack.keyRing, fanIds[0], {
      accessToken: old.access_token,
      refreshToken: old.refresh_token!,
      expiresInSeconds: old.expires_in,
      scope: old.scope,
      consentedAt: Date.now(),
    });
    const before = stack.spotify.state.calls().length;
    const result = await runBackfill(campaign.id, `attribution:${campaign.id}-old-consent`);
    expect(result).toMatchObject({ state: 'finished', fans: 1, skipped: 0, streams: 0 });
    const calls = stack.spotify.state
      .calls()
      .slice(before)
      .filter((c) => c.userId === 'fan-old-1');
    expect(calls.find((c) => c.path === '/v1/me/player/recently-played')?.status).toBe(403);
    expect(calls.some((c) => c.path === '/v1/me/library/contains' && c.status === 200)).toBe(true);
    const cursor = await stack.db.pool.oneFirst(sql.type(z.object({ outcome: z.string() }))`
      SELECT last_outcome AS outcome FROM attribution_cursors WHERE campaign_id = ${campaign.id} AND fan_id = ${fanIds[0]}`);
    expect(cursor).toBe('checked:no_history_scope');
  });

  it('moves the window of an existing Schedule and keeps it paused', async () => {
    const campaignId = '00000000-0000-4000-8000-00000000a77b';
    const input = {
      campaignId,
      accountId: campaignId,
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      intervalMinutes: 60,
      startAt: Date.UTC(2030, 0, 1),
      endAt: Date.UTC(2030, 0, 29),
    };
    expect(await ensureAttributionSchedule(stack.temporal.client, input)).toBe('created');
    const handle = stack.temporal.client.schedule.getHandle(attributionScheduleId(campaignId));
    await handle.pause('test');
    expect(
      await ensureAttributionSchedule(stack.temporal.client, {
        ...input,
        startAt: Date.UTC(2030, 0, 2),
        endAt: Date.UTC(2030, 0, 30),
      }),
    ).toBe('exists');
    const described = await handle.describe();
    expect(described.spec.startAt?.toISOString()).toBe('2030-01-02T00:00:00.000Z');
    expect(described.spec.endAt?.toISOString()).toBe('2030-01-30T00:00:00.000Z');
    expect(described.state.paused).toBe(true);
    expect(described.spec.intervals?.[0]?.every).toBe(3_600_000);
    await handle.delete();
  });
});
