// Ad automation as plans and packages sell it, on the real POST /v1/campaigns/{id}/ads with Stripe (stripe-mock and
// signed webhooks), the Google OAuth and Ads simulators and the worker: a free account is refused with the documented
// 402 and nothing is created; the same request passes once the account is Pro; and a YouTube Premiere package bought
// through checkout gives its campaign Google ads promoting the package's video in the package's countries.
import { z } from 'zod';
import { findCampaignById } from '../../db/campaigns';
import { sql } from '../../db/pool';
import { startGoogleSimulator } from '../../simulators/google';
import { adsState, SANDBOX_DEVELOPER_TOKEN } from '../../simulators/google/ads';
import { approvedCopy, approvedCopyThroughApi, connectGoogle } from '../helpers/ads';
import { GOOGLE_APP, googleEnv } from '../helpers/ad-simulators';
import { artistAccount, createCampaign, http, liveAlbumUpc, useReleaseStack, waitFor } from '../helpers/release-stack';
import { deliver, newId, packageSession, stripeEnv, stripeEvent, subscriptionObject } from '../helpers/stripe';

let google: Awaited<ReturnType<typeof startGoogleSimulator>>;
beforeAll(async () => {
  google = await startGoogleSimulator(GOOGLE_APP);
});
const stack = useReleaseStack(() => ({
  env: {
    ...stripeEnv(),
    ...googleEnv(google),
    GOOGLE_ADS_API_URL: google.url,
    GOOGLE_ADS_DEVELOPER_TOKEN: SANDBOX_DEVELOPER_TOKEN,
  },
}));
afterAll(async () => {
  await google?.close();
});

type Account = Awaited<ReturnType<typeof artistAccount>>;
const accountIdOf = (account: Account) =>
  stack.db.pool.oneFirst(
    sql.type(z.object({ id: z.string() }))`SELECT account_id AS id FROM artists WHERE id = ${account.artistId}`,
  );
const adsUrl = (campaignId: string) => `${stack.api.url}/v1/campaigns/${campaignId}/ads`;
const googleAd = (extra: Record<string, unknown> = {}) => ({
  platform: 'google',
  budget: { amount: 10_000, currency: 'USD' },
  endAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
  objective: 'traffic',
  customerId: '123-456-7890',
  ...extra,
});

/** A campaign of an album already live on Spotify (so its artwork, the ad's logo, is known), and a Google connection. */
async function readyForGoogleAds(account: Account, title: string) {
  const campaign = await createCampaign(stack, account, title, { upc: liveAlbumUpc(stack) });
  await waitFor(
    'the release artwork',
    async () => (await findCampaignById(stack.db.pool, campaign.id))?.artworkUrl,
    Boolean,
    30_000,
  );
  await connectGoogle(stack, google, account, `advertiser-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`);
  return campaign;
}

const untilScheduled = (account: Account, campaignId: string, adId: string) =>
  waitFor(
    `ad campaign ${adId} scheduled`,
    async () =>
      (
        (await http.get(adsUrl(campaignId), { headers: account.headers })).data.items as { id: string; state: string }[]
      ).find((a) => a.id === adId)!,
    (a) => ['scheduled', 'active', 'failed'].includes(a.state),
  );

describe('the ad automation plan gate on the real route', () => {
  it('refuses a free account with 402 plan_upgrade_required and creates nothing; lets it through once Pro', async () => {
    const account = await artistAccount(stack);
    const campaign = await readyForGoogleAds(account, 'Gate');
    await approvedCopy(stack.db.pool, campaign.id, 'google'); // a free plan may not request copy either
    const body = googleAd({ countries: ['US'], youtubeVideoId: 'dQw4w9WgXcQ' });

    const refused = await http.post(adsUrl(campaign.id), body, { headers: account.headers });
    expect(refused.status).toBe(402);
    expect(refused.data).toEqual({
      error: {
        code: 'plan_upgrade_required',
        message: 'the Free plan does not include ad automation: upgrade to use it',
        details: {
          feature: 'adAutomation',
          tier: 'free',
          upgrade: {
            method: 'POST',
            url: `${stack.api.url}/v1/billing/checkout`,
            body: { kind: 'subscription', tier: 'pro' },
          },
        },
      },
    });
    expect((await http.get(adsUrl(campaign.id), { headers: account.headers })).data.items).toEqual([]);
    expect(adsState(google.state).calls.filter((c) => c.path.includes('1234567890'))).toEqual([]);

    const subscribed = await deliver(
      stack.api.url,
      stripeEvent(
        'customer.subscription.created',
        subscriptionObject({
          id: newId('sub'),
          customer: newId('cus'),
          status: 'active',
          tier: 'pro',
          accountId: await accountIdOf(account),
        }),
      ),
    );
    expect(subscribed.data.outcome).toBe('plan active');
    // Without a YouTube Premiere package, nothing fills in the video or the countries.
    const bare = await http.post(adsUrl(campaign.id), googleAd(), { headers: account.headers });
    expect(bare.status).toBe(400);
    expect(bare.data.error.details).toEqual([{ path: 'youtubeVideoId', message: 'required for Google ads' }]);
    const allowed = await http.post(adsUrl(campaign.id), body, { headers: account.headers });
    expect(allowed.status).toBe(202);
    expect((await untilScheduled(account, campaign.id, allowed.data.id)).state).toBe('scheduled');
  });
});

describe('the YouTube Premiere package', () => {
  it('takes one YouTube video link at checkout and refuses anything else with a 400', async () => {
    const checkout = (body: Record<string, unknown>) =>
      http.post(`${stack.api.url}/v1/billing/checkout`, { kind: 'package', currency: 'eur', ...body });
    for (const [body, path] of [
      [
        { packageId: 'youtube-premiere', youtubeUrl: 'https://www.youtube.com/channel/UCuAXFkgsw1L7xaCfnd5JJOw' },
        'youtubeUrl',
      ],
      [{ packageId: 'youtube-premiere', youtubeUrl: 'https://www.youtube.com/watch?v=short' }, 'youtubeUrl'],
      [{ packageId: 'youtube-premiere', youtubeUrl: 'https://youtu.be.evil.example/dQw4w9WgXcQ' }, 'youtubeUrl'],
      [{ packageId: 'youtube-premiere', youtubeUrl: 'http://youtu.be/dQw4w9WgXcQ' }, 'youtubeUrl'],
      [{ packageId: 'youtube-premiere', targetCountries: ['DE'] }, 'youtubeUrl'],
      [{ packageId: 'release-boost', youtubeUrl: 'https://youtu.be/dQw4w9WgXcQ' }, 'youtubeUrl'],
      [{ packageId: 'release-boost', targetCountries: ['DE'] }, 'targetCountries'],
    ] as const) {
      const res = await checkout(body);
      expect([body, res.status, res.data.error?.code]).toEqual([body, 400, 'validation_failed']);
      expect(res.data.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    for (const youtubeUrl of [
      'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s',
      'https://youtu.be/dQw4w9WgXcQ?si=abc',
      'https://m.youtube.com/shorts/dQw4w9WgXcQ',
    ])
      expect((await checkout({ packageId: 'youtube-premiere', youtubeUrl })).status).toBe(201);
  });

  it('gives the campaign it pays for Google ads of its video in its countries (explicit values win)', async () => {
    const account = await artistAccount(stack);
    const accountId = await accountIdOf(account);
    const checkout = await http.post(
      `${stack.api.url}/v1/billing/checkout`,
      {
        kind: 'package',
        packageId: 'youtube-premiere',
        currency: 'eur',
        youtubeUrl: 'https://youtu.be/dQw4w9WgXcQ',
        targetCountries: ['de', 'FR'],
      },
      { headers: account.headers },
    );
    expect(checkout.status).toBe(201);
    // Stripe reports the session paid, with the metadata the checkout gave it (stripe-mock keeps none).
    const paid = await deliver(
      stack.api.url,
      stripeEvent(
        'checkout.session.completed',
        packageSession({
          sessionId: checkout.data.id,
          email: `premiere-${Date.now()}@example.com`,
          packageId: 'youtube-premiere',
          accountId,
          extra: { youtubeUrl: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', targetCountries: 'DE,FR' },
        }),
      ),
    );
    expect(paid.status).toBe(200);
    await waitFor(
      'the package credit',
      () => http.get(`${stack.api.url}/v1/billing`, { headers: account.headers }),
      (r) => r.data.usage?.unusedPackageCredits === 1,
      30_000,
    );

    const campaign = await readyForGoogleAds(account, 'Premiere');
    await approvedCopyThroughApi(stack, account, campaign.id, 'google'); // the package grants ad automation
    const created = await http.post(adsUrl(campaign.id), googleAd(), { headers: account.headers });
    expect([created.status, created.data]).toMatchObject([
      202,
      { youtubeVideoId: 'dQw4w9WgXcQ', countries: ['DE', 'FR'] },
    ]);
    const scheduled = await untilScheduled(account, campaign.id, created.data.id);
    expect(scheduled.state).toBe('scheduled');
    const objects = (scheduled as unknown as { objects: { type: string; id: string }[] }).objects;
    const ad = adsState(google.state).objects.get(objects.find((o) => o.type === 'ad')!.id)!;
    const video = (ad.fields.ad as { demandGenVideoResponsiveAd: { videos: { asset: string }[] } })
      .demandGenVideoResponsiveAd.videos[0].asset;
    expect(adsState(google.state).objects.get(video)!.fields.youtubeVideoAsset).toEqual({
      youtubeVideoId: 'dQw4w9WgXcQ',
    });
    const criteria = objects.find((o) => o.type === 'targeting')!.id.split(',');
    expect(criteria.map((id) => adsState(google.state).objects.get(id)!.fields.location)).toEqual([
      { geoTargetConstant: 'geoTargetConstants/2276' },
      { geoTargetConstant: 'geoTargetConstants/2250' },
    ]);

    const own = await http.post(adsUrl(campaign.id), googleAd({ youtubeVideoId: 'aaaaaaaaaaa', countries: ['US'] }), {
      headers: account.headers,
    });
    expect(own.data).toMatchObject({ youtubeVideoId: 'aaaaaaaaaaa', countries: ['US'] });
  });
});
