// Attacks on the fans' ad-measurement answer: (1) "Allow" given to one artist was read as consent for every artist's
// page (one cookie for all); (2) another site could post "Allow" for the fan (no origin check). Consent is now one
// cookie per artist, and every cookie-setting form POST must come from a page of PUBLIC_URL.
import axios from 'axios';
import { startMetaSimulator, META_API_VERSION } from '../../simulators/meta';
import { artistAccount, createCampaign, http, startReleaseStack, type ReleaseStack } from '../helpers/release-stack';

let stack: ReleaseStack;
let meta: Awaited<ReturnType<typeof startMetaSimulator>>;
beforeAll(async () => {
  meta = await startMetaSimulator({ appId: 'dropday-meta', appSecret: 'meta-secret' });
  stack = await startReleaseStack({ env: { META_GRAPH_URL: meta.url, META_API_VERSION } });
});
afterAll(async () => {
  await stack?.close();
  await meta?.close();
});

// A client without the test helper's same-origin default: it sends exactly the headers given.
const raw = axios.create({ validateStatus: () => true, maxRedirects: 0 });
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const cookiesOf = (res: { headers: Record<string, unknown> }) =>
  ((res.headers['set-cookie'] as string[] | undefined) ?? []).map((c) => c.split(';')[0]).join('; ');

async function pixelCampaign(title: string) {
  const account = await artistAccount(stack);
  await http.put(
    `${stack.api.url}/v1/artists/${account.artistId}/meta-pixel`,
    { pixelId: '123456789012345' },
    { headers: account.headers },
  );
  return createCampaign(stack, account, title);
}

describe('ad-measurement consent', () => {
  it("one artist's Allow is not another artist's", async () => {
    const first = await pixelCampaign('First Artist Release');
    const second = await pixelCampaign('Second Artist Release');
    const allowed = await http.post(`${stack.api.url}/l/${first.slug}/ad-consent`, 'choice=allow', { headers: FORM });
    expect(allowed.status).toBe(303);
    const cookie = cookiesOf(allowed);
    const firstPage = await http.get(`${stack.api.url}/l/${first.slug}`, { headers: { cookie } });
    expect(firstPage.data).toContain('id="meta-pixel"');
    // The other artist's page asks its own question and loads no pixel.
    const secondPage = await http.get(`${stack.api.url}/l/${second.slug}`, { headers: { cookie } });
    expect(secondPage.data).not.toContain('id="meta-pixel"');
    expect(secondPage.data).toContain(`action="/l/${second.slug}/ad-consent"`);
  });

  it('refuses a cross-site or origin-less post of the answer, and of the other cookie-setting forms', async () => {
    const campaign = await pixelCampaign('Cross Site Release');
    const consent = `${stack.api.url}/l/${campaign.slug}/ad-consent`;
    for (const headers of [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'cross-site' },
      {}, // neither header: not a same-origin browser form
    ]) {
      const res = await raw.post(consent, 'choice=allow', { headers: { ...FORM, ...headers } });
      expect(res.status).toBe(403);
      expect(res.data.error.code).toBe('cross_site_request');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    for (const path of [`/l/${campaign.slug}/subscribe`, '/app/session', '/app/logout', '/ops/login']) {
      const res = await raw.post(`${stack.api.url}${path}`, 'email=fan%40example.com&consent=yes&key=x', {
        headers: { ...FORM, origin: 'https://evil.example' },
      });
      expect([path, res.status]).toEqual([path, 403]);
    }
    // Our own page's post is accepted: by Origin, or by Sec-Fetch-Site alone.
    expect((await raw.post(consent, 'choice=allow', { headers: { ...FORM, origin: stack.api.url } })).status).toBe(303);
    const bySite = await raw.post(consent, 'choice=deny', { headers: { ...FORM, 'sec-fetch-site': 'same-origin' } });
    expect(bySite.status).toBe(303);
    // A browser posting from a no-referrer page (the smart link's policy) sends Origin: null, and Sec-Fetch-Site.
    const fromNoReferrerPage = await raw.post(consent, 'choice=allow', {
      headers: { ...FORM, origin: 'null', 'sec-fetch-site': 'same-origin' },
    });
    expect(fromNoReferrerPage.status).toBe(303);
  });
});
