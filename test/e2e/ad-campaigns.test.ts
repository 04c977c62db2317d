// Paid campaigns end to end: the API, adCampaignWorkflow on the real worker, PostgreSQL, and the Meta Marketing and
// Google Ads simulators over HTTP. Full creation on both platforms, launch at the release instant and pause at the
// end (seconds ahead), undo on a failed step and on cancel, token errors, throttling, and the insights Schedule.
import { z } from 'zod';
import { findCampaignById } from '../../db/campaigns';
import { imageInfo } from '../../lib/image';
import { createConnection } from '../../db/connections';
import { sql } from '../../db/pool';
import { AD_INSIGHTS_SCHEDULE_ID, createSchedule } from '../../lib/starters/schedules';
import { startGoogleSimulator } from '../../simulators/google';
import { adsState, SANDBOX_DEVELOPER_TOKEN } from '../../simulators/google/ads';
import { startMetaSimulator } from '../../simulators/meta';
import { approvedCopy as approvedCopyRow, cancelAd } from '../helpers/ads';
import { marketingState } from '../../simulators/meta/marketing';
import { adCampaignProgressQuery } from '../../workflows/ad-campaign';
import { connectionTokenWorkflow } from '../../workflows/connection-token';
import {
  addRelease,
  artistAccount,
  createCampaign,
  http,
  liveAlbumUpc,
  nextUpc,
  releaseInSeconds,
  useReleaseStack,
  waitFor,
} from '../helpers/release-stack';
import { GOOGLE_APP, googleEnv, META_APP, metaEnv } from '../helpers/ad-simulators';

let meta: Awaited<ReturnType<typeof startMetaSimulator>>;
let google: Awaited<ReturnType<typeof startGoogleSimulator>>;
beforeAll(async () => {
  meta = await startMetaSimulator(META_APP);
  google = await startGoogleSimulator(GOOGLE_APP);
});
const stack = useReleaseStack(() => ({
  env: {
    ...metaEnv(meta),
    ...googleEnv(google),
    GOOGLE_ADS_API_URL: google.url,
    GOOGLE_ADS_DEVELOPER_TOKEN: SANDBOX_DEVELOPER_TOKEN,
  },
}));
afterAll(async () => {
  await meta?.close();
  await google?.close();
});

const marketing = () => marketingState(meta.state);
const googleAds = () => adsState(google.state);

type Account = Awaited<ReturnType<typeof artistAccount>>;

/** An artist with a campaign releasing `secondsAhead` from now, a live connection and approved copy for `platform`. */
async function artistReadyFor(
  platform: 'meta' | 'google',
  opts: {
    secondsAhead?: number;
    user?: string;
    tokenSeconds?: number;
    spotifyArtistId?: string;
    listed?: boolean;
  } = {},
) {
  const account = await artistAccount(stack, opts.spotifyArtistId);
  const accountId = await stack.db.pool.oneFirst(
    sql.type(z.object({ id: z.string() }))`SELECT account_id AS id FROM artists WHERE id = ${account.artistId}`,
  );
  // A Google ad's logo is the release artwork, known once the release is on Spotify: an album already live there
  // (unless the test wants a release not listed yet).
  const listed = platform === 'google' && opts.listed !== false;
  const campaign = await createCampaign(stack, account, `Release ${platform}`, {
    secondsAhead: opts.secondsAhead ?? 3600,
    ...(listed ? { upc: liveAlbumUpc(stack) } : {}),
  });
  if (listed) await artworkKnown(campaign.id);
  const user = opts.user ?? `${platform}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
  let token: string;
  if (platform === 'meta') token = meta.state.issue(user, true).access_token;
  else {
    const grant = {
      user,
      scope: 'https://www.googleapis.com/auth/adwords',
      refreshToken: `1//${user}`,
      revoked: false,
    };
    google.state.grants.set(grant.refreshToken, grant);
    token = google.state.issueAccessToken(grant).access_token;
  }
  const connection = await createConnection(stack.db.pool, stack.keyRing, {
    accountId,
    provider: platform,
    accessToken: token,
    refreshToken: platform === 'google' ? `1//${user}` : undefined,
    expiresInSeconds: opts.tokenSeconds ?? 3600,
    scope: 'ads',
  });
  const variantId = await approvedCopy(campaign.id, platform);
  return { account, accountId, campaign, connectionId: connection.id, variantId, user, token };
}

const artworkKnown = (campaignId: string) =>
  waitFor(
    'the release artwork',
    async () => (await findCampaignById(stack.db.pool, campaignId))?.artworkUrl,
    (url) => Boolean(url),
    30_000,
  );

const approvedCopy = (campaignId: string, platform: 'meta' | 'google', approved = true) =>
  approvedCopyRow(stack.db.pool, campaignId, platform, approved);

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const metaBody = (extra: Record<string, unknown> = {}) => ({
  platform: 'meta',
  budget: { amount: 5000, currency: 'USD' },
  endAt: inSeconds(7 * 86_400),
  countries: ['US', 'GB'],
  objective: 'traffic',
  adAccountId: 'act_1001',
  pageId: '2002',
  ...extra,
});
const googleBody = (extra: Record<string, unknown> = {}) => ({
  platform: 'google',
  budget: { amount: 10_000, currency: 'USD' },
  endAt: inSeconds(2 * 86_400),
  countries: ['US'],
  objective: 'traffic',
  customerId: '123-456-7890',
  youtubeVideoId: 'dQw4w9WgXcQ',
  ...extra,
});

async function createAds(account: Account, campaignId: string, body: object) {
  return http.post(`${stack.api.url}/v1/campaigns/${campaignId}/ads`, body, { headers: account.headers });
}
async function adsOf(account: Account, campaignId: string) {
  const res = await http.get(`${stack.api.url}/v1/campaigns/${campaignId}/ads`, { headers: account.headers });
  expect(res.status).toBe(200);
  return res.data.items as {
    id: string;
    state: string;
    lastError: { code: string; message: string } | null;
    objects: { type: string; id: string; status: string; removed: boolean }[];
    launchedAt: string | null;
    endedAt: string | null;
    insights: Record<string, unknown>;
  }[];
}
const untilState = (account: Account, campaignId: string, adId: string, states: string[], timeoutMs = 60_000) =>
  waitFor(
    `ad campaign ${adId} in ${states.join('/')}`,
    async () => (await adsOf(account, campaignId)).find((a) => a.id === adId)!,
    (a) => states.includes(a.state),
    timeoutMs,
  );
// Tests share the simulator with every workflow still running: faults are scoped to the test's user, calls read by user.
const callsOf = (user: string) => marketing().calls.filter((c) => c.user === user);
const metaCalls = (user: string, name: string) => callsOf(user).filter((c) => c.path.includes(name));
async function metaFault(fault: Record<string, unknown> & { user: string; step: string }) {
  expect((await http.post(`${meta.url}/__control/marketing/faults`, fault)).status).toBe(200);
  return marketing().faults.at(-1)!;
}
const historyOf = async (workflowId: string) =>
  (await stack.temporal.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];

describe('Meta', () => {
  it('creates campaign → ad set → creative → ad paused, launches at the release instant and pauses at the end', async () => {
    const { account, campaign } = await artistReadyFor('meta', { secondsAhead: 8 });
    const release = (await findCampaignById(stack.db.pool, campaign.id))!.releaseAt;
    const endAt = Date.now() + 12_000;
    const created = await createAds(account, campaign.id, metaBody({ endAt: new Date(endAt).toISOString() }));
    expect(created.status).toBe(202);
    expect(created.data).toMatchObject({
      platform: 'meta',
      state: 'creating',
      budget: { amount: 5000, currency: 'USD' },
      adAccountId: 'act_1001',
      objects: [],
      startAt: null,
      launchAt: new Date(release).toISOString(),
    });

    const scheduled = await untilState(account, campaign.id, created.data.id, ['scheduled', 'active']);
    expect(scheduled.objects.map((o) => o.type)).toEqual(['campaign', 'adset', 'creative', 'ad']);
    const [c, s, cr, a] = scheduled.objects.map((o) => marketing().objects.get(o.id)!);
    expect(c).toMatchObject({
      kind: 'campaign',
      accountId: '1001',
      fields: { objective: 'OUTCOME_TRAFFIC', special_ad_categories: [] },
    });
    expect(s).toMatchObject({
      kind: 'adset',
      parentId: c.id,
      fields: {
        lifetime_budget: 5000,
        billing_event: 'IMPRESSIONS',
        optimization_goal: 'LINK_CLICKS',
        targeting: { geo_locations: { countries: ['US', 'GB'] } },
      },
    });
    expect(cr).toMatchObject({
      kind: 'adcreative',
      fields: {
        object_story_spec: {
          page_id: '2002',
          link_data: {
            link: `${stack.api.url}/l/${campaign.slug}`,
            message: 'The new single from Luna Vey. Listen now.',
            name: 'Midnight Sun out now',
          },
        },
      },
    });
    expect(a).toMatchObject({ kind: 'ad', parentId: s.id, fields: { creative: { creative_id: cr.id } } });
    // created paused: nothing delivers before the release
    const ours = new Set(scheduled.objects.map((o) => `/${o.id}`));
    // the DB says scheduled before the workflow has looked the launch instant up: wait for the lookup
    const progress = await waitFor(
      'the launch instant in the progress query',
      () => stack.temporal.client.workflow.getHandle(`ad-campaign:${created.data.id}`).query(adCampaignProgressQuery),
      (p) => p.launchAt !== null,
      30_000,
    );
    expect(progress).toMatchObject({
      state: 'scheduled',
      created: ['campaign', 'adset', 'creative', 'ad'],
      launchAt: release,
    });
    const statusWrites = () =>
      marketing().calls.filter((x) => x.step === 'status' && x.status === 200 && ours.has(x.path));
    expect(statusWrites()).toHaveLength(0);
    expect([c.status, s.status, a.status]).toEqual(['PAUSED', 'PAUSED', 'PAUSED']);

    const active = await untilState(account, campaign.id, created.data.id, ['active', 'ended'], 30_000);
    expect([c.status, s.status, a.status]).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
    const firstActivation = statusWrites()[0].at;
    expect(firstActivation).toBeGreaterThanOrEqual(release);
    expect(Date.parse(active.launchedAt!)).toBeGreaterThanOrEqual(release);

    const ended = await untilState(account, campaign.id, created.data.id, ['ended'], 30_000);
    expect(c.status).toBe('PAUSED');
    expect(Date.parse(ended.endedAt!)).toBeGreaterThanOrEqual(endAt);
    expect(statusWrites().at(-1)!.at).toBeGreaterThanOrEqual(endAt);
    expect(await stack.temporal.client.workflow.getHandle(`ad-campaign:${created.data.id}`).result()).toBe('ended');
  });

  it('a step whose outcome was lost (created, then an error) is retried without creating a second object', async () => {
    const { account, campaign, user } = await artistReadyFor('meta');
    await metaFault({
      user,
      step: 'adsets',
      code: 2,
      message: 'An unexpected error has occurred. Please retry your request later.',
      afterWrite: true,
    });
    const created = await createAds(account, campaign.id, metaBody());
    const scheduled = await untilState(account, campaign.id, created.data.id, ['scheduled']);
    const adsetName = `dropday:${created.data.id}:adset`;
    expect(
      marketing()
        .byKind('adset')
        .filter((o) => o.name === adsetName && !o.deleted),
    ).toHaveLength(1);
    expect(scheduled.objects.find((o) => o.type === 'adset')!.id).toBe(
      marketing()
        .byKind('adset')
        .find((o) => o.name === adsetName)!.id,
    );
    expect(callsOf(user).filter((x) => x.step === 'adsets' && x.code === 2)).toHaveLength(1);
  });

  it("a failure at the ad step deletes the creative, the ad set and the campaign, and shows Meta's message", async () => {
    const { account, campaign, user } = await artistReadyFor('meta');
    await metaFault({
      user,
      step: 'ads',
      code: 100,
      subcode: 1487390,
      message: '(#100) Invalid parameter',
      userTitle: 'Ad rejected',
      userMessage: 'Your ad text mentions a prohibited claim. Edit the copy and try again.',
    });
    const created = await createAds(account, campaign.id, metaBody());
    expect(created.status).toBe(202);
    const failed = await untilState(account, campaign.id, created.data.id, ['failed']);
    expect(failed.lastError).toEqual({
      code: 'provider_rejected',
      message: 'Your ad text mentions a prohibited claim. Edit the copy and try again.',
      step: 'ad',
    });
    expect(failed.objects.map((o) => [o.type, o.removed])).toEqual([
      ['campaign', true],
      ['adset', true],
      ['creative', true],
    ]);
    for (const o of failed.objects)
      expect(marketing().objects.get(o.id)).toMatchObject({ deleted: true, status: 'DELETED' });
    // undone newest first, and the rejected ad was not retried
    const deletes = callsOf(user)
      .filter((x) => x.step === 'delete' && x.status === 200)
      .map((x) => x.path.split('/').pop());
    expect(deletes).toEqual([failed.objects[2].id, failed.objects[1].id, failed.objects[0].id]);
    expect(callsOf(user).filter((x) => x.step === 'ads' && x.code === 100)).toHaveLength(1);
  });

  it('cancel during creation undoes what was created, including the creative whose create call was in flight', async () => {
    const { account, campaign, user } = await artistReadyFor('meta');
    const slow = await metaFault({ user, step: 'adcreatives', code: 0, hold: true }); // the creative's create call waits at Meta
    const created = await createAds(account, campaign.id, metaBody());
    const adId = created.data.id as string;
    await waitFor(
      'the creative call to reach Meta',
      async () => slow.hits,
      (n) => n === 1,
      30_000,
    );
    const cancel = await cancelAd(stack, account, campaign.id, adId);
    expect(cancel.status).toBe(202);
    expect(cancel.data.cancelRequested).toBe(true);
    // Meta answers only once the workflow has asked for the in-flight create to be cancelled
    await waitFor(
      'the workflow to cancel the creative step',
      () => historyOf(`ad-campaign:${adId}`),
      (events) => events.some((e) => e.activityTaskCancelRequestedEventAttributes),
      30_000,
    );
    await http.post(`${meta.url}/__control/marketing/faults/release`, {});
    const cancelled = await untilState(account, campaign.id, adId, ['cancelled']);
    // the creative being made when the cancel came is undone as well; no ad was created
    expect(cancelled.objects.map((o) => [o.type, o.removed])).toEqual([
      ['campaign', true],
      ['adset', true],
      ['creative', true],
    ]);
    for (const o of cancelled.objects) expect(marketing().objects.get(o.id)!.deleted).toBe(true);
    expect(
      marketing()
        .byKind('ad')
        .some((o) => o.name.includes(adId)),
    ).toBe(false);
    await expect(stack.temporal.client.workflow.getHandle(`ad-campaign:${adId}`).result()).rejects.toThrow();
    expect((await cancelAd(stack, account, campaign.id, adId)).status).toBe(409);
  });

  it('a cancel while a create whose answer was lost is retrying deletes the object that create made', async () => {
    const { account, campaign, user } = await artistReadyFor('meta');
    // Meta makes the creative but answers an error; from then on every look for it by name fails, so it is never recorded
    const lost = await metaFault({ user, step: 'adcreatives', code: 2, afterWrite: true, hold: true });
    const created = await createAds(account, campaign.id, metaBody());
    const adId = created.data.id as string;
    await waitFor(
      'the creative call to reach Meta',
      async () => lost.hits,
      (n) => n === 1,
      30_000,
    );
    const lookups = await metaFault({ user, step: 'read', path: '/adcreatives', code: 2, times: 1_000 });
    await http.post(`${meta.url}/__control/marketing/faults/release`, {});
    await waitFor(
      'the creative step to retry',
      async () => lookups.hits,
      (n) => n >= 1,
      30_000,
    );
    const made = marketing()
      .byKind('adcreative')
      .find((o) => o.name === `dropday:${adId}:creative`)!;
    expect(made.deleted).toBe(false);
    expect((await adsOf(account, campaign.id)).find((a) => a.id === adId)!.objects.map((o) => o.type)).toEqual([
      'campaign',
      'adset',
    ]);

    expect((await cancelAd(stack, account, campaign.id, adId)).status).toBe(202);
    // the cancelled step has stopped (cancelled in its retry wait, or its last attempt failed and is not retried): Meta may answer again
    await waitFor(
      'the creative step to stop',
      () => historyOf(`ad-campaign:${adId}`),
      (events) => events.some((e) => e.activityTaskCanceledEventAttributes || e.activityTaskFailedEventAttributes),
      30_000,
    );
    lookups.times = 0;
    const cancelled = await untilState(account, campaign.id, adId, ['cancelled']);
    expect(cancelled.objects.map((o) => [o.type, o.id, o.removed])).toEqual([
      ['campaign', expect.any(String), true],
      ['adset', expect.any(String), true],
      ['creative', made.id, true],
    ]);
    expect(made).toMatchObject({ deleted: true, status: 'DELETED' });
    expect(
      marketing()
        .byKind('adcreative')
        .filter((o) => o.name === made.name),
    ).toHaveLength(1);
    await expect(stack.temporal.client.workflow.getHandle(`ad-campaign:${adId}`).result()).rejects.toThrow(/cancel/i);
  });

  it('a token error (code 190) marks the connection needs_reconnect and is not retried', async () => {
    const { account, campaign, connectionId, user } = await artistReadyFor('meta');
    meta.state.revokedUsers.add(user); // e.g. the artist changed their Facebook password
    const created = await createAds(account, campaign.id, metaBody());
    const failed = await untilState(account, campaign.id, created.data.id, ['failed']);
    expect(failed.lastError).toMatchObject({
      code: 'connection_needs_reconnect',
      message: expect.stringContaining('Reconnect Meta'),
    });
    expect(failed.objects).toEqual([]);
    expect(metaCalls(user, '/campaigns').map((x) => x.code)).toEqual([190]); // looked up once, refused, never retried
    const status = await stack.db.pool.oneFirst(
      sql.type(z.object({ status: z.string() }))`SELECT status FROM connections WHERE id = ${connectionId}`,
    );
    expect(status).toBe('needs_reconnect');
    expect(
      await stack.db.pool.exists(
        sql.unsafe`SELECT 1 FROM notifications WHERE dedupe_key = ${`reconnect:${connectionId}`}`,
      ),
    ).toBe(true);
    const again = await createAds(account, campaign.id, metaBody());
    expect(again.status).toBe(409);
    expect(again.data.error).toMatchObject({
      code: 'connection_required',
      details: { connectionStatus: 'needs_reconnect' },
    });
  });

  it("the connection's token workflow leaves a connection an ad campaign found refused as needs_reconnect (no revoke)", async () => {
    const { account, campaign, connectionId, user } = await artistReadyFor('meta', { tokenSeconds: 4 });
    const tokenWorkflow = await stack.temporal.client.workflow.start(connectionTokenWorkflow, {
      workflowId: `connection:${connectionId}`,
      taskQueue: stack.temporal.taskQueue,
      args: [{ connectionId, refreshMarginMs: 1_000 }],
    });
    meta.state.revokedUsers.add(user);
    const created = await createAds(account, campaign.id, metaBody());
    await untilState(account, campaign.id, created.data.id, ['failed']);
    expect(await tokenWorkflow.result()).toBe('needs_reconnect');
    const status = await stack.db.pool.oneFirst(
      sql.type(z.object({ status: z.string() }))`SELECT status FROM connections WHERE id = ${connectionId}`,
    );
    expect(status).toBe('needs_reconnect');
    expect(meta.state.calls.filter((c) => c.kind === 'revoke' && c.user === user)).toEqual([]);
  });

  it('throttling (code 17) is retried after the wait the usage headers announce', async () => {
    const { account, campaign, user } = await artistReadyFor('meta');
    // the user's window of 4 s starts at their first call, however long the workflow took to make it
    await http.post(`${meta.url}/__control/marketing/throttle`, { code: 17, seconds: 4, regainMinutes: 0, user });
    const created = await createAds(account, campaign.id, metaBody());
    await untilState(account, campaign.id, created.data.id, ['scheduled']);
    const calls = callsOf(user);
    const throttled = calls.filter((x) => x.code === 17);
    expect(throttled).toHaveLength(1); // one refused call, then a wait as long as Meta asked — not the 1 s backoff
    const next = calls[calls.indexOf(throttled[0]) + 1];
    expect(next.at - throttled[0].at).toBeGreaterThanOrEqual(3_500);
    expect(next.status).toBe(200);
  });
});

describe('Google Ads', () => {
  it('creates budget → Demand Gen campaign → countries → ad group → ad paused through a manager, launches at startAt and pauses at the end', async () => {
    const { account, campaign } = await artistReadyFor('google');
    await http.post(`${google.url}/__control/ads/customers`, { customerId: '2223334444', managerId: '9876543210' }); // reached only through the manager
    const startAt = Date.now() + 6_000;
    const endAt = startAt + 4_000;
    const created = await createAds(
      account,
      campaign.id,
      googleBody({
        customerId: '222-333-4444',
        countries: ['US', 'DE'],
        startAt: new Date(startAt).toISOString(),
        endAt: new Date(endAt).toISOString(),
        loginCustomerId: '987-654-3210',
      }),
    );
    expect(created.status).toBe(202);
    expect(created.data).toMatchObject({ customerId: '2223334444', loginCustomerId: '9876543210' });
    const scheduled = await untilState(account, campaign.id, created.data.id, ['scheduled', 'active']);
    expect(scheduled.objects.map((o) => o.type)).toEqual(['budget', 'campaign', 'targeting', 'ad_group', 'ad']);
    const idOf = Object.fromEntries(scheduled.objects.map((o) => [o.type, o.id]));
    const [budget, camp, group, ad] = [idOf.budget, idOf.campaign, idOf.ad_group, idOf.ad].map((id) =>
      googleAds().objects.get(id)!,
    );
    const criteria = idOf.targeting.split(',').map((id) => googleAds().objects.get(id)!);
    expect(criteria.map((c) => c.fields)).toEqual([
      { campaign: camp.resourceName, location: { geoTargetConstant: 'geoTargetConstants/2840' } },
      { campaign: camp.resourceName, location: { geoTargetConstant: 'geoTargetConstants/2276' } },
    ]);
    // 100.00 USD over a flight of under a day: one day's budget of 100.00 USD, in micros as a string
    expect(budget.fields).toMatchObject({
      amountMicros: '100000000',
      deliveryMethod: 'STANDARD',
      explicitlyShared: false,
    });
    expect(camp.fields).toMatchObject({
      advertisingChannelType: 'DEMAND_GEN',
      campaignBudget: budget.resourceName,
      containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
      targetSpend: {},
    });
    expect(group.fields).toMatchObject({ campaign: camp.resourceName });
    expect(ad.fields).toMatchObject({
      adGroup: group.resourceName,
      ad: {
        finalUrls: [`${stack.api.url}/l/${campaign.slug}`],
        demandGenVideoResponsiveAd: {
          headlines: [{ text: 'Midnight Sun out now' }],
          businessName: { text: 'Luna Vey' },
        },
      },
    });
    expect([camp.status, group.status, ad.status]).toEqual(['PAUSED', 'PAUSED', 'PAUSED']);
    // The logo: the release artwork (the simulator's 640 px cover) as an image asset named after the ad.
    const info = (ad.fields.ad as { demandGenVideoResponsiveAd: { logoImages: { asset: string }[] } })
      .demandGenVideoResponsiveAd;
    const logo = googleAds().objects.get(info.logoImages[0].asset)!;
    expect(logo.fields).toMatchObject({ name: `dropday:${created.data.id}:ad:logo`, type: 'IMAGE' });
    const logoData = (logo.fields.imageAsset as { data: string }).data;
    expect(imageInfo(Buffer.from(logoData, 'base64'))).toEqual({ format: 'png', width: 640, height: 640 });

    const active = await untilState(account, campaign.id, created.data.id, ['active', 'ended'], 30_000);
    expect(Date.parse(active.launchedAt!)).toBeGreaterThanOrEqual(startAt);
    expect([camp.status, group.status, ad.status]).toEqual(['ENABLED', 'ENABLED', 'ENABLED']);
    const ended = await untilState(account, campaign.id, created.data.id, ['ended'], 30_000);
    expect(camp.status).toBe('PAUSED');
    expect(Date.parse(ended.endedAt!)).toBeGreaterThanOrEqual(endAt);
  });

  it('a quota error is retried after retryDelay; a rejected ad undoes the ad group, targeting, campaign and budget', async () => {
    const { account, campaign } = await artistReadyFor('google');
    await http.post(`${google.url}/__control/ads/quota`, { seconds: 3, retryDelaySeconds: 4 });
    await http.post(`${google.url}/__control/ads/faults`, {
      service: 'adGroupAds',
      httpStatus: 400,
      status: 'INVALID_ARGUMENT',
      errorCode: { policyFindingError: 'POLICY_FINDING' },
      message: 'The ad violates the Unreliable claims policy.',
    });
    const before = googleAds().calls.length;
    const created = await createAds(account, campaign.id, googleBody());
    const failed = await untilState(account, campaign.id, created.data.id, ['failed']);
    const calls = googleAds().calls.slice(before);
    const throttled = calls.filter((c) => c.errorCode === 'RESOURCE_TEMPORARILY_EXHAUSTED');
    expect(throttled).toHaveLength(1);
    expect(calls[calls.indexOf(throttled[0]) + 1].at - throttled[0].at).toBeGreaterThanOrEqual(3_500);
    expect(failed.lastError).toEqual({
      code: 'provider_rejected',
      message: 'The ad violates the Unreliable claims policy.',
      step: 'ad',
    });
    expect(failed.objects.map((o) => [o.type, o.removed])).toEqual([
      ['budget', true],
      ['campaign', true],
      ['targeting', true],
      ['ad_group', true],
    ]);
    for (const o of failed.objects.filter((x) => x.type !== 'targeting'))
      expect(googleAds().objects.get(o.id)!.status).toBe('REMOVED');
  });

  it('the logo: a CDN outage is retried; artwork Google cannot use fails the ads with the reason and undoes them', async () => {
    const imageCalls = () =>
      stack.spotify.state
        .calls()
        .filter((c) => c.path.startsWith('/image/'))
        .map((c) => c.status);
    const first = await artistReadyFor('google');
    const before = imageCalls().length;
    await http.post(`${stack.spotify.url}/__control/faults`, { kind: '5xx', path: '/image/', count: 2 });
    const created = await createAds(first.account, first.campaign.id, googleBody());
    expect(created.status).toBe(202);
    await untilState(first.account, first.campaign.id, created.data.id, ['scheduled', 'active']);
    expect(imageCalls().slice(before)).toEqual([503, 503, 200]);

    // Artwork too small for a logo (a 64 px cover): no retry, the reason kept, everything made so far removed.
    const second = await artistReadyFor('google');
    await stack.db.pool.query(sql.unsafe`
      UPDATE campaigns SET artwork_url = replace(artwork_url, 'sandbox-640-', 'sandbox-64-') WHERE id = ${second.campaign.id}`);
    const refused = await createAds(second.account, second.campaign.id, googleBody());
    const failed = await untilState(second.account, second.campaign.id, refused.data.id, ['failed']);
    expect(failed.lastError).toEqual({
      code: 'release_artwork_unusable',
      message: "The release artwork cannot be the Google ad's logo: it is 64x64 pixels, smaller than 128x128.",
      step: 'ad',
    });
    expect(failed.objects.map((o) => [o.type, o.removed])).toEqual([
      ['budget', true],
      ['campaign', true],
      ['targeting', true],
      ['ad_group', true],
    ]);

    // A release not on Spotify yet has no artwork, and an artist without a Spotify id no picture: refused at once,
    // nothing created.
    const notYet = await createCampaign(stack, second.account, 'Not on Spotify yet');
    await approvedCopy(notYet.id, 'google');
    const early = await createAds(second.account, notYet.id, googleBody());
    expect(early.status).toBe(409);
    expect(early.data.error).toMatchObject({
      code: 'logo_image_required',
      message: expect.stringMatching(
        /once the release is on Spotify, or for an artist created with its spotifyArtistId$/,
      ),
      details: { resolution: 'unresolved', artistSpotifyId: null },
    });
    expect(await adsOf(second.account, notYet.id)).toEqual([]);
  });

  it("before the release is on Spotify the logo is the artist's Spotify picture; an artist without one fails the ads with the reason", async () => {
    // The artist is on Spotify already (an earlier single); this campaign's release is not listed yet.
    const artistId = addRelease(stack, nextUpc(), Date.now() - 86_400_000).artist.id;
    const { account, campaign } = await artistReadyFor('google', { spotifyArtistId: artistId, listed: false });
    const created = await createAds(account, campaign.id, googleBody());
    expect(created.status).toBe(202);
    const scheduled = await untilState(account, campaign.id, created.data.id, ['scheduled', 'active']);
    expect((await findCampaignById(stack.db.pool, campaign.id))?.artworkUrl).toBeNull();
    const ad = googleAds().objects.get(scheduled.objects.find((o) => o.type === 'ad')!.id)!;
    const info = (ad.fields.ad as { demandGenVideoResponsiveAd: { logoImages: { asset: string }[] } })
      .demandGenVideoResponsiveAd;
    const logo = googleAds().objects.get(info.logoImages[0].asset)!;
    expect(logo.fields).toMatchObject({ name: `dropday:${created.data.id}:ad:logo`, type: 'IMAGE' });
    // The largest picture Spotify lists for the artist (640 px), byte for byte.
    const picture = await http.get(`${stack.spotify.url}/image/sandbox-640-${artistId}`, {
      responseType: 'arraybuffer',
    });
    expect(picture.status).toBe(200);
    const logoData = Buffer.from((logo.fields.imageAsset as { data: string }).data, 'base64');
    expect(logoData.equals(Buffer.from(picture.data as ArrayBuffer))).toBe(true);
    expect(imageInfo(logoData)).toEqual({ format: 'png', width: 640, height: 640 });

    // An artist whose Spotify profile has no picture: the reason kept, everything made so far removed.
    const pictureless = stack.spotify.state.addRelease({
      artist: { name: 'Luna Vey', picture: false },
      album: { name: 'Earlier', upc: nextUpc(), tracks: [{ name: 'Earlier', isrc: 'USRC29900001' }] },
      liveAt: Date.now() - 86_400_000,
    }).artist.id;
    const second = await artistReadyFor('google', { spotifyArtistId: pictureless, listed: false });
    const refused = await createAds(second.account, second.campaign.id, googleBody());
    expect(refused.status).toBe(202);
    const failed = await untilState(second.account, second.campaign.id, refused.data.id, ['failed']);
    expect(failed.lastError).toEqual({
      code: 'artist_picture_missing',
      message: expect.stringContaining('Add a square picture of at least 128x128 pixels on Spotify for Artists'),
      step: 'ad',
    });
    expect(failed.objects.map((o) => [o.type, o.removed])).toEqual([
      ['budget', true],
      ['campaign', true],
      ['targeting', true],
      ['ad_group', true],
    ]);
  });

  it('a revoked grant (401, then invalid_grant on refresh) marks the connection needs_reconnect', async () => {
    const { account, campaign, connectionId, user } = await artistReadyFor('google');
    google.state.revokeUser(user);
    const created = await createAds(account, campaign.id, googleBody());
    const failed = await untilState(account, campaign.id, created.data.id, ['failed']);
    expect(failed.lastError).toMatchObject({ code: 'connection_needs_reconnect' });
    const status = await stack.db.pool.oneFirst(
      sql.type(z.object({ status: z.string() }))`SELECT status FROM connections WHERE id = ${connectionId}`,
    );
    expect(status).toBe('needs_reconnect');
    expect(
      google.state.calls.filter((c) => c.user === user && c.grantType === 'refresh_token').map((c) => c.status),
    ).toEqual([400]);
  });
});

describe('following the release', () => {
  it('a rescheduled release moves the launch; cancelling the release cancels its ads', async () => {
    const { account, campaign } = await artistReadyFor('meta', { secondsAhead: 3600 });
    const created = await createAds(account, campaign.id, metaBody());
    await untilState(account, campaign.id, created.data.id, ['scheduled']);
    const moved = releaseInSeconds(3);
    const patch = await http.patch(
      `${stack.api.url}/v1/campaigns/${campaign.id}`,
      { releaseDate: moved.releaseDate, releaseTime: moved.releaseTime },
      { headers: account.headers },
    );
    expect(patch.status).toBe(200);
    const active = await untilState(account, campaign.id, created.data.id, ['active'], 30_000);
    expect(Date.parse(active.launchedAt!)).toBeGreaterThanOrEqual(moved.at);
    expect(Date.parse(active.launchedAt!)).toBeLessThan(moved.at + 30_000); // not an hour later

    const later = await artistReadyFor('meta', { secondsAhead: 3600 });
    const ads = await createAds(later.account, later.campaign.id, metaBody());
    await untilState(later.account, later.campaign.id, ads.data.id, ['scheduled']);
    expect(
      (
        await http.post(
          `${stack.api.url}/v1/campaigns/${later.campaign.id}/cancel`,
          {},
          { headers: later.account.headers },
        )
      ).status,
    ).toBe(200);
    const cancelled = await untilState(later.account, later.campaign.id, ads.data.id, ['cancelled']);
    expect(cancelled.objects.map((o) => o.removed)).toEqual([true, true, true, true]);
  });
});

describe('insights', () => {
  it('are synced into PostgreSQL by the Schedule and summed by GET /v1/campaigns/:id/ads', async () => {
    const { account, campaign } = await artistReadyFor('meta');
    const created = await createAds(account, campaign.id, metaBody({ startAt: inSeconds(1) }));
    const active = await untilState(account, campaign.id, created.data.id, ['active']);
    const metaCampaign = active.objects.find((o) => o.type === 'campaign')!.id;
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await http.post(`${meta.url}/__control/marketing/delivery`, {
      objectId: metaCampaign,
      date: yesterday,
      spend: 12.34,
      impressions: 1000,
      clicks: 40,
      conversions: 3,
    });
    await http.post(`${meta.url}/__control/marketing/delivery`, {
      objectId: metaCampaign,
      date: today,
      spend: 5,
      impressions: 500,
      clicks: 10,
      conversions: 1,
    });

    const scheduleId = `${AD_INSIGHTS_SCHEDULE_ID}-${stack.temporal.taskQueue}`;
    await createSchedule(stack.temporal.client, stack.temporal.taskQueue, AD_INSIGHTS_SCHEDULE_ID, scheduleId);
    const schedule = stack.temporal.client.schedule.getHandle(scheduleId);
    try {
      expect((await schedule.describe()).action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'adInsightsSyncWorkflow',
      });
      await schedule.trigger();
      const synced = await waitFor(
        'insights',
        async () => (await adsOf(account, campaign.id)).find((a) => a.id === created.data.id)!,
        (a) => a.insights.days === 2,
        30_000,
      );
      expect(synced.insights).toMatchObject({
        spend: { amount: 1734, currency: 'USD' },
        impressions: 1500,
        clicks: 50,
        conversions: 4,
        days: 2,
        syncedAt: expect.any(String),
      });
      const rows = await stack.db.pool.any(sql.type(z.object({ date: z.string(), spend: z.coerce.number() }))`
        SELECT to_char(date, 'YYYY-MM-DD') AS date, spend_minor AS spend FROM ad_insights WHERE ad_campaign_id = ${created.data.id} ORDER BY date`);
      expect(rows).toEqual([
        { date: yesterday, spend: 1234 },
        { date: today, spend: 500 },
      ]);
    } finally {
      await schedule.delete();
    }
    await cancelAd(stack, account, campaign.id, created.data.id);
    const cancelled = await untilState(account, campaign.id, created.data.id, ['cancelled']);
    // after launch a cancel pauses (the spend stays visible) rather than deleting
    expect(cancelled.objects.every((o) => !o.removed)).toBe(true);
    expect(marketing().objects.get(metaCampaign)!.status).toBe('PAUSED');
  });
});

describe('API', () => {
  it('needs approved copy, an active connection and a valid body; another account sees 404', async () => {
    const { account, campaign, variantId: metaVariant } = await artistReadyFor('meta');
    const noGoogle = await createAds(account, campaign.id, googleBody());
    expect(noGoogle.status).toBe(409);
    expect(noGoogle.data.error.code).toBe('connection_required');

    const other = await artistReadyFor('google');
    const unapproved = await approvedCopy(other.campaign.id, 'google', false);
    const notApproved = await createAds(other.account, other.campaign.id, googleBody({ copyVariantId: unapproved }));
    expect(notApproved.status).toBe(409);
    expect(notApproved.data.error.code).toBe('ad_copy_not_approved');
    const wrongPlatform = await createAds(other.account, other.campaign.id, googleBody({ copyVariantId: metaVariant }));
    expect(wrongPlatform.status).toBe(409);
    await stack.db.pool.query(
      sql.unsafe`UPDATE ad_copy_variants SET approved_at = NULL WHERE campaign_id = ${other.campaign.id}`,
    );
    const noCopy = await createAds(other.account, other.campaign.id, googleBody());
    expect(noCopy.data.error).toMatchObject({
      code: 'ad_copy_not_approved',
      message: expect.stringContaining('no approved google ad copy'),
    });

    for (const [body, path] of [
      [metaBody({ budget: { amount: 12.5, currency: 'USD' } }), 'budget.amount'],
      [metaBody({ budget: { amount: 1000, currency: 'XYZ' } }), 'budget.currency'],
      [metaBody({ countries: ['QQ'] }), 'countries.0'],
      [metaBody({ countries: [] }), 'countries'],
      [metaBody({ objective: 'conversions' }), 'objective'],
      [metaBody({ adAccountId: 'abc' }), 'adAccountId'],
      [metaBody({ endAt: inSeconds(-60) }), 'endAt'],
      [metaBody({ startAt: inSeconds(600), endAt: inSeconds(300) }), 'endAt'],
    ] as const) {
      const res = await createAds(account, campaign.id, body);
      expect(res.status).toBe(400);
      expect(res.data.error.code).toBe('validation_failed');
      expect(res.data.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(await adsOf(account, campaign.id)).toEqual([]); // bad input changes nothing

    // without copyVariantId: the latest approved variant of this campaign and platform
    await new Promise((r) => setTimeout(r, 20));
    const newer = await approvedCopy(campaign.id, 'meta');
    const latest = await createAds(account, campaign.id, metaBody());
    expect(latest.status).toBe(202);
    expect(latest.data.copyVariantId).toBe(newer);
    const chosen = await createAds(account, campaign.id, metaBody({ copyVariantId: metaVariant }));
    expect(chosen.data.copyVariantId).toBe(metaVariant);
    for (const id of [latest.data.id, chosen.data.id]) await cancelAd(stack, account, campaign.id, id);

    const stranger = await artistAccount(stack);
    expect((await createAds(stranger, campaign.id, metaBody())).status).toBe(404);
    expect(
      (await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/ads`, { headers: stranger.headers })).status,
    ).toBe(404);
  });
});
