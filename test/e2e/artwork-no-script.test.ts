// The artwork upload without JavaScript (docs/artist-app.md, "Artwork"): the campaign page's form posts the file as
// multipart/form-data with its csrf field to POST /app/campaigns/:id/artwork, which makes the same checks as the
// /v1 upload. A refusal (too big, too small, not an image, no file, an expired form, another account's campaign)
// is a page that says why in words and changes nothing; a good file is on the campaign page after the redirect.
import sharp from 'sharp';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { type AppClient, csrfOf } from '../helpers/app-client';
import { signUpVerified } from '../helpers/app-sign-up';
import { http, postCampaign, useReleaseStack } from '../helpers/release-stack';

const stack = useReleaseStack({ startWorker: false });

const png = (side: number) =>
  sharp({ create: { width: side, height: side, channels: 3, background: '#c0392b' } })
    .png()
    .toBuffer();

let seq = 0;
/** A signed-up owner with a campaign, made through the app's own /v1 calls; the campaign page's path. */
async function ownerWithCampaign(title: string) {
  const browser = await signUpVerified(stack, { email: `no-script-${Date.now()}-${seq++}@example.com` });
  const headers = { cookie: browser.cookie, 'x-csrf-token': await browser.csrfToken() };
  const artist = await http.post(`${stack.api.url}/v1/artists`, { name: 'Luna Vey' }, { headers });
  const { campaign } = await postCampaign(stack, { headers, artistId: artist.data.id as string }, title);
  expect(campaign.status).toBe(201);
  return { browser, id: campaign.data.id as string, page: `/app/campaigns/${campaign.data.id as string}` };
}

/** The form as a browser without scripts sends it: multipart/form-data, the csrf field, the file. */
function postForm(browser: AppClient, action: string, fields: { csrf?: string; file?: Buffer; type?: string }) {
  const form = new FormData();
  if (fields.csrf !== undefined) form.append('csrf', fields.csrf);
  if (fields.file)
    form.append('artwork', new Blob([new Uint8Array(fields.file)], { type: fields.type ?? 'image/png' }), 'cover.png');
  return http.post<string>(`${stack.api.url}${action}`, form, {
    headers: { cookie: browser.cookie, origin: stack.api.url },
    responseType: 'text',
    maxBodyLength: Infinity,
  });
}

const uploadedId = (campaignId: string) =>
  stack.db.pool.oneFirst(sql.type(z.object({ id: z.string().nullable() }))`
    SELECT artwork_upload_id AS id FROM campaigns WHERE id = ${campaignId}`);
const errorOf = (page: string) => /<p class="error" role="alert" id="artwork-error">([^<]*)<\/p>/.exec(page)?.[1];

describe('artwork upload without JavaScript', () => {
  it('refuses in words on a page and changes nothing, then takes a good file and shows it', async () => {
    const { browser, id, page } = await ownerWithCampaign('No Script');
    const action = `${page}/artwork`;
    const opened = await browser.get(page);
    expect(opened.data).toContain(
      `<form id="artwork-form" method="post" action="${action}" enctype="multipart/form-data"`,
    );
    const csrf = csrfOf(opened.data, action)!;
    expect(csrf).toBeDefined();

    const refusals: [() => Promise<{ status: number; data: string; headers: unknown }>, number, string][] = [
      [
        async () => postForm(browser, action, { csrf, file: await png(200) }),
        400,
        'Artwork must be at least 300×300 pixels (this one is 200×200). Nothing was changed.',
      ],
      [
        () => postForm(browser, action, { csrf, file: Buffer.from('not an image at all'), type: 'image/png' }),
        400,
        'Artwork must be a PNG or JPEG image. Nothing was changed.',
      ],
      [
        () => postForm(browser, action, { csrf, file: Buffer.alloc(10 * 1024 * 1024 + 1, 0x89) }),
        413,
        'The file is larger than 10 MB. Choose a smaller PNG or JPEG. Nothing was changed.',
      ],
      [
        // Over the form's own limit too: refused while the body is read, with the same words.
        () => postForm(browser, action, { csrf, file: Buffer.alloc(10 * 1024 * 1024 + 32 * 1024, 0x89) }),
        413,
        'The file is larger than 10 MB. Choose a smaller PNG or JPEG. Nothing was changed.',
      ],
      [() => postForm(browser, action, { csrf }), 400, 'Choose a PNG or JPEG file first. Nothing was changed.'],
      [
        async () => postForm(browser, action, { csrf: 'forged', file: await png(400) }),
        403,
        'This form expired. Open the campaign page again and send it from there. Nothing was changed.',
      ],
    ];
    for (const [answer, status, words] of refusals) {
      const res = await answer();
      expect([res.status, errorOf(res.data)]).toEqual([status, words]);
      expect(String((res.headers as Record<string, string>)['content-type'])).toMatch(/^text\/html/);
    }
    expect(await uploadedId(id)).toBeNull();

    const sent = await postForm(browser, action, { csrf, file: await png(500) });
    expect([sent.status, sent.headers.location]).toEqual([303, page]);
    const artworkId = await uploadedId(id);
    expect(artworkId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await browser.get(page)).data).toContain(`src="/artwork/${artworkId}/160.jpg"`);
  });

  it("another account's owner gets 404 for our campaign, and our artwork stays", async () => {
    const ours = await ownerWithCampaign('Ours');
    const stranger = await ownerWithCampaign('Theirs');
    const strangerCsrf = csrfOf((await stranger.browser.get(stranger.page)).data, `${stranger.page}/artwork`)!;
    const res = await postForm(stranger.browser, `${ours.page}/artwork`, { csrf: strangerCsrf, file: await png(400) });
    expect([res.status, errorOf(res.data)]).toEqual([404, 'This account has no such campaign. Nothing was changed.']);
    expect(await uploadedId(ours.id)).toBeNull();
  });
});
