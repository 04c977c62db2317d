// Google Ads offline click conversions end to end: the artist says where their conversions go (a customer and its
// "Import from clicks" conversion action, with Google Ads connected); a fan who came from their Google ad (gclid)
// and allowed ad measurement pre-saves and signs up; the worker uploads each to the Google Ads simulator once the
// sign-up is confirmed. Without consent, or without a connected account, nothing is kept and nothing is sent.
import { z } from 'zod';
import { createConnection } from '../../db/connections';
import { sql } from '../../db/pool';
import { startGoogleSimulator } from '../../simulators/google';
import { SANDBOX_DEVELOPER_TOKEN } from '../../simulators/google/ads';
import { type UploadedConversion } from '../../simulators/google/conversions';
import { conversionDeliveryWorkflow } from '../../workflows/conversions';
import { GOOGLE_APP, googleEnv } from '../helpers/ad-simulators';
import {
  artistAccount,
  confirmSubscription,
  cookiesOf,
  createCampaign,
  http,
  signInWithSpotify,
  useReleaseStack,
} from '../helpers/release-stack';

let google: Awaited<ReturnType<typeof startGoogleSimulator>>;
beforeAll(async () => {
  google = await startGoogleSimulator(GOOGLE_APP);
});
const stack = useReleaseStack(() => ({
  env: { ...googleEnv(google), GOOGLE_ADS_API_URL: google.url, GOOGLE_ADS_DEVELOPER_TOKEN: SANDBOX_DEVELOPER_TOKEN },
}));
afterAll(async () => {
  await google?.close();
});

const CUSTOMER = '1234567890';
const uploads = async () =>
  (await http.get(`${google.url}/__control/ads/conversion-uploads`)).data as UploadedConversion[];
const deliver = () =>
  stack.temporal.client.workflow.execute(conversionDeliveryWorkflow, {
    workflowId: `google-conversions-test-${Math.random().toString(36).slice(2)}`,
    taskQueue: stack.temporal.taskQueue,
  });
const rows = (campaignId: string) =>
  stack.db.pool.any(sql.type(
    z.object({
      key: z.string(),
      status: z.string(),
      gclid: z.string().nullable(),
      reason: z.string().nullable(),
    }),
  )`
    SELECT dedupe_key AS key, status, gclid_enc AS gclid, reason FROM google_click_conversions
    WHERE campaign_id = ${campaignId} ORDER BY created_at`);
/** The second of the campaign's first conversion, as Google is told it. */
const firstConversionSecond = (campaignId: string) =>
  stack.db.pool.oneFirst(sql.type(z.object({ s: z.number() }))`
    SELECT floor(extract(epoch FROM min(conversion_time)))::float8 AS s FROM google_click_conversions
    WHERE campaign_id = ${campaignId}`);
const postForm = (url: string, fields: Record<string, string>, cookie = '') =>
  http.post(url, new URLSearchParams(fields).toString(), {
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
  });

/** An artist with a campaign; `connected`: Google Ads connected; `action`: their conversion action set. */
async function artist(opts: { connected: boolean; action: boolean }) {
  const account = await artistAccount(stack);
  const campaign = await createCampaign(stack, account, 'Google Release');
  if (opts.connected) {
    const accountId = await stack.db.pool.oneFirst(
      sql.type(z.object({ id: z.string() }))`SELECT account_id AS id FROM artists WHERE id = ${account.artistId}`,
    );
    const user = `google-${Math.random().toString(36).slice(2)}`;
    const grant = {
      user,
      scope: 'https://www.googleapis.com/auth/adwords',
      refreshToken: `1//${user}`,
      revoked: false,
    };
    google.state.grants.set(grant.refreshToken, grant);
    await createConnection(stack.db.pool, stack.keyRing, {
      accountId,
      provider: 'google',
      accessToken: google.state.issueAccessToken(grant).access_token,
      refreshToken: grant.refreshToken,
      expiresInSeconds: 3600,
      scope: grant.scope,
    });
  }
  let conversionAction = '';
  if (opts.action) {
    conversionAction = (await http.post(`${google.url}/__control/ads/conversion-actions`, { customerId: CUSTOMER }))
      .data.resourceName;
    const set = await http.put(
      `${stack.api.url}/v1/artists/${account.artistId}/google-conversion`,
      { customerId: '123-456-7890', conversionAction: conversionAction.split('/').pop() },
      { headers: account.headers },
    );
    expect(set.status).toBe(200);
  }
  return { account, campaign, conversionAction };
}

/** The fan lands from the Google ad, answers the consent question; returns the cookies their browser holds. */
async function arriveFromGoogleAd(slug: string, gclid: string, choice: 'allow' | 'deny') {
  const landing = `${stack.api.url}/l/${slug}?gclid=${gclid}`;
  const asked = await http.get(landing);
  const answer = await postForm(`${stack.api.url}/l/${slug}/ad-consent`, { choice, gclid });
  expect(answer.status).toBe(303);
  const consent = cookiesOf(answer)
    .split('; ')
    .find((c) => c.startsWith('dd_ad_consent_'))!;
  const page = await http.get(`${stack.api.url}${answer.headers.location}`, { headers: { cookie: consent } });
  const adCookies = cookiesOf(page);
  return { asked, page, cookie: [consent, adCookies].filter(Boolean).join('; ') };
}

describe('Google Ads click conversions', () => {
  it('lets the artist set where conversions go, validated and scoped to the account', async () => {
    const { account } = await artist({ connected: false, action: false });
    const url = `${stack.api.url}/v1/artists/${account.artistId}/google-conversion`;
    for (const bad of [
      { customerId: '123', conversionAction: '1' },
      { customerId: CUSTOMER, conversionAction: 'abc' },
      { customerId: CUSTOMER, conversionAction: 'customers/9999999999/conversionActions/5' }, // another customer's
      { customerId: CUSTOMER, conversionAction: '5', extra: true },
    ]) {
      const res = await http.put(url, bad, { headers: account.headers });
      expect(res.status).toBe(400);
      expect(res.data.error.code).toBe('validation_failed');
    }
    expect((await http.get(url, { headers: account.headers })).status).toBe(404);
    const set = await http.put(
      url,
      { customerId: '123-456-7890', loginCustomerId: '111-222-3333', conversionAction: '987654321' },
      { headers: account.headers },
    );
    expect(set.data).toEqual({
      customerId: CUSTOMER,
      loginCustomerId: '1112223333',
      conversionAction: `customers/${CUSTOMER}/conversionActions/987654321`,
      updatedAt: expect.any(String),
    });
    const other = await artistAccount(stack);
    expect((await http.get(url, { headers: other.headers })).status).toBe(404);
    expect((await http.delete(url, { headers: other.headers })).status).toBe(404);
    expect((await http.delete(url, { headers: account.headers })).status).toBe(204);
    expect((await http.get(url, { headers: account.headers })).status).toBe(404);
  });

  it('uploads the pre-save at once and the sign-up once confirmed, for a fan who came from the ad and allowed it', async () => {
    const { campaign, account, conversionAction } = await artist({ connected: true, action: true });
    const gclid = `Cj0KCQ_${Math.random().toString(36).slice(2)}`;
    const { asked, page, cookie } = await arriveFromGoogleAd(campaign.slug, gclid, 'allow');
    // The question names exactly who is told: Google Ads, not Meta (this artist has no pixel).
    expect(asked.data).toContain('Google Ads learns that your click on Luna Vey&#39;s Google ad led to a pre-save');
    expect(asked.data).not.toContain('Meta');
    expect(cookie).toContain(`gclid=${gclid}`);
    expect(String(page.headers['set-cookie'])).toMatch(/gclid=[^;]+; Max-Age=7776000;.*HttpOnly/);

    const before = Date.now();
    const { callback } = await signInWithSpotify(
      `${stack.api.url}/l/${campaign.slug}/presave/spotify`,
      { user: `gclid-fan-${gclid}` },
      cookie,
    );
    expect(callback.status).toBe(303);
    expect((await rows(campaign.id)).map((r) => [r.key.split(':')[0], r.status])).toEqual([['presave', 'pending']]);
    expect((await rows(campaign.id))[0].gclid).toMatch(/^enc:v1:/);

    // The sign-up: held until its owner confirms, so nothing goes to Google at the form post.
    const email = `gclid-${Date.now()}@example.com`;
    const signup = await postForm(`${stack.api.url}/l/${campaign.slug}/subscribe`, { email, consent: 'yes' }, cookie);
    expect(signup.status).toBe(200);
    expect((await rows(campaign.id)).map((r) => r.status)).toEqual(['pending', 'held']);
    expect(await deliver()).toMatchObject({ google: { sent: 1, failed: 0 } });
    const mine = async () => (await uploads()).filter((u) => u.gclid === gclid);
    expect(await mine()).toHaveLength(1);

    // Google knows a click conversion by its gclid, action and second: a sign-up confirmed within the pre-save's
    // second would be that same conversion to Google (and the upload answers "already exists"). A person takes
    // longer than a second to open the e-mail; the test waits for the next second.
    const presaveSecond = await firstConversionSecond(campaign.id);
    while (Math.floor(Date.now() / 1000) <= presaveSecond) await new Promise((r) => setTimeout(r, 100));
    expect((await confirmSubscription(stack, email)).status).toBe(200);
    expect(await deliver()).toMatchObject({ google: { sent: 1, failed: 0 } });
    const sent = await mine();
    expect(sent).toHaveLength(2);
    for (const upload of sent) {
      expect(upload).toEqual({
        customerId: CUSTOMER,
        gclid,
        conversionAction,
        conversionDateTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+00:00$/),
        consent: { adUserData: 'GRANTED' },
        uploadedAt: expect.any(Number),
      });
      const at = Date.parse(upload.conversionDateTime.replace(' ', 'T'));
      expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    }
    // Sent: the gclid is forgotten, the record stays; another round sends nothing again.
    expect((await rows(campaign.id)).map((r) => [r.status, r.gclid])).toEqual([
      ['sent', null],
      ['sent', null],
    ]);
    expect(await deliver()).toMatchObject({ google: { sent: 0 } });
    const summary = await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/conversions`, {
      headers: account.headers,
    });
    expect(summary.data.google).toEqual({
      presave: { pending: 0, sent: 1, dropped: 0, failed: 0 },
      signup: { pending: 0, sent: 1, dropped: 0, failed: 0 },
    });
  });

  it('keeps and sends nothing without consent, or when the artist has no Google Ads connected', async () => {
    const before = (await uploads()).length;
    // "No thanks": no gclid cookie, nothing queued, even for a browser that forges the cookie afterwards.
    const refused = await artist({ connected: true, action: true });
    const gclid = 'Cj0KCQ_refused';
    const denied = await arriveFromGoogleAd(refused.campaign.slug, gclid, 'deny');
    expect(denied.cookie).not.toContain('gclid=');
    await signInWithSpotify(
      `${stack.api.url}/l/${refused.campaign.slug}/presave/spotify`,
      { user: 'gclid-refused' },
      `${denied.cookie}; gclid=${gclid}`,
    );
    expect(await rows(refused.campaign.id)).toEqual([]);

    // Consent given, but Google Ads not connected: nobody to tell, so no question, no cookie, nothing stored.
    const unconnected = await artist({ connected: false, action: true });
    const page = await http.get(`${stack.api.url}/l/${unconnected.campaign.slug}?gclid=${gclid}`);
    expect(page.data).not.toContain('ad-consent');
    const allowed = await arriveFromGoogleAd(unconnected.campaign.slug, gclid, 'allow');
    expect(allowed.cookie).not.toContain('gclid=');
    await signInWithSpotify(
      `${stack.api.url}/l/${unconnected.campaign.slug}/presave/spotify`,
      { user: 'gclid-unconnected' },
      `${allowed.cookie}; gclid=${gclid}`,
    );
    expect(await rows(unconnected.campaign.id)).toEqual([]);

    await deliver();
    expect((await uploads()).length).toBe(before);
  });

  it("fails a conversion Google refuses with Google's reason, and the simulator refuses uploads without partialFailure", async () => {
    const { campaign, account } = await artist({ connected: true, action: true });
    // An action the customer does not have: Google refuses that conversion alone (partial failure).
    await http.put(
      `${stack.api.url}/v1/artists/${account.artistId}/google-conversion`,
      { customerId: CUSTOMER, conversionAction: '42' },
      { headers: account.headers },
    );
    const { cookie } = await arriveFromGoogleAd(campaign.slug, 'Cj0KCQ_refusedByGoogle', 'allow');
    await signInWithSpotify(
      `${stack.api.url}/l/${campaign.slug}/presave/spotify`,
      { user: 'gclid-bad-action' },
      cookie,
    );
    expect(await deliver()).toMatchObject({ google: { failed: 1 } });
    expect(await rows(campaign.id)).toEqual([
      {
        key: expect.stringMatching(/^presave:/),
        status: 'failed',
        gclid: null,
        reason: expect.stringContaining('conversionUploadError.INVALID_CONVERSION_ACTION'),
      },
    ]);

    const grant = {
      user: 'direct',
      scope: 'https://www.googleapis.com/auth/adwords',
      refreshToken: '1//d',
      revoked: false,
    };
    const direct = await http.post(
      `${google.url}/v26/customers/${CUSTOMER}:uploadClickConversions`,
      { conversions: [{ gclid: 'x', conversionAction: 'y', conversionDateTime: 'z' }], partialFailure: false },
      {
        headers: {
          authorization: `Bearer ${google.state.issueAccessToken(grant).access_token}`,
          'developer-token': SANDBOX_DEVELOPER_TOKEN,
        },
      },
    );
    expect(direct.status).toBe(400);
    expect(direct.data.error.details[0].errors[0].errorCode).toEqual({
      partialFailureError: 'PARTIAL_FAILURE_MODE_REQUIRED',
    });
  });
});
