// Conformance: Meta's own Business SDK (facebook-nodejs-business-sdk, no dropday code) against the Meta simulator —
// the Graph login's token exchange, campaign → ad set → creative → ad created and read back, the Conversions API's
// EventRequest.execute(), and a Graph error reaching the SDK as its FacebookRequestError with Graph's code.
// The SDK has no option for another Graph host: it reads the static getter FacebookAdsApi.GRAPH on every call, so
// the test redefines that getter to the simulator's URL (and puts it back afterwards). The SDK calls VERSION v24.0.
import { randomBytes } from 'node:crypto';
import {
  Ad,
  AdAccount,
  AdSet,
  Campaign,
  CustomData,
  EventRequest,
  FacebookAdsApi,
  ServerEvent,
  UserData,
} from 'facebook-nodejs-business-sdk';
import { startMetaSimulator } from '../../simulators/meta';
import { SANDBOX_CAPI_TOKEN } from '../../simulators/meta/conversions';
import { marketingState } from '../../simulators/meta/marketing';

const APP_ID = '4242';
const APP_SECRET = 'sdk-test-secret';
const REDIRECT_URI = 'https://dropday.example/oauth/meta/callback';
const ACCOUNT = 'act_1029384756';

let meta: Awaited<ReturnType<typeof startMetaSimulator>>;
const graphGetter = Object.getOwnPropertyDescriptor(FacebookAdsApi, 'GRAPH');

beforeAll(async () => {
  meta = await startMetaSimulator({ appId: APP_ID, appSecret: APP_SECRET });
  Object.defineProperty(FacebookAdsApi, 'GRAPH', { get: () => meta.url, configurable: true });
});
afterAll(async () => {
  if (graphGetter) Object.defineProperty(FacebookAdsApi, 'GRAPH', graphGetter);
  await meta?.close();
});

/** The artist's browser on the sandbox dialog: consent, then the code on the redirect. */
async function consentCode(): Promise<string> {
  const form = new URLSearchParams({ client_id: APP_ID, redirect_uri: REDIRECT_URI, state: 's', decision: 'accept' });
  const res = await fetch(`${meta.url}/${FacebookAdsApi.VERSION}/dialog/oauth`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  return new URL(String(res.headers.get('location'))).searchParams.get('code') as string;
}

/** The SDK's failure: the rejected error, which must be the SDK's own type carrying Graph's error object. */
async function sdkFailure(call: Promise<unknown>) {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as { name: string; status: number; response: { code: number; error_subcode?: number; type: string } };
  expect(error?.name).toBe('FacebookRequestError');
  return error;
}

describe('facebook-nodejs-business-sdk against the Meta simulator', () => {
  it('exchanges a login code for a token, then for a long-lived one, under the SDK version', async () => {
    expect(FacebookAdsApi.VERSION).toBe('v24.0');
    const app = FacebookAdsApi.init(`${APP_ID}|${APP_SECRET}`, 'en_US', false);
    const short = await app.call('GET', ['oauth', 'access_token'], {
      client_id: APP_ID,
      client_secret: APP_SECRET,
      redirect_uri: REDIRECT_URI,
      code: await consentCode(),
    });
    expect(short).toMatchObject({ access_token: expect.any(String), token_type: 'bearer' });

    const long = await app.call('GET', ['oauth', 'access_token'], {
      grant_type: 'fb_exchange_token',
      client_id: APP_ID,
      client_secret: APP_SECRET,
      fb_exchange_token: short.access_token,
    });
    expect(long.expires_in).toBeGreaterThan(50 * 24 * 3600); // ~60 days

    const reused = await sdkFailure(
      app.call('GET', ['oauth', 'access_token'], {
        client_id: APP_ID,
        client_secret: APP_SECRET,
        redirect_uri: REDIRECT_URI,
        code: 'AQused',
      }),
    );
    expect(reused.status).toBe(400);
    expect(reused.response).toMatchObject({ code: 100, type: 'OAuthException' });
  });

  it('creates campaign → ad set → creative → ad with JSON bodies and reads each back', async () => {
    const user = `sdk-user-${randomBytes(4).toString('hex')}`;
    FacebookAdsApi.init(meta.state.issue(user, true).access_token, 'en_US', false);
    const account = new AdAccount(ACCOUNT);
    const name = `Release push ${randomBytes(3).toString('hex')}`;

    const campaign = await account.createCampaign([], {
      name,
      objective: 'OUTCOME_TRAFFIC',
      status: 'PAUSED',
      special_ad_categories: [],
      daily_budget: 2000,
    });
    expect(campaign.id).toMatch(/^\d+$/);
    const adSet = await account.createAdSet([], {
      name: `${name} / SE`,
      campaign_id: campaign.id,
      billing_event: 'IMPRESSIONS',
      optimization_goal: 'LINK_CLICKS',
      targeting: { geo_locations: { countries: ['SE'] } },
      status: 'PAUSED',
    });
    const creative = await account.createAdCreative([], {
      name: `${name} / creative`,
      object_story_spec: {
        page_id: '1122334455',
        link_data: { link: 'https://dropday.example/l/abc', message: 'Out Friday' },
      },
    });
    const ad = await account.createAd([], {
      name: `${name} / ad`,
      adset_id: adSet.id,
      creative: { creative_id: creative.id },
      status: 'PAUSED',
    });

    const read = await new Campaign(campaign.id).get(['name', 'status', 'objective', 'daily_budget']);
    expect(read._data).toMatchObject({
      id: campaign.id,
      name,
      status: 'PAUSED',
      objective: 'OUTCOME_TRAFFIC',
      daily_budget: '2000', // Graph answers budgets as strings
    });
    const adSetRead = await new AdSet(adSet.id).get(['name', 'campaign_id', 'status']);
    expect(adSetRead._data).toMatchObject({ id: adSet.id, campaign_id: campaign.id, status: 'PAUSED' });
    const adRead = await new Ad(ad.id).get(['name', 'adset_id', 'status']);
    expect(adRead._data).toMatchObject({ id: ad.id, name: `${name} / ad`, adset_id: adSet.id, status: 'PAUSED' });
    const listed = await account.getCampaigns(['name'], {
      filtering: [{ field: 'name', operator: 'EQUAL', value: name }],
    });
    expect(listed.map((c) => c.id)).toEqual([campaign.id]);

    const stored = marketingState(meta.state).objects;
    expect(stored.get(adSet.id)).toMatchObject({
      kind: 'adset',
      parentId: campaign.id,
      fields: { targeting: { geo_locations: { countries: ['SE'] } } },
    });
    expect(stored.get(ad.id)).toMatchObject({
      kind: 'ad',
      parentId: adSet.id,
      fields: { creative: { creative_id: creative.id } },
    });
  });

  it('reaches the SDK as FacebookRequestError with Graph code and subcode', async () => {
    FacebookAdsApi.init(meta.state.issue('sdk-error-user', true).access_token, 'en_US', false);
    const legacy = await sdkFailure(
      new AdAccount(ACCOUNT).createCampaign([], { name: 'old', objective: 'LINK_CLICKS', special_ad_categories: [] }),
    );
    expect(legacy.status).toBe(400);
    expect(legacy.response).toMatchObject({ code: 100, error_subcode: 2490408 });

    FacebookAdsApi.init('EAAnot-a-token', 'en_US', false);
    const bad = await sdkFailure(new Campaign('120210000000001').get(['name']));
    expect(bad.response).toMatchObject({ code: 190, type: 'OAuthException' });
  });

  it('sends Conversions API events with EventRequest.execute(), recorded with the hashed e-mail', async () => {
    const eventId = `sdk-${randomBytes(4).toString('hex')}`;
    const event = new ServerEvent()
      .setEventName('Lead')
      .setEventTime(Math.floor(Date.now() / 1000))
      .setEventId(eventId)
      .setActionSource('website')
      .setEventSourceUrl('https://dropday.example/l/abc')
      .setUserData(
        new UserData().setEmail('Fan@Example.com').setClientUserAgent('Mozilla/5.0').setClientIpAddress('203.0.113.9'),
      )
      .setCustomData(new CustomData().setCurrency('EUR').setValue(0));
    const response = await new EventRequest(SANDBOX_CAPI_TOKEN, '998877665544')
      .setEvents([event])
      .setTestEventCode('TEST1')
      .execute();
    expect(response.events_received).toBe(1);

    const accepted = (await (await fetch(`${meta.url}/__control/capi/events`)).json()) as {
      pixelId: string;
      testEventCode?: string;
      event: { event_id: string; user_data: { em: string[] } };
    }[];
    const received = accepted.find((a) => a.event.event_id === eventId);
    expect(received).toMatchObject({ pixelId: '998877665544', testEventCode: 'TEST1' });
    expect(received?.event.user_data.em).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]); // the SDK hashed it
  });
});
