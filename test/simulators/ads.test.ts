// The Meta Marketing and Google Ads simulators against docs/providers/meta.md and docs/providers/google.md, over
// HTTP, and dropday's provider clients classifying what they answer (token / throttled with the provider's wait /
// invalid with its message).
import axios from 'axios';
import { ProviderError as AdsProviderError } from '../../lib/providers/errors';
import { MetaMarketingClient } from '../../lib/providers/meta-marketing';
import { GoogleAdsClient } from '../../lib/providers/google-ads';
import { startGoogleSimulator } from '../../simulators/google';
import { adsState, SANDBOX_DEVELOPER_TOKEN } from '../../simulators/google/ads';
import { META_API_VERSION, startMetaSimulator } from '../../simulators/meta';
import { marketingState } from '../../simulators/meta/marketing';
import { squarePng } from '../../simulators/spotify/artwork';

const http = axios.create({ validateStatus: () => true });
let meta: Awaited<ReturnType<typeof startMetaSimulator>>;
let google: Awaited<ReturnType<typeof startGoogleSimulator>>;
beforeAll(async () => {
  meta = await startMetaSimulator({ appId: 'app', appSecret: 'secret' });
  google = await startGoogleSimulator({ clientId: 'client', clientSecret: 'secret' });
});
afterAll(async () => {
  await meta?.close();
  await google?.close();
});

const form = (fields: Record<string, unknown>) =>
  new URLSearchParams(
    Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]),
    ),
  ).toString();
const metaPost = (path: string, fields: Record<string, unknown>) =>
  http.post(`${meta.url}/${META_API_VERSION}${path}`, form(fields), {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

describe('Meta Marketing simulator', () => {
  let token: string;
  beforeAll(() => {
    token = meta.state.issue('contract-user', true).access_token;
  });

  it('creates campaign → ad set → creative → ad from form fields with JSON-string values, answering numeric-string ids', async () => {
    const campaign = await metaPost('/act_111/campaigns', {
      access_token: token,
      name: 'c',
      objective: 'OUTCOME_TRAFFIC',
      status: 'PAUSED',
      special_ad_categories: [],
    });
    expect(campaign.status).toBe(200);
    expect(campaign.data).toEqual({ id: expect.stringMatching(/^\d+$/) });
    expect(JSON.parse(String(campaign.headers['x-business-use-case-usage']))['111'][0]).toMatchObject({
      type: 'ads_management',
      estimated_time_to_regain_access: 0,
    });
    expect(JSON.parse(String(campaign.headers['x-app-usage']))).toHaveProperty('call_count');
    const adset = await metaPost('/act_111/adsets', {
      access_token: token,
      name: 's',
      campaign_id: campaign.data.id,
      lifetime_budget: 5000,
      end_time: new Date(Date.now() + 86_400_000).toISOString(),
      billing_event: 'IMPRESSIONS',
      optimization_goal: 'LINK_CLICKS',
      targeting: { geo_locations: { countries: ['US'] } },
      status: 'PAUSED',
    });
    expect(adset.data).toEqual({ id: expect.stringMatching(/^\d+$/) });
    const creative = await metaPost('/act_111/adcreatives', {
      access_token: token,
      name: 'cr',
      object_story_spec: { page_id: '42', link_data: { link: 'https://x.example/l/a', message: 'hi' } },
    });
    const ad = await metaPost('/act_111/ads', {
      access_token: token,
      name: 'a',
      adset_id: adset.data.id,
      creative: { creative_id: creative.data.id },
      status: 'PAUSED',
    });
    expect(ad.status).toBe(200);
    expect(marketingState(meta.state).objects.get(ad.data.id)).toMatchObject({
      kind: 'ad',
      status: 'PAUSED',
      deleted: false,
    });
    expect((await metaPost(`/${campaign.data.id}`, { access_token: token, status: 'ACTIVE' })).data).toEqual({
      success: true,
    });
    expect(
      (await http.delete(`${meta.url}/${META_API_VERSION}/${campaign.data.id}`, { params: { access_token: token } }))
        .data,
    ).toEqual({ success: true });
    // deleting a campaign takes its ad sets and ads with it
    expect(marketingState(meta.state).objects.get(ad.data.id)).toMatchObject({ deleted: true, status: 'DELETED' });
  });

  it('rejects legacy objectives, missing special_ad_categories, decimal budgets and targeting without a location (code 100 with error_user_msg)', async () => {
    const legacy = await metaPost('/act_111/campaigns', {
      access_token: token,
      name: 'c',
      objective: 'LINK_CLICKS',
      special_ad_categories: [],
    });
    expect(legacy.status).toBe(400);
    expect(legacy.data.error).toMatchObject({
      code: 100,
      type: 'OAuthException',
      error_user_msg: expect.stringContaining('OUTCOME_TRAFFIC'),
      fbtrace_id: expect.any(String),
    });
    const noCategories = await metaPost('/act_111/campaigns', {
      access_token: token,
      name: 'c',
      objective: 'OUTCOME_TRAFFIC',
    });
    expect(noCategories.data.error).toMatchObject({
      code: 100,
      message: expect.stringContaining('special_ad_categories'),
    });
    const campaign = await metaPost('/act_111/campaigns', {
      access_token: token,
      name: 'c',
      objective: 'OUTCOME_TRAFFIC',
      special_ad_categories: [],
    });
    const base = {
      access_token: token,
      name: 's',
      campaign_id: campaign.data.id,
      billing_event: 'IMPRESSIONS',
      optimization_goal: 'LINK_CLICKS',
    };
    const decimal = await metaPost('/act_111/adsets', {
      ...base,
      daily_budget: '20.00',
      targeting: { geo_locations: { countries: ['US'] } },
    });
    expect(decimal.data.error).toMatchObject({ code: 100, error_user_msg: expect.stringContaining('smallest unit') });
    const noGeo = await metaPost('/act_111/adsets', { ...base, daily_budget: 2000, targeting: { age_min: 18 } });
    expect(noGeo.data.error).toMatchObject({ code: 100, error_user_msg: expect.stringContaining('location') });
  });

  it('answers 190 for unknown, expired and revoked tokens', async () => {
    const unknown = await metaPost('/act_111/campaigns', {
      access_token: 'EAABnope',
      name: 'c',
      objective: 'OUTCOME_TRAFFIC',
      special_ad_categories: [],
    });
    expect(unknown.data.error.code).toBe(190);
    const shortLived = meta.state.issue('expiring-user', true);
    meta.state.tokens.get(shortLived.access_token)!.expiresAt = Date.now() - 1;
    const expired = await metaPost('/act_111/campaigns', {
      access_token: shortLived.access_token,
      name: 'c',
      objective: 'OUTCOME_TRAFFIC',
      special_ad_categories: [],
    });
    expect(expired.data.error).toMatchObject({ code: 190, error_subcode: 463 });
    const revokedToken = meta.state.issue('revoking-user', true).access_token;
    await http.post(`${meta.url}/__control/marketing/tokens/revoke`, { token: revokedToken });
    const revoked = await metaPost('/act_111/campaigns', {
      access_token: revokedToken,
      name: 'c',
      objective: 'OUTCOME_TRAFFIC',
      special_ad_categories: [],
    });
    expect(revoked.data.error).toMatchObject({ code: 190, error_subcode: 458 });
  });

  it('throttles on demand with code 17 and the usage headers; the client turns that into the wait Meta announces', async () => {
    await http.post(`${meta.url}/__control/marketing/throttle`, { code: 17, seconds: 7, regainMinutes: 0 });
    const client = new MetaMarketingClient({ graphUrl: meta.url, version: META_API_VERSION });
    const error = await client
      .create(token, '111', 'campaigns', { name: 'c', objective: 'OUTCOME_TRAFFIC', special_ad_categories: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdsProviderError);
    expect(error).toMatchObject({ kind: 'rate_limited', detail: { code: '17/2446079' } });
    expect((error as AdsProviderError).detail.retryAfterMs).toBeGreaterThanOrEqual(6_000);
    expect((error as AdsProviderError).detail.retryAfterMs).toBeLessThanOrEqual(7_000);
    await http.post(`${meta.url}/__control/marketing/throttle`, { code: 4, seconds: 5 }); // regain defaults to whole minutes
    const app = await client
      .create(token, '111', 'campaigns', { name: 'c', objective: 'OUTCOME_TRAFFIC', special_ad_categories: [] })
      .catch((e: AdsProviderError) => e);
    expect(app).toMatchObject({ kind: 'rate_limited', detail: { retryAfterMs: 60_000 } });
    await http.delete(`${meta.url}/__control/marketing/faults`);
    const invalid = await client
      .create(token, '111', 'campaigns', { name: 'c', objective: 'CONVERSIONS', special_ad_categories: [] })
      .catch((e: AdsProviderError) => e);
    expect(invalid).toMatchObject({
      kind: 'invalid_request',
      detail: { userMessage: expect.stringContaining('no longer available') },
    });
  });
});

describe('Google Ads simulator', () => {
  let accessToken: string;
  const cid = '1234567890';
  const ads = (path: string, body: object, headers: Record<string, string> = {}) =>
    http.post(`${google.url}/v26/customers/${cid}/${path}`, body, {
      headers: { authorization: `Bearer ${accessToken}`, 'developer-token': SANDBOX_DEVELOPER_TOKEN, ...headers },
    });
  beforeAll(() => {
    const grant = {
      user: 'ads-user',
      scope: 'https://www.googleapis.com/auth/adwords',
      refreshToken: '1//contract',
      revoked: false,
    };
    google.state.grants.set(grant.refreshToken, grant);
    accessToken = google.state.issueAccessToken(grant).access_token;
  });

  it('creates a budget and a Demand Gen campaign (int64 as strings, resource names back); containsEuPoliticalAdvertising is required', async () => {
    const budget = await ads('campaignBudgets:mutate', {
      operations: [
        { create: { name: 'b', amountMicros: '10000000', deliveryMethod: 'STANDARD', explicitlyShared: false } },
      ],
    });
    expect(budget.status).toBe(200);
    expect(budget.headers['request-id']).toEqual(expect.any(String));
    expect(budget.data).toEqual({
      results: [{ resourceName: expect.stringMatching(new RegExp(`^customers/${cid}/campaignBudgets/\\d+$`)) }],
    });
    const campaign = {
      name: 'c',
      status: 'PAUSED',
      advertisingChannelType: 'DEMAND_GEN',
      campaignBudget: budget.data.results[0].resourceName,
      maximizeConversions: {},
    };
    const missing = await ads('campaigns:mutate', { operations: [{ create: campaign }] });
    expect(missing.status).toBe(400);
    expect(missing.data.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(missing.data.error.details[0]).toMatchObject({
      '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
      errors: [
        {
          errorCode: { fieldError: 'REQUIRED' },
          location: {
            fieldPathElements: [
              { fieldName: 'operations', index: 0 },
              { fieldName: 'create' },
              { fieldName: 'contains_eu_political_advertising' },
            ],
          },
        },
      ],
      requestId: expect.any(String),
    });
    const ok = await ads('campaigns:mutate', {
      operations: [
        { create: { ...campaign, containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING' } },
      ],
    });
    expect(ok.data.results[0].resourceName).toMatch(/campaigns\/\d+$/);
    const video = await ads('campaigns:mutate', {
      operations: [
        {
          create: {
            ...campaign,
            advertisingChannelType: 'VIDEO',
            containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
          },
        },
      ],
    });
    expect(video.data.error.details[0].errors[0].errorCode).toEqual({
      operationAccessDeniedError: 'CREATE_OPERATION_NOT_PERMITTED',
    });
  });

  it('creates a Demand Gen video ad only with everything Google requires, the logo an image asset of valid data', async () => {
    const [budget] = (
      await ads('campaignBudgets:mutate', { operations: [{ create: { name: 'dg', amountMicros: '9000000' } }] })
    ).data.results;
    const [campaign] = (
      await ads('campaigns:mutate', {
        operations: [
          {
            create: {
              name: 'dg',
              advertisingChannelType: 'DEMAND_GEN',
              campaignBudget: budget.resourceName,
              targetSpend: {},
              containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
            },
          },
        ],
      })
    ).data.results;
    const [group] = (
      await ads('adGroups:mutate', { operations: [{ create: { name: 'dg', campaign: campaign.resourceName } }] })
    ).data.results;
    const asset = async (create: object) => ads('assets:mutate', { operations: [{ create }] });
    const video = (await asset({ youtubeVideoAsset: { youtubeVideoId: 'dQw4w9WgXcQ' } })).data.results[0].resourceName;

    // Image assets: data required, and it must be an image.
    const imageErrors = await Promise.all(
      [{}, { data: '' }, { data: 'not base64!' }, { data: Buffer.from('plain text').toString('base64') }].map(
        async (imageAsset) => (await asset({ name: 'logo', type: 'IMAGE', imageAsset })).data.error,
      ),
    );
    expect(imageErrors.map((e) => e.details[0].errors[0].errorCode)).toEqual([
      { fieldError: 'REQUIRED' },
      { fieldError: 'REQUIRED' },
      { imageError: 'INVALID_IMAGE' },
      { imageError: 'INVALID_IMAGE' },
    ]);
    expect(imageErrors.every((e) => e.status === 'INVALID_ARGUMENT')).toBe(true);
    const image = async (size: number) =>
      (
        await asset({
          name: `logo ${size}`,
          type: 'IMAGE',
          imageAsset: { data: squarePng(size, [9, 9, 9]).toString('base64') },
        })
      ).data.results[0].resourceName;
    const [logo, tinyLogo] = [await image(128), await image(64)];

    const complete = {
      headlines: [{ text: 'Out now' }],
      longHeadlines: [{ text: 'The new single, out now' }],
      descriptions: [{ text: 'Stream it today' }],
      videos: [{ asset: video }],
      logoImages: [{ asset: logo }],
      businessName: { text: 'Luna Vey' },
    };
    const adWith = (info: Record<string, unknown>) =>
      ads('adGroupAds:mutate', {
        operations: [
          {
            create: {
              adGroup: group.resourceName,
              ad: { finalUrls: ['https://x.test/'], demandGenVideoResponsiveAd: info },
            },
          },
        ],
      });
    const fields = ['headlines', 'longHeadlines', 'descriptions', 'videos', 'logoImages', 'businessName'] as const;
    const snake = ['headlines', 'longHeadlines', 'descriptions', 'videos', 'logo_images', 'business_name'];
    for (const [i, field] of fields.entries()) {
      const { [field]: _left, ...rest } = complete;
      const res = await adWith(rest);
      expect([field, res.status]).toEqual([field, 400]);
      expect(res.data.error.details[0].errors).toEqual([
        {
          errorCode: { fieldError: 'REQUIRED' },
          message: 'The required field was not present.',
          location: {
            fieldPathElements: [
              { fieldName: 'operations', index: 0 },
              { fieldName: 'create' },
              { fieldName: 'ad' },
              { fieldName: 'demand_gen_video_responsive_ad' },
              { fieldName: snake[i] },
            ],
          },
        },
      ]);
    }
    const small = await adWith({ ...complete, logoImages: [{ asset: tinyLogo }] });
    expect(small.data.error.details[0].errors[0].errorCode).toEqual({ imageError: 'ASPECT_RATIO_NOT_ALLOWED' });
    expect(
      adsState(google.state)
        .live('adGroupAds')
        .some((o) => o.fields.adGroup === group.resourceName),
    ).toBe(false);
    const created = await adWith(complete);
    expect(created.status).toBe(200);
    expect(created.data.results[0].resourceName).toMatch(/adGroupAds\/\d+~\d+$/);
  });

  it('applies the good operations of a partialFailure request and reports the bad ones in partialFailureError', async () => {
    const res = await ads('campaignBudgets:mutate', {
      partialFailure: true,
      operations: [{ create: { name: 'ok', amountMicros: '6000000' } }, { create: { amountMicros: '6000000' } }],
    });
    expect(res.status).toBe(200);
    expect(res.data.results).toEqual([{ resourceName: expect.stringMatching(/campaignBudgets\/\d+$/) }, {}]);
    expect(res.data.partialFailureError).toMatchObject({
      code: 3,
      message: '1 operation(s) failed.',
      details: [
        {
          errors: [
            {
              errorCode: { fieldError: 'REQUIRED' },
              location: {
                fieldPathElements: [
                  { fieldName: 'operations', index: 1 },
                  { fieldName: 'create' },
                  { fieldName: 'name' },
                ],
              },
            },
          ],
        },
      ],
    });
    const atomic = await ads('campaignBudgets:mutate', {
      operations: [{ create: { name: 'not-kept', amountMicros: '6000000' } }, { create: { amountMicros: '6000000' } }],
    });
    expect(atomic.status).toBe(400);
    expect(
      adsState(google.state)
        .live('campaignBudgets')
        .some((o) => o.fields.name === 'not-kept'),
    ).toBe(false);
  });

  it('checks the OAuth token, the developer-token and login-customer-id', async () => {
    const expiredGrant = { user: 'ads-user-2', scope: '', refreshToken: '1//expired', revoked: false };
    const expired = google.state.issueAccessToken(expiredGrant).access_token;
    google.state.accessTokens.get(expired)!.expiresAt = Date.now() - 1;
    const body = { operations: [{ create: { name: 'b', amountMicros: '6000000' } }] };
    const unauth = await ads('campaignBudgets:mutate', body, { authorization: `Bearer ${expired}` });
    expect(unauth.status).toBe(401);
    expect(unauth.data.error).toMatchObject({
      status: 'UNAUTHENTICATED',
      details: [{ errors: [{ errorCode: { authenticationError: 'OAUTH_TOKEN_EXPIRED' } }] }],
    });
    const noDevToken = await http.post(`${google.url}/v26/customers/${cid}/campaignBudgets:mutate`, body, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(noDevToken.data.error.details[0].errors[0].errorCode).toEqual({
      authenticationError: 'DEVELOPER_TOKEN_PARAMETER_MISSING',
    });
    await http.post(`${google.url}/__control/ads/customers`, { customerId: '5555555555', managerId: '9999999999' });
    const managed = (login?: string) =>
      http.post(`${google.url}/v26/customers/5555555555/campaignBudgets:mutate`, body, {
        headers: {
          authorization: `Bearer ${accessToken}`,
          'developer-token': SANDBOX_DEVELOPER_TOKEN,
          ...(login ? { 'login-customer-id': login } : {}),
        },
      });
    expect((await managed()).data.error).toMatchObject({
      status: 'PERMISSION_DENIED',
      details: [{ errors: [{ errorCode: { authorizationError: 'USER_PERMISSION_DENIED' } }] }],
    });
    expect((await managed('9999999999')).status).toBe(200);
    const sunset = await http.post(`${google.url}/v22/customers/${cid}/campaignBudgets:mutate`, body, {
      headers: { authorization: `Bearer ${accessToken}`, 'developer-token': SANDBOX_DEVELOPER_TOKEN },
    });
    expect(sunset.data.error.details[0].errors[0].errorCode).toEqual({ requestError: 'UNSUPPORTED_VERSION' });
  });

  it('answers RESOURCE_EXHAUSTED with a retryDelay, which the client turns into the wait', async () => {
    await http.post(`${google.url}/__control/ads/quota`, { seconds: 5, retryDelaySeconds: 4 });
    const res = await ads('campaignBudgets:mutate', {
      operations: [{ create: { name: 'b', amountMicros: '6000000' } }],
    });
    expect(res.status).toBe(429);
    expect(res.data.error).toMatchObject({
      status: 'RESOURCE_EXHAUSTED',
      details: [
        {
          errors: [
            {
              errorCode: { quotaError: 'RESOURCE_TEMPORARILY_EXHAUSTED' },
              details: { quotaErrorDetails: { retryDelay: '4s' } },
            },
          ],
        },
      ],
    });
    const client = new GoogleAdsClient({ apiUrl: google.url, version: 'v26', developerToken: SANDBOX_DEVELOPER_TOKEN });
    const error = await client
      .create({ accessToken, customerId: cid }, 'campaignBudgets', { name: 'b', amountMicros: '6000000' })
      .catch((e: AdsProviderError) => e);
    expect(error).toMatchObject({ kind: 'rate_limited', detail: { retryAfterMs: 4_000 } });
    await http.delete(`${google.url}/__control/ads/faults`);
    const removed = await client.create({ accessToken, customerId: cid }, 'campaignBudgets', {
      name: 'gone',
      amountMicros: '6000000',
    });
    await client.remove({ accessToken, customerId: cid }, 'campaignBudgets', removed);
    await client.remove({ accessToken, customerId: cid }, 'campaignBudgets', removed); // already removed: fine
    const invalid = await client
      .create({ accessToken, customerId: cid }, 'campaigns', {
        name: 'x',
        advertisingChannelType: 'DEMAND_GEN',
        campaignBudget: removed,
        maximizeConversions: {},
        containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
      })
      .catch((e: AdsProviderError) => e);
    expect(invalid).toMatchObject({ kind: 'not_found' });
  });

  it('reports daily metrics through googleAds:search and searchStream', async () => {
    const client = new GoogleAdsClient({ apiUrl: google.url, version: 'v26', developerToken: SANDBOX_DEVELOPER_TOKEN });
    const budget = await client.create({ accessToken, customerId: cid }, 'campaignBudgets', {
      name: 'm',
      amountMicros: '6000000',
    });
    const campaign = await client.create({ accessToken, customerId: cid }, 'campaigns', {
      name: 'metrics',
      status: 'PAUSED',
      advertisingChannelType: 'DEMAND_GEN',
      campaignBudget: budget,
      targetSpend: {},
      containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
    });
    await http.post(`${google.url}/__control/ads/delivery`, {
      campaign,
      date: '2026-12-01',
      costMicros: 2_500_000,
      impressions: 900,
      clicks: 40,
      conversions: 3,
    });
    await http.post(`${google.url}/__control/ads/delivery`, {
      campaign,
      date: '2026-11-01',
      costMicros: 1_000_000,
      impressions: 10,
      clicks: 1,
      conversions: 0,
    });
    expect(
      await client.campaignDailyMetrics({ accessToken, customerId: cid }, campaign, '2026-11-30', '2026-12-02'),
    ).toEqual([{ date: '2026-12-01', costMicros: 2_500_000, impressions: 900, clicks: 40, conversions: 3 }]);
    expect(
      await client.findOne(
        { accessToken, customerId: cid },
        'campaign',
        "SELECT campaign.resource_name FROM campaign WHERE campaign.name = 'metrics'",
      ),
    ).toBe(campaign);
    const stream = await ads('googleAds:searchStream', {
      query: `SELECT campaign.resource_name FROM campaign WHERE campaign.name = 'metrics'`,
    });
    expect(stream.data).toEqual([
      expect.objectContaining({
        results: [expect.objectContaining({ campaign: expect.objectContaining({ resourceName: campaign }) })],
      }),
    ]);
  });
});
