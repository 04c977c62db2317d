// Artwork dropday serves itself: an artist uploads a PNG or JPEG (magic bytes, size and pixel limits, decoded once
// in full) for a campaign of their own account; every size the pages use is served from our origin as a square
// JPEG of exactly that size, with a year's immutable Cache-Control and an ETag a CDN can revalidate; the smart link
// shows it under a CSP of img-src 'self'. The Spotify simulator's covers (on a host a browser here cannot reach)
// are copied and served the same way. Bad uploads are refused with a clear 4xx and change nothing.
import sharp from 'sharp';
import { z } from 'zod';
import { sql } from '../../db/pool';
import {
  accountWithLiveAlbumCampaign,
  artistAccount,
  createCampaign,
  http,
  useReleaseStack,
  waitForCampaign,
} from '../helpers/release-stack';

const stack = useReleaseStack();

const png = (side: number, colour = '#c0392b') =>
  sharp({ create: { width: side, height: side, channels: 3, background: colour } })
    .png()
    .toBuffer();
const jpeg = (w: number, h: number) =>
  sharp({ create: { width: w, height: h, channels: 3, background: '#2e86c1' } })
    .jpeg()
    .toBuffer();

const upload = (campaignId: string, body: Buffer, headers: Record<string, string>, type = 'image/png') =>
  http.put(`${stack.api.url}/v1/campaigns/${campaignId}/artwork`, body, {
    headers: { ...headers, 'content-type': type },
    maxBodyLength: Infinity,
    maxContentLength: Infinity,
  });

const image = (path: string, headers: Record<string, string> = {}) =>
  http.get<ArrayBuffer>(`${stack.api.url}${path}`, { responseType: 'arraybuffer', headers });

const imagesOf = async (headers: Record<string, string>) => {
  const me = await http.get(`${stack.api.url}/v1/accounts/me`, { headers });
  return Number(
    await stack.db.pool.oneFirst(
      sql.unsafe`SELECT count(*) FROM artwork_images WHERE account_id = ${me.data.account.id as string}`,
    ),
  );
};

const uploadedId = (campaignId: string) =>
  stack.db.pool.oneFirst(sql.type(z.object({ id: z.string().nullable() }))`
    SELECT artwork_upload_id AS id FROM campaigns WHERE id = ${campaignId}`);

describe('artwork', () => {
  it('serves an upload resized to each size, cacheable, on the smart link under img-src self', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Unreleased');
    const res = await upload(campaign.id, await jpeg(1200, 1000), account.headers, 'image/jpeg');
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ width: 1200, height: 1000 });
    const artworkId = res.data.artworkId as string;
    expect(await uploadedId(campaign.id)).toBe(artworkId);

    for (const size of [96, 160, 320, 640]) {
      const got = await image(`/artwork/${artworkId}/${size}.jpg`);
      expect(got.status).toBe(200);
      expect(got.headers['content-type']).toBe('image/jpeg');
      expect(got.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      const meta = await sharp(Buffer.from(got.data)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', size, size]);
      const etag = String(got.headers.etag);
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
      expect((await image(`/artwork/${artworkId}/${size}.jpg`, { 'if-none-match': etag })).status).toBe(304);
    }
    // Only the sizes the pages use; unknown ids are a 404.
    expect((await image(`/artwork/${artworkId}/1000.jpg`)).status).toBe(404);
    expect((await image(`/artwork/00000000-0000-4000-8000-000000000000/160.jpg`)).status).toBe(404);

    const page = await http.get<string>(campaign.landingUrl, { responseType: 'text' });
    expect(page.data).toContain(`src="/artwork/${artworkId}/320.jpg"`);
    expect(page.data).toContain(`/artwork/${artworkId}/640.jpg 2x`);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/img-src 'self'(;|$)/);
  });

  it('refuses what is not a PNG or JPEG, too big, too small or too many pixels; nothing changes', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Refusals');
    const refused = async (body: Buffer, type: string, status: number, code: string) => {
      const res = await upload(campaign.id, body, account.headers, type);
      expect([res.status, res.data?.error?.code]).toEqual([status, code]);
    };
    await refused(Buffer.from('this is a text file, not an image'), 'image/png', 400, 'not_an_image');
    const gif = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#000' } })
      .gif()
      .toBuffer();
    await refused(gif, 'image/png', 400, 'not_an_image');
    // A PNG header on a broken body: the full decode catches it.
    const whole = await png(400);
    await refused(whole.subarray(0, 60), 'image/png', 400, 'not_an_image');
    await refused(await png(200), 'image/png', 400, 'too_small');
    // A header claiming 7000×7000 pixels is refused before anything decodes it.
    const huge = Buffer.from(whole);
    huge.writeUInt32BE(7000, 16);
    huge.writeUInt32BE(7000, 20);
    await refused(huge, 'image/png', 400, 'too_large');
    await refused(Buffer.alloc(10 * 1024 * 1024 + 1, 0x89), 'image/png', 413, 'payload_too_large');
    await refused(await png(400), 'text/plain', 415, 'unsupported_media_type');
    expect(await uploadedId(campaign.id)).toBeNull();
    expect(await imagesOf(account.headers)).toBe(0);
  });

  it('another account cannot upload to a campaign of ours: 404, and it keeps its artwork', async () => {
    const owner = await artistAccount(stack);
    const campaign = await createCampaign(stack, owner, 'Ours');
    const mine = await upload(campaign.id, await png(500), owner.headers);
    expect(mine.status).toBe(200);
    const stranger = await artistAccount(stack);
    const res = await upload(campaign.id, await png(500, '#000000'), stranger.headers);
    expect([res.status, res.data.error.code]).toEqual([404, 'not_found']);
    expect(await uploadedId(campaign.id)).toBe(mine.data.artworkId);
    expect(await imagesOf(stranger.headers)).toBe(0);
  });

  it("serves the sandbox catalogue's covers from our origin: the lookup's and a resolved campaign's", async () => {
    const { headers, upc, campaign } = await accountWithLiveAlbumCampaign(stack, 'Catalogue cover');
    const lookup = await http.get(`${stack.api.url}/v1/releases/lookup?upc=${upc}`, { headers });
    expect(lookup.data.found).toBe(true);
    expect(lookup.data.release.artworkUrl).toMatch(new RegExp(`^${stack.spotify.url}/image/`));
    const src = String(lookup.data.release.artworkSrc);
    expect(src).toMatch(/^\/artwork\/[0-9a-f-]{36}\/96\.jpg$/);
    const small = await image(src);
    expect(small.status).toBe(200);
    expect((await sharp(Buffer.from(small.data)).metadata()).width).toBe(96);

    const id = campaign.data.id as string;
    await waitForCampaign(stack, id, headers, 'the release resolved', (v) => v.data.resolution !== 'unresolved');
    const page = await http.get<string>(campaign.data.landingUrl as string, { responseType: 'text' });
    const cover = /<img class="art" src="([^"]+)"/.exec(page.data)?.[1];
    expect(cover).toMatch(new RegExp(`^/artwork/campaigns/${id}/[0-9a-f]{16}/320\\.jpg$`));
    expect(page.data).not.toContain(stack.spotify.url);
    const served = await image(cover!);
    expect(served.status).toBe(200);
    expect(served.headers['cache-control']).toContain('immutable');
    const meta = await sharp(Buffer.from(served.data)).metadata();
    expect([meta.width, meta.height]).toEqual([320, 320]);
    // A stale or made-up hash names nothing.
    expect((await image(`/artwork/campaigns/${id}/0000000000000000/320.jpg`)).status).toBe(404);
  });
});
