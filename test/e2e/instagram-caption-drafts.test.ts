// AI caption drafts for a release-day Instagram post, end to end: API → PostgreSQL → Temporal (the ad copy workflow,
// a caption request) → worker → @google/generative-ai → Gemini simulator. The artist asks, reads drafts that carry
// the smart link and passed the caption linter, edits one (a caption without the link is refused and changes
// nothing), approves it and it becomes the post's caption. A Gemini fault gives template drafts at once; a caption
// the linter refuses every round fails the request with the linter's reason; a post already out cannot be
// re-captioned; another account's post is a 404 on every caption route.
import { GeminiSimState, startGeminiSimulator } from '../../simulators/gemini';
import { connectInstagram, postView, schedulePost, useInstagramStack } from '../helpers/instagram';
import { addRelease, artistAccount, http, nextUpc, postCampaign, waitFor } from '../helpers/release-stack';

const KEY = 'test-gemini-key';
let gemini: Awaited<ReturnType<typeof startGeminiSimulator>>;
beforeAll(async () => {
  gemini = await startGeminiSimulator({ apiKeys: [KEY] });
});
const { ig, stack } = useInstagramStack({
  env: {
    // a getter: the simulator starts in the beforeAll above, before the stack reads its options
    get GEMINI_API_URL() {
      return gemini.url;
    },
    GEMINI_API_KEY: KEY,
    GEMINI_MODEL: 'gemini-sim-1',
    AD_COPY_MAX_REGENERATIONS: '1',
  } as Record<string, string>,
});
afterAll(async () => {
  await gemini?.close();
});
beforeEach(() => {
  gemini.state.script.length = 0;
  gemini.state.requests.length = 0;
});

interface Draft {
  id: string;
  caption: string;
  source: string;
  violations: { code: string }[];
  approvable: boolean;
}
interface CaptionRequest {
  id: string;
  status: string;
  generation: number;
  failureReason: string | null;
  variants: Draft[];
}

async function labelWithPost(user: string, secondsAhead = 3600) {
  const account = await artistAccount(stack);
  const connection = await connectInstagram(stack, ig, account, user);
  const upc = nextUpc();
  addRelease(stack, upc, Date.now() - 1000);
  const { campaign } = await postCampaign(stack, account, 'Midnight Sun', { upc, secondsAhead });
  const post = await schedulePost(stack, account.headers, campaign.data.id, {
    connectionId: connection.id,
    media: { kind: 'image', imageUrl: 'https://cdn.example/cover.jpg' },
    caption: 'placeholder caption',
  });
  expect(post.status).toBe(201);
  const smartLink = `${stack.config.PUBLIC_URL}/l/${campaign.data.slug as string}`;
  return { account, postId: post.data.id as string, smartLink };
}

const draftsUrl = (postId: string, action = '') =>
  `${stack.api.url}/v1/instagram-posts/${postId}/caption-drafts${action ? `/${action}` : ''}`;
const latest = async (headers: Record<string, string>, postId: string): Promise<CaptionRequest> =>
  (await http.get(draftsUrl(postId), { headers })).data.items[0] as CaptionRequest;
const settled = (headers: Record<string, string>, postId: string, statuses: string[], generation = 0) =>
  waitFor(
    `caption request in ${statuses.join('/')}`,
    () => latest(headers, postId),
    (r) => r !== undefined && statuses.includes(r.status) && r.generation >= generation,
    40_000,
  );

describe('caption drafts', () => {
  it('drafts with Gemini, refuses an edit without the smart link, and the approved edit becomes the caption', async () => {
    const { account, postId, smartLink } = await labelWithPost('label_captions');
    const asked = await http.post(
      draftsUrl(postId),
      { variants: 3, genres: ['indie pop'] },
      { headers: account.headers },
    );
    expect([asked.status, asked.data.writer, asked.data.status]).toEqual([202, 'gemini', 'generating']);
    const again = await http.post(draftsUrl(postId), {}, { headers: account.headers });
    expect([again.status, again.data.error.code]).toEqual([409, 'copy_request_open']);

    const request = await settled(account.headers, postId, ['awaiting_approval']);
    expect(request.variants).toHaveLength(3);
    for (const draft of request.variants) {
      expect(draft).toMatchObject({ source: 'gemini', violations: [], approvable: true });
      expect(draft.caption.endsWith(smartLink)).toBe(true);
    }
    // The model was asked for captions under a schema, given release facts only and never the link to copy.
    const [sent] = gemini.state.requests;
    const prompt = GeminiSimState.promptText(sent.body);
    expect(prompt).toContain('Instagram captions');
    expect(prompt).toContain('"title":"Midnight Sun"');
    expect(prompt).not.toContain(smartLink);
    expect(JSON.stringify(sent.body)).toContain('"caption"');

    const [first] = request.variants;
    const noLink = await http.post(
      draftsUrl(postId, 'edit'),
      { variantId: first.id, caption: 'Out at midnight, go listen' },
      { headers: account.headers },
    );
    expect([noLink.status, noLink.data.error.code]).toEqual([422, 'caption_not_acceptable']);
    expect(noLink.data.error.details.map((v: { code: string }) => v.code)).toEqual(['smart_link_missing']);
    const claim = await http.post(
      draftsUrl(postId, 'edit'),
      { variantId: first.id, caption: `Guaranteed streams! ${smartLink}` },
      { headers: account.headers },
    );
    expect(claim.status).toBe(422);
    expect((await latest(account.headers, postId)).variants[0].caption).toBe(first.caption); // nothing changed

    const mine = `Midnight Sun is here. Thank you for waiting with us 🌙\n\n${smartLink}`;
    const edited = await http.post(
      draftsUrl(postId, 'edit'),
      { variantId: first.id, caption: mine },
      { headers: account.headers },
    );
    expect([edited.status, edited.data.caption, edited.data.approvable]).toEqual([200, mine, true]);
    const approved = await http.post(
      draftsUrl(postId, 'approve'),
      { variantId: first.id },
      { headers: account.headers },
    );
    expect(approved.status).toBe(202);
    await settled(account.headers, postId, ['approved']);
    expect((await postView(stack, account.headers, postId)).data.caption).toBe(mine);

    // Another account: every caption route of this post is a 404, and nothing changes.
    const other = await artistAccount(stack);
    for (const [method, action, body] of [
      ['get', '', undefined],
      ['post', '', {}],
      ['post', 'edit', { variantId: first.id, caption: `x ${smartLink}` }],
      ['post', 'approve', { variantId: first.id }],
      ['post', 'reject', { feedback: 'no' }],
    ] as const) {
      const res = await http.request({ method, url: draftsUrl(postId, action), data: body, headers: other.headers });
      expect({ action, status: res.status }).toEqual({ action, status: 404 });
    }
    expect((await postView(stack, account.headers, postId)).data.caption).toBe(mine);
  });

  it('a Gemini fault gives template drafts at once; rejecting with feedback writes a new generation', async () => {
    const { account, postId, smartLink } = await labelWithPost('label_fallback');
    await http.post(`${gemini.url}/__control/script`, { responses: [{ error: 503 }] });
    await http.post(draftsUrl(postId), { variants: 2 }, { headers: account.headers });
    const request = await settled(account.headers, postId, ['awaiting_approval']);
    expect(request.variants.map((d) => [d.source, d.approvable])).toEqual([
      ['template', true],
      ['template', true],
    ]);
    for (const d of request.variants) expect(d.caption).toContain(smartLink);
    expect(gemini.state.requests.map((r) => r.status)).toEqual([503]); // one try, no waiting on retries

    const rejected = await http.post(
      draftsUrl(postId, 'reject'),
      { feedback: 'warmer, please' },
      { headers: account.headers },
    );
    expect(rejected.status).toBe(202);
    const next = await settled(account.headers, postId, ['awaiting_approval'], 1);
    expect(next.generation).toBe(1);
    expect(next.variants.every((d) => d.source === 'gemini' && d.caption.includes(smartLink))).toBe(true);
    expect(GeminiSimState.promptText(gemini.state.requests.at(-1)!.body)).toContain('warmer, please');
  });

  it('a caption the linter refuses every round fails the request with its reason', async () => {
    const { account, postId } = await labelWithPost('label_refused');
    await http.post(`${gemini.url}/__control/script`, {
      responses: [{ variants: [{ caption: 'Guaranteed viral hit' }] }],
      times: 2,
    });
    await http.post(draftsUrl(postId), { variants: 1 }, { headers: account.headers });
    const failed = await settled(account.headers, postId, ['failed']);
    expect(failed.failureReason).toMatch(/unverifiable_claim/);
    expect((await postView(stack, account.headers, postId)).data.caption).toBe('placeholder caption');
  });

  it('a post whose media is prepared or out cannot be re-captioned', async () => {
    const { account, postId } = await labelWithPost('label_published', 3);
    await waitFor(
      'published',
      () => postView(stack, account.headers, postId),
      (r) => r.data.state === 'published',
      40_000,
    );
    const res = await http.post(draftsUrl(postId), {}, { headers: account.headers });
    expect([res.status, res.data.error.code]).toEqual([409, 'post_not_editable']);
  });
});
