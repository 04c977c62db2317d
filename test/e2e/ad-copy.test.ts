// AI ad copy end to end with Gemini simulated over HTTP: API → PostgreSQL → Temporal (adCopyWorkflow) → worker →
// @google/generative-ai → Gemini simulator. Variants respect the limits and the linter (a bad one is regenerated
// alone, bounded rounds give up clearly), approve and reject-with-feedback, 429 retried after RetryInfo, a 400 not
// retried, and the model receives campaign metadata only.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { lintCopy } from '../../lib/ad-copy/linter';
import { COPY_LIMITS } from '../../lib/ad-copy/limits';
import { GeminiSimState, startGeminiSimulator } from '../../simulators/gemini';
import { artistAccount, createCampaign, fanPresaves, http, useReleaseStack, waitFor } from '../helpers/release-stack';

const KEY = 'test-gemini-key';
let gemini: Awaited<ReturnType<typeof startGeminiSimulator>>;
beforeAll(async () => {
  gemini = await startGeminiSimulator({ apiKeys: [KEY] });
});
const stack = useReleaseStack(() => ({
  env: {
    GEMINI_API_KEY: KEY,
    GEMINI_API_URL: gemini.url,
    GEMINI_MODEL: 'gemini-sim-1',
    AD_COPY_MAX_REGENERATIONS: '2',
    AD_COPY_MAX_REJECTIONS: '1',
  },
}));
afterAll(async () => {
  await gemini?.close();
});
beforeEach(() => {
  gemini.state.script.length = 0;
  gemini.state.requests.length = 0;
});

interface Variant {
  id: string;
  generation: number;
  headline: string;
  primaryText: string;
  description: string;
  source: string;
  violations: { code: string }[];
  approvable: boolean;
  approvedAt: string | null;
}
interface CopyRequest {
  id: string;
  status: string;
  generation: number;
  failureReason: string | null;
  feedback: string | null;
  expiresAt: string | null;
  variants: Variant[];
}

type Account = Awaited<ReturnType<typeof artistAccount>>;
const copyUrl = (campaignId: string) => `${stack.api.url}/v1/campaigns/${campaignId}/ads/copy`;

async function campaignFor(title = 'Midnight Sun') {
  const account = await artistAccount(stack);
  const campaign = await createCampaign(stack, account, title);
  return { account, campaign };
}

async function requestCopy(account: Account, campaignId: string, body: Record<string, unknown>): Promise<string> {
  const res = await http.post(copyUrl(campaignId), body, { headers: account.headers });
  expect(res.status).toBe(202);
  expect(res.data).toMatchObject({ campaignId, status: 'generating', writer: 'gemini' });
  return res.data.id as string;
}

async function copyRequest(
  account: Account,
  campaignId: string,
  requestId: string,
  until: (r: CopyRequest) => boolean,
): Promise<CopyRequest> {
  const res = await waitFor(
    `ad copy request ${requestId}`,
    () => http.get(copyUrl(campaignId), { headers: account.headers }),
    (r) => {
      const found = (r.data.items as CopyRequest[] | undefined)?.find((i) => i.id === requestId);
      return Boolean(found && until(found));
    },
    30_000,
  );
  return (res.data.items as CopyRequest[]).find((i) => i.id === requestId)!;
}
const awaiting =
  (generation = 0) =>
  (r: CopyRequest) =>
    r.status === 'awaiting_approval' && r.generation === generation;
const prompts = () => gemini.state.requests.map((r) => GeminiSimState.promptText(r.body));

describe('ad copy with Gemini', () => {
  it('regenerates only the variants that break the limits or the linter; approval marks the copy the campaign uses', async () => {
    const { account, campaign } = await campaignFor();
    gemini.state.enqueue({ variants: [{ headline: 'GUARANTEED 1M STREAMS' }, {}, { primaryText: 'x'.repeat(200) }] });
    const requestId = await requestCopy(account, campaign.id, { platform: 'meta', variants: 3, genres: ['synth-pop'] });
    const request = await copyRequest(account, campaign.id, requestId, awaiting());

    // Round 1: three written, two refused; round 2: only those two, with the reasons in the prompt.
    expect(gemini.state.requests).toHaveLength(2);
    const [first, second] = prompts();
    expect(first).toMatch(/^Write 3 ad copy variants/m);
    expect(second).toMatch(/^Write 2 ad copy variants/m);
    expect(second).toContain('unverifiable_claim');
    expect(second).toContain('too_long: the primary text has 200 characters; meta allows 125');

    expect(request.variants).toHaveLength(3);
    for (const v of request.variants) {
      expect(v).toMatchObject({ source: 'gemini', violations: [], approvable: true, approvedAt: null, generation: 0 });
      expect(lintCopy(v, { platform: 'meta', explicit: false, names: ['Luna Vey', 'Midnight Sun'] })).toEqual([]);
      expect([...v.headline].length).toBeLessThanOrEqual(COPY_LIMITS.meta.headline);
      expect([...v.primaryText].length).toBeLessThanOrEqual(COPY_LIMITS.meta.primaryText);
      expect([...v.description].length).toBeLessThanOrEqual(COPY_LIMITS.meta.description);
    }
    expect(request.variants.map((v) => v.headline)).not.toContain('GUARANTEED 1M STREAMS');
    expect(Date.parse(request.expiresAt!)).toBeGreaterThan(Date.now());

    const chosen = request.variants[1];
    const approve = await http.post(
      `${copyUrl(campaign.id)}/${requestId}/approve`,
      { variantId: chosen.id },
      { headers: account.headers },
    );
    expect(approve.status).toBe(202);
    const approved = await copyRequest(account, campaign.id, requestId, (r) => r.status === 'approved');
    expect(approved.variants.filter((v) => v.approvedAt !== null).map((v) => v.id)).toEqual([chosen.id]);
    expect(approved.variants.every((v) => !v.approvable)).toBe(true);
    expect(await stack.temporal.client.workflow.getHandle(`ad-copy:${requestId}`).result()).toMatchObject({
      status: 'approved',
      approvedVariantId: chosen.id,
    });

    // What an ad campaign reads (migration 008's contract): the approved variant by campaign and platform.
    const used = await stack.db.pool.one(sql.type(z.object({ id: z.string(), headline: z.string() }))`
      SELECT id, headline FROM ad_copy_variants WHERE campaign_id = ${campaign.id} AND platform = 'meta' AND approved_at IS NOT NULL
      ORDER BY approved_at DESC LIMIT 1`);
    expect(used).toEqual({ id: chosen.id, headline: chosen.headline });

    const again = await http.post(
      `${copyUrl(campaign.id)}/${requestId}/approve`,
      { variantId: chosen.id },
      { headers: account.headers },
    );
    expect(again.status).toBe(409);
    expect(again.data.error.code).toBe('not_awaiting_approval');
  });

  it('gives up clearly when no variant passes within the bounded rounds (blocked, cut off, then policy)', async () => {
    const { account, campaign } = await campaignFor();
    gemini.state.enqueue(
      { finishReason: 'SAFETY' },
      { finishReason: 'MAX_TOKENS' },
      { variants: [{ headline: 'Buy streams now' }] },
      { variants: [{}] },
    );
    const requestId = await requestCopy(account, campaign.id, { platform: 'google', variants: 1 });
    const failed = await copyRequest(account, campaign.id, requestId, (r) => r.status === 'failed');
    expect(gemini.state.requests).toHaveLength(3); // 1 + AD_COPY_MAX_REGENERATIONS (2), never a 4th
    expect(prompts()[1]).toContain('blocked_by_model');
    expect(prompts()[2]).toContain('malformed_output');
    expect(failed.failureReason).toBe(
      'no variant passed the length limits and the policy linter after 3 rounds (prohibited_wording)',
    );
    expect(failed.variants).toEqual([
      expect.objectContaining({
        headline: 'Buy streams now',
        approvable: false,
        violations: [expect.objectContaining({ code: 'prohibited_wording', field: 'headline' })],
      }),
    ]);
    const approve = await http.post(
      `${copyUrl(campaign.id)}/${requestId}/approve`,
      { variantId: failed.variants[0].id },
      { headers: account.headers },
    );
    expect(approve.status).toBe(409);
  });

  it('reject with feedback writes a new generation with the feedback in the prompt; rejections are bounded', async () => {
    const { account, campaign } = await campaignFor();
    const requestId = await requestCopy(account, campaign.id, { platform: 'meta', variants: 2, explicit: true });
    const first = await copyRequest(account, campaign.id, requestId, awaiting(0));
    for (const v of first.variants) expect(v.primaryText).toContain('Explicit content. 18+.');
    expect(prompts()[0]).toContain('must include the notice "Explicit content. 18+."');

    const conflict = await http.post(copyUrl(campaign.id), { platform: 'meta' }, { headers: account.headers });
    expect(conflict.status).toBe(409);
    expect(conflict.data.error.code).toBe('copy_request_open');

    const reject = await http.post(
      `${copyUrl(campaign.id)}/${requestId}/reject`,
      { feedback: 'More upbeat, mention the vinyl' },
      { headers: account.headers },
    );
    expect(reject.status).toBe(202);
    const second = await copyRequest(account, campaign.id, requestId, awaiting(1));
    expect(second.feedback).toBe('More upbeat, mention the vinyl');
    expect(prompts().at(-1)).toContain(
      'rejected the previous variants with this feedback: "More upbeat, mention the vinyl"',
    );
    const current = second.variants.filter((v) => v.generation === 1);
    const previous = second.variants.filter((v) => v.generation === 0);
    expect(current).toHaveLength(2);
    expect(current.every((v) => v.approvable && v.primaryText.includes('Explicit content. 18+.'))).toBe(true);
    expect(previous.every((v) => !v.approvable)).toBe(true);
    expect(current.map((v) => v.primaryText)).not.toEqual(previous.map((v) => v.primaryText));

    const stale = await http.post(
      `${copyUrl(campaign.id)}/${requestId}/approve`,
      { variantId: previous[0].id },
      { headers: account.headers },
    );
    expect(stale.status).toBe(422);
    expect(stale.data.error.code).toBe('variant_not_approvable');

    // AD_COPY_MAX_REJECTIONS=1: the second rejection ends the request.
    await http.post(
      `${copyUrl(campaign.id)}/${requestId}/reject`,
      { feedback: 'Still not it' },
      { headers: account.headers },
    );
    const ended = await copyRequest(account, campaign.id, requestId, (r) => r.status === 'rejected');
    expect(ended.failureReason).toContain('rejected 2 times');
    expect(gemini.state.requests).toHaveLength(2);
    // A new request for the platform is possible again.
    const next = await requestCopy(account, campaign.id, { platform: 'meta', variants: 1 });
    await copyRequest(account, campaign.id, next, awaiting());
  });

  it('retries a 429 after the RetryInfo delay and a 503 with backoff; does not retry a 400 or a refused key', async () => {
    const { account, campaign } = await campaignFor();
    gemini.state.enqueue({ error: 429, retryDelay: '3s' }, { error: 503 });
    const requestId = await requestCopy(account, campaign.id, { platform: 'meta', variants: 1 });
    await copyRequest(account, campaign.id, requestId, awaiting());
    const [limited, unavailable, retried] = gemini.state.requests;
    expect(gemini.state.requests.map((r) => r.status)).toEqual([429, 503, 200]);
    // The retry policy alone would come back after 2 s; Google asked for 3 s. A 503 has no hint: the policy's backoff.
    expect(unavailable.at - limited.at).toBeGreaterThanOrEqual(2_900);
    expect(retried.at - unavailable.at).toBeGreaterThanOrEqual(1_900);

    gemini.state.requests.length = 0;
    const other = await campaignFor();
    gemini.state.enqueue({ error: 400, message: 'Request contains an invalid argument.' });
    const badId = await requestCopy(other.account, other.campaign.id, { platform: 'google', variants: 1 });
    const failed = await copyRequest(other.account, other.campaign.id, badId, (r) => r.status === 'failed');
    expect(failed.failureReason).toBe(
      'copy could not be written: Gemini answered 400: Request contains an invalid argument.',
    );
    expect(gemini.state.requests).toHaveLength(1);

    // A key Google no longer accepts (400 API_KEY_INVALID): failed at once, saying so.
    gemini.state.apiKeys.delete(KEY);
    try {
      const third = await campaignFor();
      const keyId = await requestCopy(third.account, third.campaign.id, { platform: 'meta', variants: 1 });
      const refused = await copyRequest(third.account, third.campaign.id, keyId, (r) => r.status === 'failed');
      expect(refused.failureReason).toBe(
        'copy could not be written: Gemini answered 400: API key not valid. Please pass a valid API key.',
      );
      expect(gemini.state.requests).toHaveLength(2);
    } finally {
      gemini.state.apiKeys.add(KEY);
    }
  });

  it('sends the model campaign metadata only — nothing about fans or the account', async () => {
    const { account, campaign } = await campaignFor('Night Drive');
    const { callback } = await fanPresaves(stack, campaign.slug, { user: 'fan-ad-copy-privacy', tz: 'Europe/Paris' });
    expect(callback.status).toBe(303); // the fan and their pre-save are in the database
    const fan = stack.spotify.state.getUser('fan-ad-copy-privacy')!;
    const accountEmail = await stack.db.pool.oneFirst(sql.type(z.object({ email: z.string() }))`
      SELECT a.email FROM accounts a JOIN campaigns c ON c.account_id = a.id WHERE c.id = ${campaign.id}`);
    const requestId = await requestCopy(account, campaign.id, {
      platform: 'google',
      variants: 2,
      genres: ['dream pop'],
    });
    await copyRequest(account, campaign.id, requestId, awaiting());

    expect(gemini.state.requests).toHaveLength(1);
    const sent = JSON.stringify(gemini.state.requests[0].body);
    for (const secret of [
      fan.accountId,
      'fan-ad-copy-privacy',
      accountEmail,
      'Europe/Paris',
      campaign.slug,
      campaign.id,
      requestId,
    ])
      expect(sent).not.toContain(secret);
    const release = JSON.parse(/Release \(JSON\): (\{.*\})/.exec(prompts()[0])![1]);
    expect(release).toEqual({
      artist: 'Luna Vey',
      title: 'Night Drive',
      genres: ['dream pop'],
      releaseDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      explicit: false,
      platform: 'google',
    });
  });

  it('validates input and keeps accounts apart', async () => {
    const { account, campaign } = await campaignFor();
    const bad = await http.post(
      copyUrl(campaign.id),
      { platform: 'tiktok', variants: 9 },
      { headers: account.headers },
    );
    expect(bad.status).toBe(400);
    expect(bad.data.error.code).toBe('validation_failed');
    expect(bad.data.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['platform', 'variants']);
    const stranger = await artistAccount(stack);
    expect((await http.post(copyUrl(campaign.id), { platform: 'meta' }, { headers: stranger.headers })).status).toBe(
      404,
    );
    expect((await http.get(copyUrl(campaign.id), { headers: stranger.headers })).status).toBe(404);
    const requestId = await requestCopy(account, campaign.id, { platform: 'meta', variants: 1 });
    await copyRequest(account, campaign.id, requestId, awaiting());
    const [variant] = (await copyRequest(account, campaign.id, requestId, () => true)).variants;
    expect(
      (
        await http.post(
          `${copyUrl(campaign.id)}/${requestId}/approve`,
          { variantId: variant.id },
          { headers: stranger.headers },
        )
      ).status,
    ).toBe(404);
    expect(
      (await http.post(`${copyUrl(campaign.id)}/${requestId}/reject`, { feedback: '' }, { headers: account.headers }))
        .status,
    ).toBe(400);
    expect(
      (
        await http.post(
          `${copyUrl(campaign.id)}/${requestId}/approve`,
          { variantId: '00000000-0000-4000-8000-000000000000' },
          { headers: account.headers },
        )
      ).status,
    ).toBe(404);
    expect(gemini.state.requests).toHaveLength(1);
  });
});
