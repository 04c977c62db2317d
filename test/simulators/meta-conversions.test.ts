// The Conversions API simulator against its contract (docs/providers/meta.md), driven through dropday's own client
// where it can be: what Meta accepts, what it refuses with which Graph error, and faults on demand.
import axios from 'axios';
import { ProviderError as MetaConversionsError } from '../../lib/providers/errors';
import { hashEmail, MetaConversionsClient, type CapiServerEvent } from '../../lib/providers/meta-conversions';
import { META_API_VERSION, startMetaSimulator } from '../../simulators/meta';

const http = axios.create({ validateStatus: () => true });
const PIXEL = '1234567890123456';
const TOKEN = 'EAAdatasetTokenForTests0123456789';

let meta: Awaited<ReturnType<typeof startMetaSimulator>>;
let client: MetaConversionsClient;
beforeAll(async () => {
  meta = await startMetaSimulator({ appId: 'app', appSecret: 'secret' });
  client = new MetaConversionsClient({ graphUrl: meta.url, version: META_API_VERSION });
  await http.post(`${meta.url}/__control/capi/tokens`, { token: TOKEN, pixelIds: [PIXEL] });
});
afterAll(async () => {
  await meta?.close();
});
beforeEach(async () => {
  await http.post(`${meta.url}/__control/capi/reset`);
});

const now = () => Math.floor(Date.now() / 1000);
const event = (
  overrides: Omit<Partial<CapiServerEvent>, 'user_data'> & { user_data?: Record<string, unknown> } = {},
): CapiServerEvent =>
  ({
    event_name: 'Lead',
    event_time: now(),
    event_id: `ev-${Math.random().toString(36).slice(2)}`,
    action_source: 'website',
    event_source_url: 'https://dropday.example/l/abc',
    user_data: {
      em: [hashEmail('test@example.com')],
      fbp: 'fb.1.1558571054389.1098115397',
      client_ip_address: '203.0.113.9',
      client_user_agent: 'Mozilla/5.0',
    },
    ...overrides,
  }) as unknown as CapiServerEvent;

async function refusal(events: unknown[], token = TOKEN, pixel = PIXEL) {
  const res = await http.post(
    `${meta.url}/${META_API_VERSION}/${pixel}/events`,
    { data: events },
    { params: { access_token: token } },
  );
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.data.error.fbtrace_id).toEqual(expect.any(String));
  return res.data.error as {
    code: number;
    error_subcode?: number;
    message: string;
    error_user_title?: string;
    type: string;
  };
}
const accepted = async () =>
  (await http.get(`${meta.url}/__control/capi/events`)).data as {
    pixelId: string;
    testEventCode?: string;
    event: { event_id: string };
  }[];

describe('Conversions API simulator', () => {
  it('accepts well-formed events and records them with the test event code', async () => {
    const events = [event(), event({ event_name: 'PageView' })];
    const result = await client.sendEvents({ pixelId: PIXEL, accessToken: TOKEN, events, testEventCode: 'TEST123' });
    expect(result).toEqual({ eventsReceived: 2, fbtraceId: expect.any(String) });
    expect((await accepted()).map((a) => [a.pixelId, a.testEventCode, a.event.event_id])).toEqual(
      events.map((e) => [PIXEL, 'TEST123', e.event_id]),
    );
    // Graph's raw answer has the documented shape; a form body with a JSON-string `data` and a Bearer token work too.
    const form = new URLSearchParams({ data: JSON.stringify([event()]) }).toString();
    const raw = await http.post(`${meta.url}/${META_API_VERSION}/${PIXEL}/events`, form, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${TOKEN}` },
    });
    expect(raw.status).toBe(200);
    expect(raw.data).toEqual({ events_received: 1, messages: [], fbtrace_id: expect.any(String) });
  });

  it('rejects an unhashed e-mail address, and hashes that are not lowercase hex SHA-256', async () => {
    const unhashed = await refusal([event({ user_data: { em: ['test@example.com'], client_user_agent: 'UA' } })]);
    expect(unhashed).toMatchObject({ code: 100, error_user_title: 'Unhashed Email Address' });
    await expect(
      client.sendEvents({
        pixelId: PIXEL,
        accessToken: TOKEN,
        events: [event({ user_data: { em: ['Test@Example.com'], client_user_agent: 'UA' } } as never)],
      }),
    ).rejects.toMatchObject({ kind: 'invalid_request', code: 100 });
    expect(
      (await refusal([event({ user_data: { em: [hashEmail('a@b.c').toUpperCase()], client_user_agent: 'UA' } })])).code,
    ).toBe(100);
    expect((await refusal([event({ user_data: { ph: ['16505551212'], client_user_agent: 'UA' } })])).code).toBe(100);
    // fbc/fbp and the IP address go unhashed: hashed ones are refused.
    expect((await refusal([event({ user_data: { fbc: hashEmail('x'), client_user_agent: 'UA' } })])).code).toBe(100);
    expect(
      (await refusal([event({ user_data: { client_ip_address: hashEmail('203.0.113.9'), client_user_agent: 'UA' } })]))
        .code,
    ).toBe(100);
    expect(await accepted()).toEqual([]);
  });

  it('rejects the whole request when any event is older than 7 days, and events from the future', async () => {
    const old = event({ event_time: now() - 7 * 24 * 3600 - 60 });
    const error = await refusal([event(), old]);
    expect(error).toMatchObject({ code: 100, error_subcode: 2804003, error_user_title: 'Event Timestamp Too Old' });
    expect((await refusal([event({ event_time: now() + 3600 })])).error_subcode).toBe(2804004);
    // Just inside the window is fine.
    expect(
      (
        await client.sendEvents({
          pixelId: PIXEL,
          accessToken: TOKEN,
          events: [event({ event_time: now() - 7 * 24 * 3600 + 120 })],
        })
      ).eventsReceived,
    ).toBe(1);
    expect(await accepted()).toHaveLength(1);
  });

  it('requires event_name, event_time, action_source, user_data, and for website events the URL and user agent', async () => {
    const { event_name: _n, ...noName } = event();
    const { action_source: _a, ...noSource } = event();
    const { event_source_url: _u, ...noUrl } = event();
    for (const bad of [
      noName,
      noSource,
      noUrl,
      event({ user_data: { em: [hashEmail('x@y.z')] } }),
      event({ user_data: {} }),
      { ...event(), event_time: '2026-01-01' },
    ]) {
      expect((await refusal([bad])).code).toBe(100);
    }
    expect((await refusal([])).code).toBe(100);
    expect((await refusal(Array.from({ length: 1001 }, () => event()))).code).toBe(100);
    // Non-website events need no URL.
    expect(
      (
        await client.sendEvents({
          pixelId: PIXEL,
          accessToken: TOKEN,
          events: [{ ...noUrl, action_source: 'system_generated' } as unknown as CapiServerEvent],
        })
      ).eventsReceived,
    ).toBe(1);
  });

  it('checks the access token: Graph error 190, or 100/33 for a pixel the token cannot send to; artist user tokens work', async () => {
    expect(await refusal([event()], 'EAAnot-a-token')).toMatchObject({ code: 190, type: 'OAuthException' });
    const missing = await http.post(`${meta.url}/${META_API_VERSION}/${PIXEL}/events`, { data: [event()] });
    expect(missing.data.error.code).toBe(190);
    await expect(
      client.sendEvents({ pixelId: PIXEL, accessToken: 'EAAnot-a-token', events: [event()] }),
    ).rejects.toMatchObject({ kind: 'token_invalid', code: 190 });
    expect(await refusal([event()], TOKEN, '999999999')).toMatchObject({ code: 100, error_subcode: 33 });
    // A user token from Meta login (ads_management) may send; once expired or revoked it may not.
    const user = meta.state.issue('artist-user', true);
    expect(
      (await client.sendEvents({ pixelId: '555555555', accessToken: user.access_token, events: [event()] }))
        .eventsReceived,
    ).toBe(1);
    meta.state.revokedUsers.add('artist-user');
    expect(await refusal([event()], user.access_token, '555555555')).toMatchObject({ code: 190, error_subcode: 458 });
  });

  it('injects 429 and 500 faults on demand; the client classifies them as retryable', async () => {
    await http.post(`${meta.url}/__control/capi/faults`, { status: 500, count: 1 });
    await http.post(`${meta.url}/__control/capi/faults`, { status: 429, count: 1 });
    const first = client.sendEvents({ pixelId: PIXEL, accessToken: TOKEN, events: [event()] });
    await expect(first).rejects.toBeInstanceOf(MetaConversionsError);
    await expect(first).rejects.toMatchObject({ kind: 'unavailable', code: 2 });
    await expect(client.sendEvents({ pixelId: PIXEL, accessToken: TOKEN, events: [event()] })).rejects.toMatchObject({
      kind: 'rate_limited',
      code: 4,
    });
    expect((await client.sendEvents({ pixelId: PIXEL, accessToken: TOKEN, events: [event()] })).eventsReceived).toBe(1);
    const requests = (await http.get(`${meta.url}/__control/capi/requests`)).data as { status: number }[];
    expect(requests.map((r) => r.status)).toEqual([500, 429, 200]);
    expect((await http.post(`${meta.url}/__control/capi/faults`, { status: 418 })).status).toBe(400);
  });
});
