// The ads page offers the ad accounts, Pages and Google Ads customers of the connected accounts to choose from
// (docs/artist-app.md), read through the provider layer from the Meta and Google simulators (Meta's /me/adaccounts
// and /me/accounts, Google's customers:listAccessibleCustomers); when a provider refuses, the page says so in words
// and asks for the ids by hand, as before.
import { startGoogleSimulator } from '../../simulators/google';
import { adsState, SANDBOX_DEVELOPER_TOKEN } from '../../simulators/google/ads';
import { startMetaSimulator } from '../../simulators/meta';
import { marketingState } from '../../simulators/meta/marketing';
import { GOOGLE_APP, googleEnv, META_APP, metaEnv } from '../helpers/ad-simulators';
import { approvedCopyThroughApi, connectGoogle, connectMeta } from '../helpers/ads';
import { signUpVerified } from '../helpers/app-sign-up';
import { createCampaign, http, useReleaseStack } from '../helpers/release-stack';

let meta: Awaited<ReturnType<typeof startMetaSimulator>>;
let google: Awaited<ReturnType<typeof startGoogleSimulator>>;
beforeAll(async () => {
  meta = await startMetaSimulator(META_APP);
  google = await startGoogleSimulator(GOOGLE_APP);
});
const stack = useReleaseStack(() => ({
  startWorker: true,
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

let seq = 0;
/** An owner signed in to the app, an API key of theirs for the helpers, Meta and Google connected as `who`. */
async function ownerWithConnectedAds(who: string) {
  const browser = await signUpVerified(stack, { email: `ads-choices-${Date.now()}-${seq++}@example.com` });
  const made = await browser.submit('/app/settings', '/app/keys', { name: 'test key' });
  const apiKey = /id="new-key">([^<]+)</.exec(made.data)![1]!;
  const headers = { authorization: `Bearer ${apiKey}` };
  const artist = await http.post(`${stack.api.url}/v1/artists`, { name: 'Luna Vey' }, { headers });
  const account = { headers, apiKey, artistId: artist.data.id as string };
  const campaign = await createCampaign(stack, account, `Choices ${who}`, { secondsAhead: 86_400 });
  await connectMeta(stack, meta, account, who);
  await connectGoogle(stack, google, account, who);
  for (const platform of ['meta', 'google'] as const)
    await approvedCopyThroughApi(stack, account, campaign.id, platform);
  return { browser, adsPage: `/app/campaigns/${campaign.id}/ads` };
}

const selectOf = (page: string, id: string) =>
  new RegExp(`<select id="${id}" name="[A-Za-z]+" required>(.*?)</select>`).exec(page)?.[1];

describe('ad account choices on the ads page', () => {
  it('offers the connected accounts’ ad accounts, Pages and customers instead of typed ids', async () => {
    marketingState(meta.state).userAssets.set('chooser', {
      adAccounts: [
        { accountId: '1111111111', name: 'Luna Vey ads', currency: 'EUR' },
        { accountId: '2222222222', name: 'Label ads', currency: 'USD' },
      ],
      pages: [{ id: '3333333333', name: 'Luna Vey' }],
    });
    adsState(google.state).accessible.set('chooser', ['4444444444', '5555555555']);
    const { browser, adsPage } = await ownerWithConnectedAds('chooser');
    const page = (await browser.get(adsPage)).data;
    expect(selectOf(page, 'meta-account')).toBe(
      '<option value="1111111111">Luna Vey ads (act_1111111111, EUR)</option><option value="2222222222">Label ads (act_2222222222, USD)</option>',
    );
    expect(selectOf(page, 'meta-page')).toBe('<option value="3333333333">Luna Vey (3333333333)</option>');
    expect(selectOf(page, 'google-customer')).toBe(
      '<option value="4444444444">444-444-4444</option><option value="5555555555">555-555-5555</option>',
    );
    expect(page).not.toContain('name="adAccountId" placeholder');
    // What the form sends is what the review (and /v1) take.
    const review = await browser.get(
      `${adsPage}/review?platform=meta&amount=100&currency=EUR&endDate=2099-01-01&countries=DE&objective=traffic&adAccountId=1111111111&pageId=3333333333`,
    );
    expect(review.status).toBe(200);
    expect(review.data).toContain('act_1111111111 · Page 3333333333');
  });

  it('says what went wrong and asks for the ids by hand when a provider refuses', async () => {
    const { browser, adsPage } = await ownerWithConnectedAds('refused');
    marketingState(meta.state).faults.push({
      step: 'me',
      code: 2,
      message: 'An unexpected error has occurred. Please retry your request later.',
      times: 2,
      user: 'refused',
      hits: 0,
    });
    adsState(google.state).faults.push({
      service: 'listAccessibleCustomers',
      httpStatus: 503,
      status: 'UNAVAILABLE',
      errorCode: { internalError: 'TRANSIENT_ERROR' },
      message: 'The service is currently unavailable.',
      times: 1,
    });
    const page = (await browser.get(adsPage)).data;
    expect(page).toContain(
      '<p class="error" role="alert" id="meta-choices-error">Meta did not answer with your accounts just now. Meanwhile, type the ids below.</p>',
    );
    expect(page).toContain(
      '<p class="error" role="alert" id="google-choices-error">Google Ads did not answer with your accounts just now. Meanwhile, type the ids below.</p>',
    );
    expect(page).toContain('<input id="meta-account" name="adAccountId" placeholder="act_1234567890" required');
    expect(page).toContain('<input id="meta-page" name="pageId"');
    expect(page).toContain('<input id="google-customer" name="customerId" placeholder="123-456-7890" required');
  });
});
