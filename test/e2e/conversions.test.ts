// Conversions end to end: the artist sets a Meta pixel; a fan who allows ad measurement gets the pixel with a
// server-generated event_id and first-party _fbp/_fbc/gclid cookies; the same events (PageView, Lead for a pre-save,
// CompleteRegistration for a sign-up with hashed contacts) reach the Conversions API simulator through the worker
// with the same event_id; events older than 7 days are dropped, never sent; an outage is retried without loss.
import { z } from 'zod';
import { hashEmail, hashPhone } from '../../lib/providers/meta-conversions';
import { createConnection } from '../../db/connections';
import { queueConversion } from '../../db/conversions';
import { sql } from '../../db/pool';
import { META_API_VERSION, startMetaSimulator } from '../../simulators/meta';
import { conversionDeliveryWorkflow } from '../../workflows/conversions';
import { startTestApi } from '../helpers/app';
import {
  artistAccount,
  confirmSubscription,
  createCampaign,
  hiddenFields,
  http,
  startReleaseStack,
  type ReleaseStack,
} from '../helpers/release-stack';

const PIXEL = '1234567890123456';
const TOKEN = 'EAAdatasetTokenForConversions0123';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) dropday-test';
const TEST_EMAIL_SHA256 = '973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b'; // sha256("test@example.com")
const PHONE_SHA256 = 'e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176'; // sha256("16505551212")

let stack: ReleaseStack;
let meta: Awaited<ReturnType<typeof startMetaSimulator>>;
beforeAll(async () => {
  meta = await startMetaSimulator({ appId: 'dropday-meta', appSecret: 'meta-secret' });
  await http.post(`${meta.url}/__control/capi/tokens`, { token: TOKEN, pixelIds: [PIXEL] });
  stack = await startReleaseStack({ env: { META_GRAPH_URL: meta.url, META_API_VERSION } });
});
afterAll(async () => {
  await stack?.close();
  await meta?.close();
});

interface SentEvent {
  pixelId: string;
  testEventCode?: string;
  event: {
    event_name: string;
    event_id: string;
    event_time: number;
    action_source: string;
    event_source_url: string;
    user_data: Record<string, unknown>;
  };
}
const sentEvents = async () => (await http.get(`${meta.url}/__control/capi/events`)).data as SentEvent[];
const deliver = () =>
  stack.temporal.client.workflow.execute(conversionDeliveryWorkflow, {
    workflowId: `conversions-test-${Math.random().toString(36).slice(2)}`,
    taskQueue: stack.temporal.taskQueue,
  });
const form = (fields: Record<string, string>, cookie = '') =>
  [
    new URLSearchParams(fields).toString(),
    {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': UA,
        'x-forwarded-for': '203.0.113.9',
        ...(cookie ? { cookie } : {}),
      },
    },
  ] as const;
const browser = (cookie = '') => ({
  headers: { 'user-agent': UA, 'x-forwarded-for': '203.0.113.9', ...(cookie ? { cookie } : {}) },
});

/** Set-Cookie lines by cookie name. */
function setCookies(res: { headers: Record<string, unknown> }): Record<string, string> {
  const lines = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  // Consent is per artist (dd_ad_consent_<artist>): listed under dd_ad_consent too, this suite's artists being one per
  // page.
  return Object.fromEntries(
    lines.flatMap((l) => {
      const name = l.split('=')[0];
      return name.startsWith('dd_ad_consent_')
        ? [
            [name, l],
            ['dd_ad_consent', l],
          ]
        : [[name, l]];
    }),
  );
}
const cookieValue = (line: string) => decodeURIComponent(line.split(';')[0].split('=').slice(1).join('='));
const pixelOf = (page: unknown) => {
  const m = /<div id="meta-pixel" hidden data-pixel-id="(\d+)" data-event-name="(\w+)" data-event-id="([^"]+)">/.exec(
    String(page),
  );
  return m ? { pixelId: m[1], eventName: m[2], eventId: m[3] } : null;
};
const rows = (campaignId: string) =>
  stack.db.pool.any(sql.type(
    z.object({
      eventName: z.string(),
      eventId: z.string(),
      status: z.string(),
      reason: z.string().nullable(),
      userData: z.string().nullable(),
    }),
  )`
    SELECT event_name AS "eventName", event_id AS "eventId", status, reason, user_data_enc AS "userData" FROM conversion_events WHERE campaign_id = ${campaignId} ORDER BY created_at`);

const accountIdOf = (artistId: string) =>
  stack.db.pool.oneFirst(
    sql.type(z.object({ id: z.string() }))`SELECT account_id AS id FROM artists WHERE id = ${artistId}`,
  );

async function withPixel(opts: { accessToken?: string | null; testEventCode?: string } = { accessToken: TOKEN }) {
  const account = await artistAccount(stack);
  const res = await http.put(
    `${stack.api.url}/v1/artists/${account.artistId}/meta-pixel`,
    { pixelId: PIXEL, ...opts },
    { headers: account.headers },
  );
  expect(res.status).toBe(200);
  const campaign = await createCampaign(stack, account, 'Pixel Release');
  return { account, campaign };
}

/** The fan allows ad measurement on the consent question; returns the consent cookie. */
async function allow(slug: string, fields: Record<string, string> = {}): Promise<string> {
  const res = await http.post(`${stack.api.url}/l/${slug}/ad-consent`, ...form({ choice: 'allow', ...fields }));
  expect(res.status).toBe(303);
  return setCookies(res).dd_ad_consent.split(';')[0];
}

describe('conversions', () => {
  it('lets the artist set a pixel with a write-only, encrypted token, validated, scoped to the account', async () => {
    const account = await artistAccount(stack);
    const url = `${stack.api.url}/v1/artists/${account.artistId}/meta-pixel`;
    for (const bad of [
      { pixelId: 'abc123' },
      { pixelId: '12' },
      { pixelId: PIXEL, accessToken: 'short' },
      { pixelId: PIXEL, testEventCode: 'no spaces!' },
      { pixelId: PIXEL, extra: 1 },
    ]) {
      const res = await http.put(url, bad, { headers: account.headers });
      expect(res.status).toBe(400);
      expect(res.data.error.code).toBe('validation_failed');
    }
    expect((await http.get(url, { headers: account.headers })).status).toBe(404);

    const set = await http.put(
      url,
      { pixelId: PIXEL, accessToken: TOKEN, testEventCode: 'TEST42' },
      { headers: account.headers },
    );
    expect(set.data).toEqual({
      pixelId: PIXEL,
      hasAccessToken: true,
      testEventCode: 'TEST42',
      updatedAt: expect.any(String),
    });
    expect(JSON.stringify(set.data)).not.toContain(TOKEN);
    const stored = await stack.db.pool.oneFirst(
      sql.type(
        z.object({ t: z.string() }),
      )`SELECT access_token_enc AS t FROM meta_pixels WHERE artist_id = ${account.artistId}`,
    );
    expect(stored).toMatch(/^enc:v1:/);
    expect(stored).not.toContain(TOKEN);
    // Omitting the token keeps it; null removes it.
    expect((await http.put(url, { pixelId: '7654321' }, { headers: account.headers })).data).toMatchObject({
      pixelId: '7654321',
      hasAccessToken: true,
      testEventCode: null,
    });
    expect(
      (await http.put(url, { pixelId: '7654321', accessToken: null }, { headers: account.headers })).data
        .hasAccessToken,
    ).toBe(false);

    const other = await artistAccount(stack);
    expect((await http.put(url, { pixelId: PIXEL }, { headers: other.headers })).status).toBe(404);
    expect((await http.get(url, { headers: other.headers })).status).toBe(404);
    expect((await http.delete(url, { headers: account.headers })).status).toBe(204);
    expect((await http.get(url, { headers: account.headers })).status).toBe(404);
  });

  it('loads no pixel, sets no ad cookie and asks nothing when the artist has no pixel', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'No Pixel');
    const page = await http.get(`${stack.api.url}/l/${campaign.slug}?fbclid=IwAR0abc`, browser());
    expect(page.status).toBe(200);
    expect(page.data).not.toContain('meta-pixel');
    expect(page.data).not.toContain('ad-consent');
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.headers['content-security-policy']).not.toContain('facebook');
    expect(await rows(campaign.id)).toEqual([]);
  });

  it('asks first; after "allow" the page view carries one event_id to the pixel and, through the worker, to the Conversions API', async () => {
    const { campaign } = await withPixel();
    const landing = `${stack.api.url}/l/${campaign.slug}?fbclid=IwAR2xyz_Click-1&gclid=Cj0KCQ_gclid-1`;

    // Before any answer: the question, no pixel, no cookie, nothing queued.
    const asked = await http.get(landing, browser());
    expect(asked.data).toContain(`action="/l/${campaign.slug}/ad-consent"`);
    expect(asked.data).toContain('name="fbclid" value="IwAR2xyz_Click-1"');
    expect(pixelOf(asked.data)).toBeNull();
    expect(asked.headers['set-cookie']).toBeUndefined();
    expect(asked.headers['content-security-policy']).not.toContain('connect.facebook.net');
    expect(await rows(campaign.id)).toEqual([]);

    const answer = await http.post(
      `${stack.api.url}/l/${campaign.slug}/ad-consent`,
      ...form({ choice: 'allow', fbclid: 'IwAR2xyz_Click-1', gclid: 'Cj0KCQ_gclid-1' }),
    );
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe(`/l/${campaign.slug}?fbclid=IwAR2xyz_Click-1&gclid=Cj0KCQ_gclid-1`);
    const consent = setCookies(answer).dd_ad_consent;
    expect(consent).toMatch(/^dd_ad_consent_[0-9a-f]{32}=granted;.*HttpOnly.*SameSite=Lax/);

    const before = Date.now();
    // A parameter the fan (or a link) added is not passed on to Meta; ad click ids and UTM tags are.
    const page = await http.get(
      `${stack.api.url}${answer.headers.location}&utm_source=ig&note=fan%40example.com`,
      browser(consent.split(';')[0]),
    );
    const pixel = pixelOf(page.data);
    expect(pixel).toMatchObject({ pixelId: PIXEL, eventName: 'PageView' });
    expect(page.data).toContain('<script src="/static/meta-pixel.js"></script>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self' https:\/\/connect\.facebook\.net/);
    expect(csp).toMatch(/connect-src 'self' https:\/\/www\.facebook\.com/);
    expect(csp).toMatch(/img-src [^;]*https:\/\/www\.facebook\.com/);

    // First-party cookies: _fbp/_fbc for 7 days (readable by the pixel); SameSite=Lax. No gclid: this artist does
    // not tell Google (test/e2e/google-conversions.test.ts keeps it when they do).
    const cookies = setCookies(page);
    expect(cookies._fbp).toMatch(/; Max-Age=604800;/);
    expect(cookies._fbc).toMatch(/; Max-Age=604800;/);
    expect(cookies.gclid).toBeUndefined();
    for (const name of ['_fbp', '_fbc']) expect(cookies[name]).toMatch(/SameSite=Lax/);
    expect(cookies._fbp).not.toMatch(/HttpOnly/);
    expect(cookies._fbp).not.toMatch(/Secure/); // http://127.0.0.1: Secure only over HTTPS
    const fbp = cookieValue(cookies._fbp);
    const fbc = cookieValue(cookies._fbc);
    expect(fbp).toMatch(/^fb\.1\.\d{13}\.\d{10}$/);
    expect(fbc).toMatch(/^fb\.1\.\d{13}\.IwAR2xyz_Click-1$/);
    expect(Number(fbc.split('.')[2])).toBeGreaterThanOrEqual(before);

    // A reload keeps _fbp, and gets a new PageView (another event).
    const again = await http.get(landing, browser(`${consent.split(';')[0]}; _fbp=${fbp}; _fbc=${fbc}`));
    expect(cookieValue(setCookies(again)._fbp)).toBe(fbp);
    expect(cookieValue(setCookies(again)._fbc)).toBe(fbc);
    expect(pixelOf(again.data)!.eventId).not.toBe(pixel!.eventId);

    // Queued with its user data sealed; nothing sent until the worker runs.
    const queued = await rows(campaign.id);
    expect(queued.map((r) => [r.eventName, r.eventId, r.status])).toEqual([
      ['PageView', pixel!.eventId, 'pending'],
      ['PageView', pixelOf(again.data)!.eventId, 'pending'],
    ]);
    expect(queued.every((r) => r.userData?.startsWith('enc:v1:') && !r.userData.includes('203.0.113.9'))).toBe(true);
    expect((await sentEvents()).filter((e) => e.event.event_id === pixel!.eventId)).toEqual([]);

    expect(await deliver()).toMatchObject({ sent: 2, dropped: 0, failed: 0 });
    const sent = (await sentEvents()).filter((e) => e.event.event_id === pixel!.eventId);
    expect(sent).toHaveLength(1);
    expect(sent[0].pixelId).toBe(PIXEL);
    expect(sent[0].event).toEqual({
      event_name: 'PageView',
      event_id: pixel!.eventId,
      event_time: expect.any(Number),
      action_source: 'website',
      event_source_url: `${stack.config.PUBLIC_URL}/l/${campaign.slug}?fbclid=IwAR2xyz_Click-1&gclid=Cj0KCQ_gclid-1&utm_source=ig`,
      user_data: { fbc, fbp, client_ip_address: '203.0.113.9', client_user_agent: UA },
    });
    expect(Math.abs(sent[0].event.event_time * 1000 - before)).toBeLessThan(60_000);
    // Sent: the user data is forgotten, the record stays; a second run sends nothing again.
    expect((await rows(campaign.id)).map((r) => [r.status, r.userData])).toEqual([
      ['sent', null],
      ['sent', null],
    ]);
    expect(await deliver()).toMatchObject({ sent: 0 });
    expect((await sentEvents()).filter((e) => e.event.event_id === pixel!.eventId)).toHaveLength(1);
  });

  it('sends a sign-up as CompleteRegistration, with the hashed e-mail and phone, when it is confirmed, not before', async () => {
    const { account, campaign } = await withPixel({ accessToken: TOKEN, testEventCode: 'TEST77' });
    const consent = await allow(campaign.slug);
    const page = await http.get(`${stack.api.url}/l/${campaign.slug}`, browser(consent));
    const fbp = cookieValue(setCookies(page)._fbp);
    const signup = await http.post(
      `${stack.api.url}/l/${campaign.slug}/subscribe`,
      ...form({ email: ' Test@Example.com ', phone: '+1 (650) 555-1212', consent: 'yes' }, `${consent}; _fbp=${fbp}`),
    );
    expect(signup.status).toBe(200);
    // The form post is no sign-up yet (double opt-in): no pixel, no EMAIL_SIGNUP, nothing sent to Meta.
    expect(pixelOf(signup.data)).toBeNull();
    const signups = () =>
      stack.db.pool.anyFirst(sql.type(z.object({ type: z.string() }))`
        SELECT type FROM events WHERE campaign_id = ${campaign.id} AND type = 'EMAIL_SIGNUP'`);
    expect(await signups()).toEqual([]);
    // The queued row holds neither the address nor its hash in the clear.
    const stored = JSON.stringify(await rows(campaign.id));
    for (const secret of ['test@example.com', TEST_EMAIL_SHA256, PHONE_SHA256, '16505551212'])
      expect(stored).not.toContain(secret);
    await deliver();
    const registrations = async () =>
      (await sentEvents()).filter(
        (e) => e.event.event_name === 'CompleteRegistration' && e.event.event_source_url.includes(campaign.slug),
      );
    expect(await registrations()).toEqual([]);

    // Its owner confirms from the same browser: one sign-up, the pixel fires with the id the server sends.
    const confirmation = await confirmSubscription(stack, 'test@example.com', browser(consent).headers);
    const pixel = pixelOf(confirmation.data);
    expect(pixel).toMatchObject({ pixelId: PIXEL, eventName: 'CompleteRegistration' });
    expect(await signups()).toEqual(['EMAIL_SIGNUP']);
    await deliver();
    expect(await registrations()).toHaveLength(1);
    const sent = (await sentEvents()).find((e) => e.event.event_id === pixel!.eventId)!;
    expect(sent.testEventCode).toBe('TEST77');
    expect(sent.event.event_name).toBe('CompleteRegistration');
    expect(sent.event.event_source_url).toBe(`${stack.config.PUBLIC_URL}/l/${campaign.slug}`);
    expect(sent.event.user_data).toEqual({
      em: [TEST_EMAIL_SHA256],
      ph: [PHONE_SHA256],
      fbp,
      client_ip_address: '203.0.113.9',
      client_user_agent: UA,
    });
    expect(hashEmail(' Test@Example.com ')).toBe(TEST_EMAIL_SHA256);
    expect(hashPhone('+1 (650) 555-1212')).toBe(PHONE_SHA256);
    const summary = await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/conversions`, {
      headers: account.headers,
    });
    expect(summary.data).toEqual({
      events: {
        CompleteRegistration: { pending: 0, sent: 1, dropped: 0, failed: 0 },
        PageView: { pending: 0, sent: 1, dropped: 0, failed: 0 },
      },
      google: {},
    });

    // Without ad consent the same sign-up queues nothing and fires no pixel.
    const other = await withPixel();
    const plain = await http.post(
      `${stack.api.url}/l/${other.campaign.slug}/subscribe`,
      ...form({ email: 'plain@example.com', consent: 'yes' }),
    );
    expect(plain.status).toBe(200);
    expect(pixelOf(plain.data)).toBeNull();
    expect(await rows(other.campaign.id)).toEqual([]);
  });

  it('sends a completed pre-save as a Lead with the event_id the thank-you page fires', async () => {
    const { campaign } = await withPixel();
    const consent = await allow(campaign.slug);
    const page = await http.get(`${stack.api.url}/l/${campaign.slug}?fbclid=IwAR_lead`, browser(consent));
    const adCookies = ['_fbp', '_fbc'].map((n) => `${n}=${cookieValue(setCookies(page)[n])}`).join('; ');
    // The Spotify sign-in, as the browser does it, carrying its cookies back to our callback.
    const start = await http.get(
      `${stack.api.url}/l/${campaign.slug}/presave/spotify`,
      browser(`${consent}; ${adCookies}`),
    );
    const consentPage = await http.get(String(start.headers.location));
    const fields = hiddenFields(consentPage.data);
    fields.set('user', 'lead-fan');
    fields.set('display_name', 'lead-fan');
    fields.set('decision', 'accept');
    const spotifyAnswer = await http.post(
      `${new URL(String(start.headers.location)).origin}/authorize`,
      fields.toString(),
      { headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    );
    const stateCookie = (start.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
    const callback = await http.get(
      String(spotifyAnswer.headers.location),
      browser(`${stateCookie}; ${consent}; ${adCookies}`),
    );
    expect(callback.status).toBe(303);
    const fanCookie = setCookies(callback).play_spotify_uid.split(';')[0];
    const thanks = await http.get(
      `${stack.api.url}${callback.headers.location}`,
      browser(`${consent}; ${adCookies}; ${fanCookie}`),
    );
    const pixel = pixelOf(thanks.data);
    expect(pixel).toMatchObject({ pixelId: PIXEL, eventName: 'Lead' });
    expect(String(thanks.headers['content-security-policy'])).toContain('https://connect.facebook.net');

    await deliver();
    const leads = (await sentEvents()).filter(
      (e) => e.event.event_name === 'Lead' && e.event.event_id === pixel!.eventId,
    );
    expect(leads).toHaveLength(1);
    expect(leads[0].event.user_data).toMatchObject({
      fbc: expect.stringMatching(/\.IwAR_lead$/),
      fbp: expect.stringMatching(/^fb\.1\./),
    });
    // Only first-party data: no Spotify identifier of the fan goes to Meta.
    const accountId = stack.spotify.state.getUser('lead-fan')!.accountId;
    expect(JSON.stringify(leads[0])).not.toContain(accountId);
  });

  it('never sends events older than 7 days: they are dropped with the reason', async () => {
    const { campaign, account } = await withPixel();
    const base = {
      artistId: account.artistId,
      campaignId: campaign.id,
      pixelId: PIXEL,
      eventName: 'PageView' as const,
      eventSourceUrl: 'http://127.0.0.1/l/x',
      userData: { client_user_agent: UA, client_ip_address: '203.0.113.9' },
    };
    await queueConversion(stack.db.pool, stack.keyRing, {
      ...base,
      eventId: 'too-old',
      eventTime: Date.now() - 8 * 24 * 3600_000,
    });
    await queueConversion(stack.db.pool, stack.keyRing, {
      ...base,
      eventId: 'just-too-old',
      eventTime: Date.now() - 7 * 24 * 3600_000 - 5_000,
    });
    await queueConversion(stack.db.pool, stack.keyRing, {
      ...base,
      eventId: 'six-days',
      eventTime: Date.now() - 6 * 24 * 3600_000,
    });
    const result = await deliver();
    expect(result.dropped).toBeGreaterThanOrEqual(2);
    const byId = Object.fromEntries((await rows(campaign.id)).map((r) => [r.eventId, r]));
    expect(byId['too-old']).toMatchObject({
      status: 'dropped',
      reason: expect.stringContaining('7 days'),
      userData: null,
    });
    expect(byId['just-too-old']).toMatchObject({ status: 'dropped', userData: null });
    expect(byId['six-days'].status).toBe('sent');
    const ids = (await sentEvents()).map((e) => e.event.event_id);
    expect(ids).toContain('six-days');
    expect(ids).not.toContain('too-old');
    expect(ids).not.toContain('just-too-old');
    // No request was ever refused for an old event.
    const requests = (await http.get(`${meta.url}/__control/capi/requests`)).data as { errorSubcode?: number }[];
    expect(requests.filter((r) => r.errorSubcode === 2804003)).toEqual([]);
  });

  it('keeps events through an outage (retried by the worker) and while the token is refused', async () => {
    const { campaign } = await withPixel();
    const consent = await allow(campaign.slug);
    const pixel = pixelOf((await http.get(`${stack.api.url}/l/${campaign.slug}`, browser(consent))).data)!;
    await http.post(`${meta.url}/__control/capi/faults`, { status: 500, count: 1 });
    await http.post(`${meta.url}/__control/capi/faults`, { status: 429, count: 1 });
    const result = await deliver();
    expect(result.sent).toBeGreaterThanOrEqual(1);
    expect((await sentEvents()).filter((e) => e.event.event_id === pixel.eventId)).toHaveLength(1);
    expect((await rows(campaign.id))[0].status).toBe('sent');

    // A token Meta refuses (190): the event waits, with the reason, for the artist to fix the token.
    const refused = await withPixel({ accessToken: 'EAArevoked-token-0123456789' });
    const refusedConsent = await allow(refused.campaign.slug);
    await http.get(`${stack.api.url}/l/${refused.campaign.slug}`, browser(refusedConsent));
    expect((await deliver()).waiting).toBeGreaterThanOrEqual(1);
    const waiting = await stack.db.pool.one(sql.type(
      z.object({ status: z.string(), lastError: z.string().nullable() }),
    )`
      SELECT status, last_error AS "lastError" FROM conversion_events WHERE campaign_id = ${refused.campaign.id}`);
    expect(waiting).toEqual({ status: 'pending', lastError: expect.stringContaining('access token') });
  });

  it("sends with the account's Meta connection token when the pixel has no token of its own", async () => {
    const { campaign, account } = await withPixel({ accessToken: null });
    const consent = await allow(campaign.slug);
    const pixel = pixelOf((await http.get(`${stack.api.url}/l/${campaign.slug}`, browser(consent))).data)!;
    await deliver();
    expect((await rows(campaign.id)).map((r) => r.status)).toEqual(['pending']); // no token anywhere yet: it waits
    const accountId = await accountIdOf(account.artistId);
    const userToken = meta.state.issue('artist-with-ads', true);
    await createConnection(stack.db.pool, stack.keyRing, {
      accountId,
      provider: 'meta',
      accessToken: userToken.access_token,
      expiresInSeconds: userToken.expires_in,
      scope: 'ads_management',
    });
    await deliver();
    expect((await rows(campaign.id)).map((r) => r.status)).toEqual(['sent']);
    expect((await sentEvents()).filter((e) => e.event.event_id === pixel.eventId)).toHaveLength(1);
  });

  it('marks every ad cookie Secure when served over HTTPS, and keeps the strict CSP elsewhere', async () => {
    const https = await startTestApi({
      config: { ...stack.config, PUBLIC_URL: 'https://links.example' },
      pool: stack.db.pool,
      temporal: stack.temporal.client,
      keyRing: stack.keyRing,
    });
    try {
      const { campaign, account } = await withPixel();
      // Google is told too (a conversion action, Google Ads connected), so the gclid cookie is set.
      await createConnection(stack.db.pool, stack.keyRing, {
        accountId: await accountIdOf(account.artistId),
        provider: 'google',
        accessToken: 'ya29.https-test',
        expiresInSeconds: 3600,
        scope: 'https://www.googleapis.com/auth/adwords',
      });
      await http.put(
        `${stack.api.url}/v1/artists/${account.artistId}/google-conversion`,
        { customerId: '1234567890', conversionAction: '1' },
        { headers: account.headers },
      );
      const [body, opts] = form({ choice: 'allow', gclid: 'Cj0_https' });
      const answer = await http.post(`${https.url}/l/${campaign.slug}/ad-consent`, body, {
        headers: { ...opts.headers, origin: 'https://links.example' },
      });
      expect(setCookies(answer).dd_ad_consent).toMatch(/; Secure/);
      const page = await http.get(
        `${https.url}${answer.headers.location}&fbclid=IwAR_https`,
        browser(setCookies(answer).dd_ad_consent.split(';')[0]),
      );
      const cookies = setCookies(page);
      for (const name of ['_fbp', '_fbc', 'gclid']) expect(cookies[name]).toMatch(/; Secure/);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain('upgrade-insecure-requests');
      expect(csp).toContain('https://connect.facebook.net');
      // Other pages keep the strict policy.
      expect(String((await http.get(`${https.url}/privacy/delete`)).headers['content-security-policy'])).not.toContain(
        'facebook',
      );
    } finally {
      await https.close();
    }
  });

  it('"No thanks" (also later) means no pixel, no events, and removes the ad cookies', async () => {
    const { campaign } = await withPixel();
    const answer = await http.post(
      `${stack.api.url}/l/${campaign.slug}/ad-consent`,
      ...form({ choice: 'deny', fbclid: 'IwAR_no' }),
    );
    expect(answer.headers.location).toBe(`/l/${campaign.slug}`);
    const cookies = setCookies(answer);
    expect(cookies.dd_ad_consent).toMatch(/^dd_ad_consent_[0-9a-f]{32}=denied;/);
    for (const name of ['_fbp', '_fbc', 'gclid']) expect(cookies[name]).toMatch(/Expires=Thu, 01 Jan 1970/);
    const page = await http.get(
      `${stack.api.url}/l/${campaign.slug}?fbclid=IwAR_no`,
      browser(cookies.dd_ad_consent.split(';')[0]),
    );
    expect(pixelOf(page.data)).toBeNull();
    expect(page.data).not.toContain('ad-consent');
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(await rows(campaign.id)).toEqual([]);
    expect(
      (await http.post(`${stack.api.url}/l/${campaign.slug}/ad-consent`, ...form({ choice: 'maybe' }))).status,
    ).toBe(400);
  });
});
