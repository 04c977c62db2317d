// Attribution end to end: smart-link events with their dimensions (buffered page views, clicks, AUTH, e-mail
// sign-ups), and the campaign's backfill Schedule made at release, run against the Spotify simulator over HTTP:
// cursors advance, nothing counts twice, only the campaign's tracks count, fans without consent are skipped.
import { z } from 'zod';
import { insertEvents } from '../../db/events';
import { sql } from '../../db/pool';
import { attributionScheduleId } from '../../lib/starters/attribution';
import {
  artistAccount,
  confirmSubscription,
  fanIdOf,
  fanPresaves,
  http,
  nextUpc,
  postCampaign,
  useReleaseStack,
  waitFor,
  waitForCampaign,
} from '../helpers/release-stack';

const stack = useReleaseStack({
  env: { EVENT_BUFFER_FLUSH_MS: '50', ATTRIBUTION_WINDOW_DAYS: '10', ATTRIBUTION_INTERVAL_MINUTES: '30' },
});

const eventRow = z.object({
  type: z.string(),
  fanId: z.string().nullable(),
  platform: z.string().nullable(),
  source: z.string().nullable(),
  medium: z.string().nullable(),
  utmCampaign: z.string().nullable(),
  channel: z.string().nullable(),
  referrerHost: z.string().nullable(),
  country: z.string().nullable(),
  ipHash: z.string().nullable(),
  uaHash: z.string().nullable(),
  trackId: z.string().nullable(),
  playedAt: z.number().nullable(),
  properties: z.record(z.string(), z.unknown()),
});
const eventsOf = (campaignId: string, type: string) =>
  stack.db.pool.any(sql.type(eventRow)`
    SELECT type, fan_id AS "fanId", platform, source, medium, utm_campaign AS "utmCampaign", channel,
           referrer_host AS "referrerHost", country, ip_hash AS "ipHash", ua_hash AS "uaHash", track_id AS "trackId",
           played_at AS "playedAt", properties
    FROM events WHERE campaign_id = ${campaignId} AND type = ${type} ORDER BY id`);

async function liveCampaign(title: string, tracks: number) {
  const account = await artistAccount(stack);
  const upc = nextUpc();
  const release = stack.spotify.state.addRelease({
    artist: { name: `${title} Artist` },
    album: {
      name: title,
      upc,
      tracks: Array.from({ length: tracks }, (_, i) => ({
        name: `${title} ${i + 1}`,
        isrc: `USAT1${String(Date.now() + i).slice(-7)}`,
      })),
    },
    liveAt: Date.now() - 60_000,
  });
  const { campaign: res } = await postCampaign(stack, account, title, { upc, secondsAhead: 3 });
  expect(res.status).toBe(201);
  return { ...account, campaign: res.data as { id: string; slug: string; releaseAt: string }, release };
}

describe('smart-link events', () => {
  it('stores each page view once with its source, channel, referrer, country and hashed client', async () => {
    const { campaign } = await liveCampaign('Tracked Views', 1);
    const landing = `${stack.api.url}/l/${campaign.slug}`;
    const browser = { 'user-agent': 'Mozilla/5.0 (test browser)', 'cf-ipcountry': 'fr' };
    const tagged = `${landing}?utm_source=Instagram&utm_medium=paid_social&utm_campaign=Drop%20Week`;
    const first = await http.get(tagged, { headers: { ...browser, referer: 'https://l.instagram.com/?u=x' } });
    expect(first.status).toBe(200);
    await http.get(tagged, { headers: { ...browser, referer: 'https://l.instagram.com/?u=x' } }); // a reload is a view too
    await http.get(landing, { headers: { referer: 'https://www.google.com/', 'x-country': 'not-a-country' } });
    await http.get(landing);

    const views = await waitFor(
      'page views',
      () => eventsOf(campaign.id, 'PAGE_VIEW'),
      (rows) => rows.length === 4,
      10_000,
    );
    expect(views[0]).toMatchObject({
      source: 'instagram',
      medium: 'paid_social',
      utmCampaign: 'Drop Week',
      channel: 'paid',
      referrerHost: 'l.instagram.com',
      country: 'FR',
      fanId: null,
    });
    expect(views[0].ipHash).toMatch(/^[\w-]{20,}$/);
    expect(views[0].ipHash).not.toContain('127.0.0.1');
    expect(views[0].uaHash).toBe(views[1].uaHash); // keyed hashes: the same browser hashes alike
    expect(views[2]).toMatchObject({
      source: 'google.com',
      medium: null,
      channel: 'search',
      referrerHost: 'google.com',
      country: null,
    });
    expect(views[3]).toMatchObject({ source: null, channel: 'direct', referrerHost: null });

    // The page's pre-save button carries the visit's source, so its click is attributed like the view.
    const presaveHref = /href="(\/l\/[^"]+\/presave\/spotify[^"]*)"/
      .exec(String(first.data))![1]
      .replace(/&amp;/g, '&');
    expect(presaveHref).toContain('utm_medium=paid_social');
    const start = await http.get(`${stack.api.url}${presaveHref}&tz=Europe%2FParis`, { headers: browser });
    expect(start.status).toBe(302);
    const clicks = await waitFor(
      'click',
      () => eventsOf(campaign.id, 'CLICK'),
      (rows) => rows.length === 1,
      10_000,
    );
    expect(clicks[0]).toMatchObject({
      platform: 'spotify',
      source: 'instagram',
      channel: 'paid',
      utmCampaign: 'Drop Week',
      referrerHost: 'l.instagram.com',
      properties: { action: 'presave' },
    });
  });

  it('tracks the outbound listen link, AUTH with hashed client, and one e-mail sign-up per subscription', async () => {
    const { campaign } = await liveCampaign('Tracked Clicks', 1);
    const listen = await http.get(
      `${stack.api.url}/l/${campaign.slug}/listen/spotify?utm_source=newsletter&utm_medium=email`,
    );
    expect(listen.status).toBe(302);
    expect(String(listen.headers.location)).toMatch(/^https:\/\/open\.spotify\.com\//);
    expect((await http.get(`${stack.api.url}/l/${campaign.slug}/listen/deezer`)).status).toBe(404);
    const clicks = await waitFor(
      'listen click',
      () => eventsOf(campaign.id, 'CLICK'),
      (rows) => rows.length === 1,
      10_000,
    );
    expect(clicks[0]).toMatchObject({ platform: 'spotify', channel: 'email', properties: { action: 'listen' } });

    await fanPresaves(stack, campaign.slug, { user: 'fan-attr-auth' });
    const auth = await eventsOf(campaign.id, 'AUTH');
    expect(auth).toHaveLength(1);
    expect(auth[0]).toMatchObject({ platform: 'spotify', fanId: await fanIdOf(stack, 'fan-attr-auth') });
    expect(auth[0].ipHash).toBeTruthy();

    const form = (email: string) => new URLSearchParams({ email, consent: 'yes' }).toString();
    const post = (body: string) =>
      http.post(`${stack.api.url}/l/${campaign.slug}/subscribe?utm_source=tiktok`, body, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    expect((await post(form('fan@example.com'))).status).toBe(200);
    expect((await post(form('fan@example.com'))).status).toBe(200); // the same subscription again
    expect((await post(form('other@example.com'))).status).toBe(200);
    expect((await post('consent=yes')).status).toBe(400); // nothing given: no sign-up
    // A sign-up counts once its owner confirms (double opt-in), with the dimensions of the form post.
    expect(await eventsOf(campaign.id, 'EMAIL_SIGNUP')).toEqual([]);
    await confirmSubscription(stack, 'fan@example.com');
    await confirmSubscription(stack, 'other@example.com');
    const signups = await eventsOf(campaign.id, 'EMAIL_SIGNUP');
    expect(signups).toHaveLength(2);
    expect(signups[0]).toMatchObject({ source: 'tiktok', channel: 'social' });
  });

  it('stores a retried insert once (the dedupe key)', async () => {
    const { campaign } = await liveCampaign('Retried Insert', 1);
    const batch = [
      {
        campaignId: campaign.id,
        type: 'PAGE_VIEW' as const,
        dedupeKey: `PAGE_VIEW:retry-${campaign.id}`,
        channel: 'direct' as const,
      },
    ];
    expect(await insertEvents(stack.db.pool, batch)).toBe(1);
    expect(await insertEvents(stack.db.pool, batch)).toBe(0);
    expect(await eventsOf(campaign.id, 'PAGE_VIEW')).toHaveLength(1);
  });
});

describe('attribution backfill', () => {
  const cursorOf = (campaignId: string, fanId: string) =>
    stack.db.pool.maybeOne(sql.type(z.object({ playedAfter: z.number(), outcome: z.string().nullable() }))`
      SELECT played_after::float8 AS "playedAfter", last_outcome AS outcome FROM attribution_cursors WHERE campaign_id = ${campaignId} AND fan_id = ${fanId}`);
  const finishedRuns = (campaignId: string) =>
    stack.db.pool.oneFirst(
      sql.type(
        z.object({ n: z.number() }),
      )`SELECT count(*)::int AS n FROM attribution_runs WHERE campaign_id = ${campaignId} AND finished_at IS NOT NULL`,
    );

  const whereRunsStand = async (campaignId: string) => {
    const { info } = await stack.temporal.client.schedule.getHandle(attributionScheduleId(campaignId)).describe();
    const runs = await Promise.all(
      info.recentActions.map(async ({ action }) => {
        const { status, historyLength, raw } = await stack.temporal.client.workflow
          .getHandle(action.workflow.workflowId, action.workflow.firstExecutionRunId)
          .describe();
        const pending = (raw.pendingActivities ?? []).map((a) => ({
          activity: a.activityType?.name,
          attempt: a.attempt,
          lastFailure: a.lastFailure?.message,
        }));
        return { id: action.workflow.workflowId, status: status.name, historyLength, pending };
      }),
    );
    const rows = await stack.db.pool.any(
      sql.unsafe`SELECT run_key, started_at, finished_at FROM attribution_runs WHERE campaign_id = ${campaignId}`,
    );
    return JSON.stringify({
      runningActions: info.runningActions.length,
      skippedOverlap: info.numActionsSkippedOverlap,
      runs,
      rows,
    });
  };

  it('starts a Schedule at release; backfills streams of its own tracks once, advancing cursors; skips fans without consent; pauses and resumes', async () => {
    const { campaign, release, headers } = await liveCampaign('Backfilled', 2);
    const other = stack.spotify.state.addRelease({
      artist: { name: 'Someone Else' },
      album: { name: 'Not Ours', upc: nextUpc(), tracks: [{ name: 'Not Ours', isrc: 'USOT12600001' }] },
      liveAt: Date.now() - 60_000,
    });
    for (const user of ['fan-attr-a', 'fan-attr-revoked', 'fan-attr-gone', 'fan-attr-late'])
      await fanPresaves(stack, campaign.slug, { user });
    const late = await fanIdOf(stack, 'fan-attr-late');
    const fanA = await fanIdOf(stack, 'fan-attr-a');
    const revoked = await fanIdOf(stack, 'fan-attr-revoked');
    const gone = await fanIdOf(stack, 'fan-attr-gone');
    stack.spotify.state.revokeUser('fan-attr-revoked'); // found out on release day (invalid_grant)
    await waitForCampaign(stack, campaign.id, headers, 'release day', (r) => r.data.progress.pending === 0);
    await stack.db.pool.query(sql.unsafe`DELETE FROM fan_tokens WHERE fan_id = ${gone}`); // disconnected since
    stack.spotify.state.revokeUser('fan-attr-late'); // revokes after release day: found out by the backfill

    // The Schedule exists from the release, for the configured window and interval.
    const status = await waitFor(
      'attribution schedule',
      () => http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/attribution`, { headers }),
      (r) => r.data.started === true,
      15_000,
    );
    const releaseAt = Date.parse(campaign.releaseAt);
    expect(Date.parse(status.data.windowEnd)).toBe(releaseAt + 10 * 24 * 3600_000);
    expect(Date.parse(status.data.windowStart)).toBe(releaseAt);
    const schedule = await stack.temporal.client.schedule.getHandle(attributionScheduleId(campaign.id)).describe();
    expect(schedule.spec.intervals?.[0]?.every).toBe(30 * 60_000);
    expect(schedule.action).toMatchObject({
      workflowType: 'attributionWorkflow',
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
    });

    // Listening: two of the campaign's tracks, 55 plays of someone else's (more than one page of 50).
    const [track1, track2] = release.tracks.map((t) => t.id);
    const t0 = Date.now() - 3_600_000;
    for (let i = 0; i < 55; i++)
      stack.spotify.state.addPlay('fan-attr-a', { trackId: other.tracks[0].id, playedAt: t0 + i * 1_000 });
    stack.spotify.state.addPlay('fan-attr-a', { trackId: track1, playedAt: t0 + 100_000 });
    stack.spotify.state.addPlay('fan-attr-a', { trackId: track2, playedAt: t0 + 200_000 });
    stack.spotify.state.addPlay('fan-attr-revoked', { trackId: track1, playedAt: t0 + 100_000 });
    // fan A also saves a track and follows the artist on their own
    const token = stack.spotify.state.issueTokensForUser('fan-attr-a').access_token;
    const bearer = { authorization: `Bearer ${token}` };
    expect(
      (await http.put(`${stack.spotify.url}/v1/me/library?uris=spotify:track:${track2}`, null, { headers: bearer }))
        .status,
    ).toBe(200);
    expect(
      (
        await http.put(`${stack.spotify.url}/v1/me/following?type=artist&ids=${release.artist.id}`, null, {
          headers: bearer,
        })
      ).status,
    ).toBe(204);

    // Paused, so that only the backfills asked for below run (not the Schedule's own, should its time come).
    const paused = await http.post(`${stack.api.url}/v1/campaigns/${campaign.id}/attribution/pause`, null, { headers });
    expect(paused.status).toBe(200);
    expect(paused.data.paused).toBe(true);
    expect(
      (await stack.temporal.client.schedule.getHandle(attributionScheduleId(campaign.id)).describe()).state.paused,
    ).toBe(true);

    let lastTrigger = 0;
    const backfill = async (runs: number) => {
      // A Schedule names each run by its second: two triggers within one second are the same run.
      await new Promise((r) => setTimeout(r, Math.max(0, lastTrigger + 2_000 - Date.now())));
      lastTrigger = Date.now();
      const res = await http.post(`${stack.api.url}/v1/campaigns/${campaign.id}/attribution/backfill`, null, {
        headers,
      });
      expect(res.status).toBe(202);
      await waitFor(
        `backfill run ${runs}`,
        () => finishedRuns(campaign.id),
        (n) => n >= runs,
        60_000,
      ).catch(async (error: Error) => {
        // Seen once under a full suite's load on a fresh machine (run 2 never finished): say where it stood.
        throw new Error(
          `${error.message}; where the Schedule and its runs stood: ${await whereRunsStand(campaign.id)}`,
        );
      });
      expect(await finishedRuns(campaign.id)).toBe(runs); // a backfill runs while the Schedule is paused; nothing else did
    };
    await backfill(1);

    const streams1 = await eventsOf(campaign.id, 'STREAM');
    expect(streams1.map((s) => [s.fanId, s.trackId, s.playedAt])).toEqual(
      expect.arrayContaining([
        [fanA, track1, t0 + 100_000],
        [fanA, track2, t0 + 200_000],
      ]),
    );
    expect(streams1).toHaveLength(2); // not the other album's plays, not the revoked fan's
    expect((await cursorOf(campaign.id, fanA))!.playedAfter).toBe(t0 + 200_000);
    // Revoked on release day: its tokens were deleted at once by the retention workflow.
    expect((await cursorOf(campaign.id, revoked))!.outcome).toBe('skipped:disconnected');
    expect((await cursorOf(campaign.id, gone))!.outcome).toBe('skipped:disconnected');
    // Revoked since: the backfill finds out, skips them and starts the same retention as release day.
    expect((await cursorOf(campaign.id, late))!.outcome).toBe('skipped:revoked');
    await waitFor(
      'retention of the late fan',
      () => stack.db.pool.exists(sql.unsafe`SELECT 1 FROM fan_tokens WHERE fan_id = ${late}`),
      (there) => !there,
      15_000,
    );
    stack.spotify.state.addPlay('fan-attr-late', { trackId: track1, playedAt: t0 + 400_000 });
    const historyCalls = stack.spotify.state
      .calls()
      .filter((c) => c.path === '/v1/me/player/recently-played' && c.userId === 'fan-attr-a');
    expect(historyCalls.length).toBeGreaterThanOrEqual(2); // followed the pages
    expect(historyCalls.every((c) => Number(c.query.limit) <= 50)).toBe(true);
    expect(
      stack.spotify.state
        .calls()
        .some((c) => c.userId === 'fan-attr-revoked' && c.path === '/v1/me/player/recently-played'),
    ).toBe(false);

    const saves1 = await eventsOf(campaign.id, 'SAVE_TRACK');
    expect(saves1.filter((e) => e.fanId === fanA && e.trackId === track2)).toHaveLength(1);
    expect(saves1.filter((e) => e.fanId === fanA && e.trackId === null)).toHaveLength(1); // the release-day save, not again
    expect((await eventsOf(campaign.id, 'FOLLOW_ARTIST')).filter((e) => e.fanId === fanA)).toHaveLength(1);

    // More listening, then a second run: only what is new counts.
    stack.spotify.state.addPlay('fan-attr-a', { trackId: track1, playedAt: t0 + 300_000 });
    const callsBefore = stack.spotify.state.calls().length;
    await backfill(2);
    const streams2 = await eventsOf(campaign.id, 'STREAM');
    expect(streams2).toHaveLength(3);
    expect(streams2.filter((s) => s.trackId === track1 && s.playedAt === t0 + 300_000)).toHaveLength(1);
    expect((await cursorOf(campaign.id, fanA))!.playedAfter).toBe(t0 + 300_000);
    const secondRunHistory = stack.spotify.state
      .calls()
      .slice(callsBefore)
      .filter((c) => c.path === '/v1/me/player/recently-played' && c.userId === 'fan-attr-a');
    expect(secondRunHistory[0].query.after).toBe(String(t0 + 200_000)); // read from the stored cursor
    expect(await eventsOf(campaign.id, 'SAVE_TRACK')).toHaveLength(saves1.length);
    expect((await eventsOf(campaign.id, 'FOLLOW_ARTIST')).filter((e) => e.fanId === fanA)).toHaveLength(1);

    // Resume through the Schedule.
    const resumed = await http.post(`${stack.api.url}/v1/campaigns/${campaign.id}/attribution/resume`, null, {
      headers,
    });
    expect(resumed.data.paused).toBe(false);
    expect(
      (await stack.temporal.client.schedule.getHandle(attributionScheduleId(campaign.id)).describe()).state.paused,
    ).toBe(false);

    // A released campaign without its Schedule (released before attribution existed) gets one from a backfill.
    await stack.temporal.client.schedule.getHandle(attributionScheduleId(campaign.id)).delete();
    expect((await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/attribution`, { headers })).data.started).toBe(
      false,
    );
    await new Promise((r) => setTimeout(r, Math.max(0, lastTrigger + 2_000 - Date.now()))); // a second of its own
    const recreated = await http.post(`${stack.api.url}/v1/campaigns/${campaign.id}/attribution/backfill`, null, {
      headers,
    });
    expect(recreated.status).toBe(202);
    await waitFor(
      'backfill run 3',
      () => finishedRuns(campaign.id),
      (n) => n >= 3,
      60_000,
    );
    expect(
      (await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/attribution`, { headers })).data,
    ).toMatchObject({ started: true, paused: false });
    expect(await eventsOf(campaign.id, 'STREAM')).toHaveLength(3);
  });

  it('answers 409 before the release and 404 for another account', async () => {
    const account = await artistAccount(stack);
    const { campaign: res } = await postCampaign(stack, account, 'Not Yet');
    const early = await http.post(`${stack.api.url}/v1/campaigns/${res.data.id}/attribution/backfill`, null, {
      headers: account.headers,
    });
    expect(early.status).toBe(409);
    expect(early.data.error.code).toBe('attribution_not_started');
    const stranger = await artistAccount(stack);
    expect(
      (
        await http.post(`${stack.api.url}/v1/campaigns/${res.data.id}/attribution/pause`, null, {
          headers: stranger.headers,
        })
      ).status,
    ).toBe(404);
    expect(
      (await http.get(`${stack.api.url}/v1/campaigns/${res.data.id}/attribution`, { headers: account.headers })).data
        .started,
    ).toBe(false);
  });
});
