// The tenant matrix, generated from GET /openapi.json: account A creates one of everything it can (artist, Meta
// pixel, Google conversion action, campaign, event values, platform links, ad copy request with its variants, a Google Ads
// connection through the simulator's consent page, and a Google ad campaign); account B, with its own valid key,
// calls every id-taking artist route with A's ids (and A's ids in B's bodies): every answer is 404 (never 200, 403
// or 500) and nothing of A's changes.
import { findCampaignById } from '../../db/campaigns';
import { startGoogleSimulator } from '../../simulators/google';
import { SANDBOX_DEVELOPER_TOKEN } from '../../simulators/google/ads';
import { approveVariant, connectGoogle } from '../helpers/ads';
import { GOOGLE_APP, googleEnv } from '../helpers/ad-simulators';
import { operationsOf, sampleOf, seededRandom, countRows, changedTables } from '../helpers/attack-inputs';
import {
  artistAccount,
  createCampaign,
  http,
  liveAlbumUpc,
  startReleaseStack,
  waitFor,
  type ReleaseStack,
} from '../helpers/release-stack';

let stack: ReleaseStack;
let google: Awaited<ReturnType<typeof startGoogleSimulator>>;
beforeAll(async () => {
  google = await startGoogleSimulator(GOOGLE_APP);
  // With the worker: the ad copy workflow writes A's variants, the ad campaign workflow creates A's ads.
  stack = await startReleaseStack({
    env: { ...googleEnv(google), GOOGLE_ADS_API_URL: google.url, GOOGLE_ADS_DEVELOPER_TOKEN: SANDBOX_DEVELOPER_TOKEN },
  });
});
afterAll(async () => {
  await stack?.close();
  await google?.close();
});

/** Which of A's ids a path parameter names: by the collection the parameter follows. */
function idFor(path: string, param: string, ids: Record<string, string>): string | undefined {
  const segments = path.split('/');
  const at = segments.indexOf(`{${param}}`);
  const collection = segments[at - 1];
  const key =
    param === 'requestId'
      ? 'adCopyRequest'
      : param === 'adId'
        ? 'adCampaign'
        : param === 'variantId'
          ? 'variant'
          : param !== 'id'
            ? undefined // e.g. the provider of POST /v1/connections/{provider}
            : ({ artists: 'artist', campaigns: 'campaign', connections: 'connection' } as Record<string, string>)[
                collection
              ];
  return key ? ids[key] : undefined;
}

/** Bodies that are valid for B except for naming A's things (so the 404 is about the tenant, not the input). */
const validBodies: Record<string, unknown> = {
  'PATCH /v1/campaigns/{id}': { releaseDate: '2031-01-01' },
  'PATCH /v1/artists/{id}': { spotifyArtistId: '0TnOYISbd1XYRBk9myaseg' },
  'PUT /v1/campaigns/{id}/values': { values: { PAGE_VIEW: 0 } },
  'PUT /v1/campaigns/{id}/links': { links: [{ platform: 'deezer', url: 'https://www.deezer.com/album/1' }] },
  'PUT /v1/artists/{id}/meta-pixel': { pixelId: '1234567890' },
  'PUT /v1/artists/{id}/google-conversion': { customerId: '1234567890', conversionAction: '1' },
  'POST /v1/campaigns/{id}/ads/copy': { platform: 'meta' },
  'POST /v1/campaigns/{id}/instagram-posts': {
    connectionId: '6f1c2a55-3c8e-4c1e-9a43-2b7f3f0c8d11',
    media: { kind: 'image', imageUrl: 'https://cdn.example/cover.jpg' },
    caption: 'B steals',
  },
  'POST /v1/campaigns/{id}/ads/copy/{requestId}/reject': { feedback: 'shorter please' },
  'PATCH /v1/campaigns/{id}/ads/copy/{requestId}/variants/{variantId}': { headline: 'B edits' },
  'POST /v1/campaigns/{id}/ads': {
    platform: 'meta',
    budget: { amount: 1000, currency: 'USD' },
    endAt: '2031-02-01T00:00:00Z',
    countries: ['US'],
    objective: 'traffic',
    adAccountId: 'act_1234567890',
    pageId: '1234567890',
  },
};

/** A's Google ad campaign (a copy variant approved, the release artwork known), once its objects are all created. */
async function aGoogleAdCampaign(a: { headers: Record<string, string> }, campaignId: string): Promise<string> {
  await waitFor(
    "the artwork of A's release",
    async () => (await findCampaignById(stack.db.pool, campaignId))?.artworkUrl,
    Boolean,
    30_000,
  );
  const copies = await http.get(`${stack.api.url}/v1/campaigns/${campaignId}/ads/copy`, { headers: a.headers });
  const [request] = copies.data.items;
  await approveVariant(stack, a, campaignId, request.id, request.variants[0].id);
  const ad = await http.post(
    `${stack.api.url}/v1/campaigns/${campaignId}/ads`,
    {
      platform: 'google',
      budget: { amount: 10_000, currency: 'USD' },
      endAt: new Date(Date.now() + 2 * 86_400_000).toISOString(), // 50 USD a day: above Demand Gen's minimum
      countries: ['US'],
      objective: 'traffic',
      customerId: '123-456-7890',
      youtubeVideoId: 'dQw4w9WgXcQ',
    },
    { headers: a.headers },
  );
  expect(ad.status).toBe(202);
  const created = await waitFor(
    "A's ad campaign created",
    () => http.get(`${stack.api.url}/v1/campaigns/${campaignId}/ads`, { headers: a.headers }),
    (r) => ['scheduled', 'failed'].includes(r.data.items?.[0]?.state),
  );
  expect(created.data.items[0]).toMatchObject({ state: 'scheduled', lastError: null });
  return ad.data.id as string;
}

describe('tenant matrix', () => {
  it("answers 404 to every id-taking route called with another tenant's ids, and changes nothing of theirs", async () => {
    const a = await artistAccount(stack);
    const b = await artistAccount(stack);
    // An album already live on Spotify: its artwork is the logo of A's Google ad.
    const campaign = await createCampaign(stack, a, 'A Release', { upc: liveAlbumUpc(stack) });
    const pixel = await http.put(
      `${stack.api.url}/v1/artists/${a.artistId}/meta-pixel`,
      { pixelId: '9876543210' },
      { headers: a.headers },
    );
    expect(pixel.status).toBeLessThan(300);
    const googleConversion = await http.put(
      `${stack.api.url}/v1/artists/${a.artistId}/google-conversion`,
      { customerId: '9876543210', conversionAction: '55' },
      { headers: a.headers },
    );
    expect(googleConversion.status).toBe(200);
    const platformLinks = await http.put(
      `${stack.api.url}/v1/campaigns/${campaign.id}/links`,
      { links: [{ platform: 'tidal', url: 'https://tidal.com/browse/album/1' }] },
      { headers: a.headers },
    );
    expect(platformLinks.status).toBe(200);
    const copy = await http.post(
      `${stack.api.url}/v1/campaigns/${campaign.id}/ads/copy`,
      { platform: 'google', variants: 2 },
      { headers: a.headers },
    );
    expect(copy.status).toBe(202);
    const copies = await waitFor(
      "A's ad copy variants",
      () => http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/ads/copy`, { headers: a.headers }),
      (r) => (r.data.items?.[0]?.variants?.length ?? 0) > 0,
      30_000,
    );
    const connection = await connectGoogle(stack, google, a, 'tenant-a-advertiser');
    const adCampaign = await aGoogleAdCampaign(a, campaign.id);
    const ids: Record<string, string> = {
      artist: a.artistId,
      campaign: campaign.id,
      adCopyRequest: copy.data.id,
      variant: copies.data.items[0].variants[0].id,
      connection,
      adCampaign,
    };
    const seeOfA = async () =>
      Promise.all(
        [
          `/v1/artists/${a.artistId}`,
          `/v1/artists/${a.artistId}/meta-pixel`,
          `/v1/artists/${a.artistId}/google-conversion`,
          `/v1/campaigns/${campaign.id}`,
          `/v1/campaigns/${campaign.id}/values`,
          `/v1/campaigns/${campaign.id}/links`,
          `/v1/campaigns/${campaign.id}/ads/copy`,
          `/v1/campaigns/${campaign.id}/ads`,
          '/v1/connections',
        ].map(async (p) => {
          const r = await http.get(`${stack.api.url}${p}`, { headers: a.headers });
          return [p, r.status, r.data];
        }),
      );
    const beforeA = await seeOfA();
    const beforeRows = await countRows(stack.db.pool);

    const doc = (await http.get(`${stack.api.url}/openapi.json`)).data;
    const random = seededRandom(13);
    const answers: string[] = [];
    let calls = 0;
    for (const op of operationsOf(doc)) {
      if (op.role !== 'artist') continue;
      const name = `${op.method} ${op.path}`;
      const idParams = op.params.filter((p) => idFor(op.path, p, ids) !== undefined);
      const bodyIds = Object.keys(
        (op.body?.oneOf?.[0] ?? op.body)?.properties ?? ({} as Record<string, unknown>),
      ).filter((f) => f === 'artistId' || f === 'variantId');
      if (idParams.length === 0 && bodyIds.length === 0) continue;
      if (op.params.length > idParams.length) continue; // a parameter that is no id (e.g. the provider)
      const path = op.path.replace(/\{(\w+)\}/g, (_, p: string) => idFor(op.path, p, ids)!);
      const body = op.body
        ? {
            ...((validBodies[name] ?? sampleOf(op.body, random)) as Record<string, unknown>),
            ...(bodyIds.includes('artistId') ? { artistId: ids.artist, upc: '036000291452' } : {}),
            ...(bodyIds.includes('variantId') ? { variantId: ids.variant } : {}),
            ...(name === 'POST /v1/campaigns'
              ? { title: 'B steals', releaseDate: '2031-01-01', releasePolicy: 'global', timeZone: 'UTC' }
              : {}),
          }
        : undefined;
      const res = await http.request({
        method: op.method,
        url: `${stack.api.url}${path}`,
        headers: b.headers,
        ...(body ? { data: body } : op.method === 'GET' || op.method === 'DELETE' ? {} : { data: {} }),
      });
      calls++;
      if (idParams.length === 0) {
        // An id in a body (POST /v1/campaigns {artistId}) may be a 400, but the very same answer a random id gets:
        // nothing tells B that A's id exists.
        const randomId = await http.request({
          method: op.method,
          url: `${stack.api.url}${path}`,
          headers: b.headers,
          data: { ...body, ...Object.fromEntries(bodyIds.map((f) => [f, '00000000-0000-4000-8000-000000000000'])) },
        });
        expect([name, res.status, res.data]).toEqual([name, randomId.status, randomId.data]);
        expect([name, res.status === 404 || res.status === 400]).toEqual([name, true]);
        continue;
      }
      answers.push(`${name} → ${res.status}${res.status === 404 ? '' : ` ${JSON.stringify(res.data).slice(0, 200)}`}`);
    }
    expect(calls).toBeGreaterThanOrEqual(25);
    expect(answers.map((line) => line.split(' → ')[0])).toEqual(
      expect.arrayContaining(['DELETE /v1/connections/{id}', 'POST /v1/campaigns/{id}/ads/{adId}/cancel']),
    );
    expect(answers.filter((line) => !line.endsWith('→ 404'))).toEqual([]);
    expect(changedTables(beforeRows, await countRows(stack.db.pool))).toEqual([]);
    expect(await seeOfA()).toEqual(beforeA);
  });
});
