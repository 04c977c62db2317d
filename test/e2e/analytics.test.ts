// GET /v1/campaigns/:id/analytics against events written as the attribution capability writes them: exact
// funnel, sources, delivery, value and bucket counts; abuse flags leave their events out of every total and say why;
// bad queries are 400s; another account's campaign is 404. Plus the value table and the dashboard's session rules.
import { sql } from '../../db/pool';
import { hashApiKey } from '../../lib/crypto/hash';
import { artistAccount, http, postCampaign, startReleaseStack, type ReleaseStack } from '../helpers/release-stack';
import { DAY, insertEvent, rollUp, seedAnalytics, utcMidnightDaysAgo } from '../helpers/analytics-fixture';

let stack: ReleaseStack;
let owner: Awaited<ReturnType<typeof artistAccount>>;
let campaignId: string;
let day0: number;
let release: number;

beforeAll(async () => {
  stack = await startReleaseStack({ startWorker: false, env: { ABUSE_AUTH_MAX_PER_UA: '3' } });
  owner = await artistAccount(stack);
  const { campaign: created } = await postCampaign(stack, owner, 'Analytics', { releaseDate: '2031-06-01' });
  expect(created.status).toBe(201);
  campaignId = created.data.id;
  day0 = utcMidnightDaysAgo(3);
  ({ release } = await seedAnalytics(stack.db.pool, campaignId, day0));
  await rollUp(stack);
});
afterAll(async () => {
  await stack?.close();
});

const iso = (ms: number) => new Date(ms).toISOString();
const analytics = (query = '', headers = owner.headers) =>
  http.get(`${stack.api.url}/v1/campaigns/${campaignId}/analytics${query}`, { headers });

describe('campaign analytics', () => {
  it('counts the funnel from unflagged events and delivered pre-saves', async () => {
    const res = await analytics();
    expect(res.status).toBe(200);
    expect(res.data.funnel).toEqual({
      views: 6,
      clicks: 3,
      authorisations: 4,
      delivered: 3,
      streamed7d: 2,
      streamed28d: 3,
    });
  });

  it('lists flagged events with their reasons and leaves them out of the totals', async () => {
    const { data } = await analytics();
    expect(data.flags.excludedEvents).toBe(14);
    expect(data.flags.byReason).toEqual({
      auth_burst_ip: 6,
      auth_burst_ua: 10,
      new_account: 1,
      stream_rate: 1,
      fan_flagged: 2,
    });
    expect(data.flags.items).toHaveLength(14);
    const bot = data.flags.items.find((f: { reasons: { code: string }[] }) =>
      f.reasons.some((r) => r.code === 'auth_burst_ip'),
    );
    expect(bot.type).toBe('AUTH');
    expect(bot.reasons.map((r: { code: string }) => r.code)).toEqual(['auth_burst_ip', 'auth_burst_ua']);
    expect(bot.reasons[0].detail).toBe('6 authorisations from one IP address within 600 s');
    const fast = data.flags.items.find((f: { reasons: { code: string }[] }) => f.reasons[0].code === 'stream_rate');
    expect(fast).toMatchObject({ type: 'STREAM', at: iso(release + 2 * 3_600_000 + 10_000) });
    expect(fast.reasons[0].detail).toBe('played 10.0 s after the previous play (at least 30 s expected)');
    const fresh = data.flags.items.find((f: { reasons: { code: string }[] }) => f.reasons[0].code === 'new_account');
    expect(fresh.reasons[0].detail).toBe('provider account created 120 min before authorising');
    // Totals: 21 clean events of 35 stored.
    const counts = Object.fromEntries(data.value.byType.map((t: { type: string; count: number }) => [t.type, t.count]));
    expect(counts).toEqual({
      PAGE_VIEW: 6,
      CLICK: 3,
      AUTH: 4,
      SAVE_TRACK: 1,
      FOLLOW_ARTIST: 1,
      STREAM: 5,
      EMAIL_SIGNUP: 1,
    });
  });

  it('flags an IP only above the threshold within the window', async () => {
    const { campaign: fresh } = await postCampaign(stack, owner, 'Edge', { releaseDate: '2031-06-01' });
    const id = fresh.data.id as string;
    const read = () => http.get(`${stack.api.url}/v1/campaigns/${id}/analytics`, { headers: owner.headers });
    // Five within four minutes (the limit is 5 per 600 s either side), a sixth 30 minutes later.
    for (const minute of [0, 1, 2, 3, 4, 34])
      await insertEvent(stack.db.pool, id, { type: 'AUTH', at: day0 + minute * 60_000, ipHash: 'ip-edge' });
    await rollUp(stack);
    expect((await read()).data.flags.excludedEvents).toBe(0);
    expect((await read()).data.funnel.authorisations).toBe(6);
    // One more inside the burst tips it over: the six close together are flagged, the late one is not.
    await insertEvent(stack.db.pool, id, { type: 'AUTH', at: day0 + 5 * 60_000, ipHash: 'ip-edge' });
    await rollUp(stack);
    const after = (await read()).data;
    expect(after.flags.byReason).toEqual({ auth_burst_ip: 6 });
    expect(after.funnel.authorisations).toBe(1);
  });

  it('reports sources and channels with their value', async () => {
    const put = await http.put(
      `${stack.api.url}/v1/campaigns/${campaignId}/values`,
      { values: { STREAM: 3 } },
      { headers: owner.headers },
    );
    expect(put.status).toBe(200);
    const { data } = await analytics();
    expect(data.sources).toEqual([
      {
        channel: 'social',
        source: 'instagram',
        medium: null,
        views: 4,
        clicks: 2,
        authorisations: 2,
        emailSignups: 0,
        value: 12,
      },
      {
        channel: 'email',
        source: 'newsletter',
        medium: 'email',
        views: 2,
        clicks: 1,
        authorisations: 0,
        emailSignups: 1,
        value: 11,
      },
      { channel: null, source: null, medium: null, views: 0, clicks: 0, authorisations: 2, emailSignups: 0, value: 10 },
    ]);
    // 3 clicks × 1 + 4 AUTH × 5 + 1 save × 20 + 1 follow × 15 + 5 plays × 3 + 1 sign-up × 10
    expect(data.value).toMatchObject({ unit: 'points', total: 83 });
    expect(data.value.byType.find((t: { type: string }) => t.type === 'STREAM')).toEqual({
      type: 'STREAM',
      count: 5,
      points: 3,
      value: 15,
    });
  });

  it('reports delivery by zone and by wave', async () => {
    const { data } = await analytics();
    expect(data.delivery.byZone).toEqual([
      { zone: null, total: 11, pending: 9, done: 2, failed: 0, revoked: 0, cancelled: 0, foreverSave: 0 },
      { zone: 'America/New_York', total: 2, pending: 1, done: 1, failed: 0, revoked: 0, cancelled: 0, foreverSave: 0 },
      { zone: 'Europe/Berlin', total: 2, pending: 0, done: 2, failed: 0, revoked: 0, cancelled: 0, foreverSave: 0 },
    ]);
    expect(data.delivery.byWave).toEqual([
      { dueAt: iso(release), total: 5, pending: 0, done: 5, failed: 0, revoked: 0, cancelled: 0, foreverSave: 0 },
      {
        dueAt: '2031-06-01T00:00:00.000Z',
        total: 10,
        pending: 10,
        failed: 0,
        done: 0,
        revoked: 0,
        cancelled: 0,
        foreverSave: 0,
      },
    ]);
    expect(data.delivery.byPlatform).toEqual([
      { platform: 'spotify', total: 15, pending: 10, done: 5, failed: 0, revoked: 0, cancelled: 0, foreverSave: 0 },
    ]);
  });

  it('buckets unflagged events by UTC day and hour, empty buckets included', async () => {
    const byDay = await analytics(`?from=${iso(day0)}&to=${iso(day0 + 3 * DAY)}&bucket=day`);
    expect(byDay.status).toBe(200);
    const zero = { PAGE_VIEW: 0, CLICK: 0, AUTH: 0, SAVE_TRACK: 0, FOLLOW_ARTIST: 0, STREAM: 0, EMAIL_SIGNUP: 0 };
    expect(byDay.data.series.buckets).toEqual([
      { start: iso(day0), counts: { ...zero, PAGE_VIEW: 2 }, total: 2 },
      {
        start: iso(day0 + DAY),
        counts: { ...zero, PAGE_VIEW: 4, CLICK: 3, AUTH: 4, STREAM: 1, EMAIL_SIGNUP: 1 },
        total: 13,
      },
      { start: iso(day0 + 2 * DAY), counts: { ...zero, SAVE_TRACK: 1, FOLLOW_ARTIST: 1, STREAM: 3 }, total: 5 },
    ]);
    const hour = 3_600_000;
    const byHour = await analytics(`?from=${iso(day0 + DAY + 9 * hour)}&to=${iso(day0 + DAY + 13 * hour)}&bucket=hour`);
    expect(byHour.data.series.buckets.map((b: { total: number }) => b.total)).toEqual([0, 4, 4, 4]);
    expect(byHour.data.series.buckets[3].counts.AUTH).toBe(4);
    // A range starting mid-bucket counts only what lies inside it.
    const partial = await analytics(
      `?from=${iso(day0 + DAY + 10.5 * hour)}&to=${iso(day0 + DAY + 11 * hour)}&bucket=hour`,
    );
    expect(partial.data.series.buckets).toEqual([
      { start: iso(day0 + DAY + 10 * hour), counts: { ...zero, CLICK: 2 }, total: 2 },
    ]);
  });

  it('rejects bad queries with 400', async () => {
    const cases = [
      `?from=${iso(day0 + DAY)}&to=${iso(day0)}`,
      `?from=${iso(day0)}&to=${iso(day0)}`,
      '?bucket=week',
      `?from=${iso(day0 - 60 * DAY)}&to=${iso(day0)}&bucket=hour`,
      '?from=yesterday',
      '?colour=blue',
    ];
    for (const query of cases) {
      const res = await analytics(query);
      expect([query, res.status, res.data.error.code]).toEqual([query, 400, 'validation_failed']);
    }
    const tooMany = await analytics(`?from=${iso(day0 - 60 * DAY)}&to=${iso(day0)}&bucket=hour`);
    expect(tooMany.data.error.details[0].message).toBe('the range spans 1440 hours; at most 1000 are allowed');
  });

  it("answers 404 for another account's campaign", async () => {
    const other = await artistAccount(stack);
    expect((await analytics('', other.headers)).status).toBe(404);
    expect(
      (await http.get(`${stack.api.url}/v1/campaigns/${campaignId}/values`, { headers: other.headers })).status,
    ).toBe(404);
    const put = await http.put(
      `${stack.api.url}/v1/campaigns/${campaignId}/values`,
      { values: { CLICK: 100 } },
      { headers: other.headers },
    );
    expect(put.status).toBe(404);
    expect(
      (await http.get(`${stack.api.url}/v1/campaigns/${campaignId}/values`, { headers: owner.headers })).data.values
        .CLICK,
    ).toBe(1);
  });
});

describe('event values', () => {
  const valuesUrl = () => `${stack.api.url}/v1/campaigns/${campaignId}/values`;

  it('starts at the documented defaults and replaces the whole table', async () => {
    const { campaign: other } = await postCampaign(stack, owner, 'Values', { releaseDate: '2031-06-01' });
    const url = `${stack.api.url}/v1/campaigns/${other.data.id}/values`;
    const defaults = {
      PAGE_VIEW: 0,
      CLICK: 1,
      AUTH: 5,
      SAVE_TRACK: 20,
      FOLLOW_ARTIST: 15,
      STREAM: 2,
      EMAIL_SIGNUP: 10,
    };
    expect((await http.get(url, { headers: owner.headers })).data).toEqual({
      unit: 'points',
      values: defaults,
      defaults,
    });
    await http.put(url, { values: { AUTH: 7, CLICK: 0 } }, { headers: owner.headers });
    expect((await http.get(url, { headers: owner.headers })).data.values).toEqual({ ...defaults, AUTH: 7, CLICK: 0 });
    // A type left out goes back to its default.
    const put = await http.put(url, { values: { CLICK: 2 } }, { headers: owner.headers });
    expect(put.data.values).toEqual({ ...defaults, CLICK: 2 });
  });

  it('rejects bad tables with 400 and keeps the old one', async () => {
    const before = (await http.get(valuesUrl(), { headers: owner.headers })).data.values;
    for (const body of [
      { values: { STREAM: -1 } },
      { values: { STREAM: 1.5 } },
      { values: { LIKE: 1 } },
      { values: { STREAM: 2_000_000 } },
      { STREAM: 1 },
      { values: { STREAM: '3' } },
    ]) {
      const res = await http.put(valuesUrl(), body, { headers: owner.headers });
      expect([JSON.stringify(body), res.status, res.data.error.code]).toEqual([
        JSON.stringify(body),
        400,
        'validation_failed',
      ]);
    }
    expect((await http.get(valuesUrl(), { headers: owner.headers })).data.values).toEqual(before);
  });
});

describe('dashboard session', () => {
  const signIn = (key: string, origin = stack.api.url) =>
    http.post(`${stack.api.url}/app/session`, new URLSearchParams({ key }).toString(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    });
  const cookieOf = (res: { headers: Record<string, unknown> }) =>
    String((res.headers['set-cookie'] as string[])[0]).split(';')[0];

  it('turns an artist key into an HttpOnly, SameSite=Strict session that reads /v1 but cannot write', async () => {
    const res = await signIn(owner.apiKey);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/app');
    const setCookie = String((res.headers['set-cookie'] as string[])[0]);
    expect(setCookie).toMatch(/^dd_app_session=/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).not.toContain(owner.apiKey);
    const cookie = cookieOf(res);
    const list = await http.get(`${stack.api.url}/v1/campaigns`, { headers: { cookie } });
    expect(list.status).toBe(200);
    expect(list.data.items.map((c: { id: string }) => c.id)).toContain(campaignId);
    expect(
      (await http.get(`${stack.api.url}/v1/campaigns/${campaignId}/analytics`, { headers: { cookie } })).data.funnel
        .views,
    ).toBe(6);
    const write = await http.put(
      `${stack.api.url}/v1/campaigns/${campaignId}/values`,
      { values: { CLICK: 9 } },
      { headers: { cookie } },
    );
    expect(write.status).toBe(403);
    expect(
      (await http.get(`${stack.api.url}/v1/campaigns/${campaignId}/values`, { headers: owner.headers })).data.values
        .CLICK,
    ).toBe(1);
    expect((await http.get(`${stack.api.url}/app`, { headers: { cookie } })).data).toContain('id="funnel-chart"');
  });

  it('refuses wrong keys, other origins and forged cookies', async () => {
    expect((await signIn('dd_not_a_key')).status).toBe(401);
    const crossSite = await signIn(owner.apiKey, 'https://evil.example');
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers['set-cookie']).toBeUndefined();
    const forged = await http.get(`${stack.api.url}/v1/campaigns`, {
      headers: { cookie: 'dd_app_session=eyJwYXlsb2FkIjp7fX0.bad' },
    });
    expect(forged.status).toBe(401);
    expect(
      (await http.get(`${stack.api.url}/app`, { headers: { cookie: 'dd_app_session=eyJwYXlsb2FkIjp7fX0.bad' } })).data,
    ).toContain('name="key"');
  });

  it('ends when the key is revoked', async () => {
    const other = await artistAccount(stack);
    const cookie = cookieOf(await signIn(other.apiKey));
    expect((await http.get(`${stack.api.url}/v1/campaigns`, { headers: { cookie } })).status).toBe(200);
    await stack.db.pool.query(
      sql.unsafe`UPDATE api_keys SET revoked_at = now() WHERE key_hash = ${hashApiKey(other.apiKey)}`,
    );
    expect((await http.get(`${stack.api.url}/v1/campaigns`, { headers: { cookie } })).status).toBe(401);
    expect((await http.get(`${stack.api.url}/app`, { headers: { cookie } })).data).toContain('name="key"');
  });

  it('signs out, and a cross-site sign-out form is refused', async () => {
    const cookie = cookieOf(await signIn(owner.apiKey));
    const crossSite = await http.post(`${stack.api.url}/app/logout`, '', {
      headers: { cookie, origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    const out = await http.post(`${stack.api.url}/app/logout`, '', { headers: { cookie, origin: stack.api.url } });
    expect(out.status).toBe(303);
    expect(String((out.headers['set-cookie'] as string[])[0])).toMatch(/^dd_app_session=;.*Expires=Thu, 01 Jan 1970/);
  });
});
