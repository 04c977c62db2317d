// The release plan end to end (docs/release-plan.md): API → PostgreSQL → Temporal (releasePlanWorkflow) → worker →
// @google/generative-ai → Gemini simulator. A Gemini plan under the JSON schema, linted (a policy breach is a
// blocking finding); invalid JSON or a failing Gemini → the template writer's plan; an edit with a bad budget split
// is refused and changes nothing; accepting creates the Meta ad campaign exactly once and leaves tasks as tasks, and
// an accept cut short between an item's claim and its record is finished by the next; another account gets 404.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { startGeminiSimulator } from '../../simulators/gemini';
import { startMetaSimulator } from '../../simulators/meta';
import { approvedCopy, connectMeta } from '../helpers/ads';
import { META_APP, metaEnv } from '../helpers/ad-simulators';
import { artistAccount, createCampaign, http, useReleaseStack, waitFor } from '../helpers/release-stack';

const KEY = 'test-gemini-key';
let gemini: Awaited<ReturnType<typeof startGeminiSimulator>>;
let meta: Awaited<ReturnType<typeof startMetaSimulator>>;
beforeAll(async () => {
  gemini = await startGeminiSimulator({ apiKeys: [KEY] });
  meta = await startMetaSimulator(META_APP);
});
const stack = useReleaseStack(() => ({
  env: {
    GEMINI_API_KEY: KEY,
    GEMINI_API_URL: gemini.url,
    GEMINI_MODEL: 'gemini-sim-1',
    AD_COPY_MAX_REGENERATIONS: '2',
    ...metaEnv(meta),
  },
}));
afterAll(async () => {
  await gemini?.close();
  await meta?.close();
});
beforeEach(() => {
  gemini.state.script.length = 0;
  gemini.state.requests.length = 0;
});

interface Item {
  id: string;
  day: number;
  kind: string;
  title: string;
  text: string;
  ad: Record<string, unknown> | null;
  findings: { code: string; severity: string }[];
  dropdayRuns: { runs: boolean; as: string; reason: string };
  resource: { type: string; id: string | null; state: string | null; error: string | null } | null;
}
interface Plan {
  id: string;
  status: string;
  source: string;
  rounds: number;
  acceptable: boolean;
  budget: { amount: number; currency: string };
  findings: { itemId: string | null; code: string; severity: string }[];
  items: Item[];
}
type Account = Awaited<ReturnType<typeof artistAccount>>;

const planUrl = (campaignId: string) => `${stack.api.url}/v1/campaigns/${campaignId}/plan`;
const DAYS_AHEAD = 21 * 86400 + 3600;

async function campaignFor() {
  const account = await artistAccount(stack);
  const campaign = await createCampaign(stack, account, 'Midnight Sun', { secondsAhead: DAYS_AHEAD });
  return { account, campaign };
}

async function draftedPlan(account: Account, campaignId: string, budget = 30000): Promise<Plan> {
  const res = await http.post(
    planUrl(campaignId),
    { budget: { amount: budget, currency: 'USD' } },
    { headers: account.headers },
  );
  expect(res.status).toBe(202);
  expect(res.data).toMatchObject({ status: 'drafting', writer: 'gemini' });
  const read = await waitFor(
    'the drafted plan',
    () => http.get(planUrl(campaignId), { headers: account.headers }),
    (r) => r.status === 200 && r.data.status !== 'drafting',
    30_000,
  );
  return read.data as Plan;
}

const blocking = (p: { findings: { code: string; severity: string }[] }) =>
  p.findings.filter((f) => f.severity === 'blocking');
const adSum = (items: Item[]) => items.reduce((s, i) => s + Number(i.ad?.budget ?? 0), 0);
/** The items as PATCH takes them back. */
const editable = (items: Item[]) =>
  items.map(({ id, day, kind, title, text, ad }) => ({ id, day, kind, title, text, ad }));

describe('release plan', () => {
  it('Gemini drafts it under the JSON schema; the budget adds up, the text is linted, what dropday runs is said', async () => {
    const { account, campaign } = await campaignFor();
    const plan = await draftedPlan(account, campaign.id);
    expect(plan).toMatchObject({
      status: 'draft',
      source: 'gemini',
      rounds: 1,
      budget: { amount: 30000, currency: 'USD' },
    });
    expect(gemini.state.requests).toHaveLength(1);
    const body = gemini.state.requests[0]!.body as {
      generationConfig: { responseMimeType: string; responseSchema: unknown };
    };
    expect(body.generationConfig.responseMimeType).toBe('application/json');
    expect(JSON.stringify(body.generationConfig.responseSchema)).toContain('presave_push');

    expect(new Set(plan.items.map((i) => i.kind))).toEqual(
      new Set(['presave_push', 'ad_campaign', 'reminder', 'instagram_post', 'task']),
    );
    expect(adSum(plan.items)).toBe(30000);
    expect(blocking(plan)).toEqual([]);
    expect(plan.acceptable).toBe(true);
    // Posted text carries the smart link (added by dropday, never trusted to the model).
    for (const i of plan.items.filter((x) => x.kind === 'instagram_post' || x.kind === 'presave_push'))
      expect(i.text).toContain(`/l/${campaign.slug}`);
    const ad = plan.items.find((i) => i.kind === 'ad_campaign')!;
    expect(ad.findings.map((f) => f.code)).toContain('ids_missing');
    expect(ad.dropdayRuns).toMatchObject({ runs: false, as: 'ad_campaign' });
    expect(ad.dropdayRuns.reason).toMatch(/connect Meta/);
    expect(plan.items.find((i) => i.kind === 'reminder')!.dropdayRuns).toMatchObject({ runs: true, as: 'reminders' });
    expect(plan.items.find((i) => i.kind === 'task')!.dropdayRuns).toMatchObject({ runs: false, as: 'task' });
  });

  it('a schema-valid answer that breaks the ad policy is stored with a blocking finding and cannot be accepted', async () => {
    const { account, campaign } = await campaignFor();
    gemini.state.enqueue({
      text: JSON.stringify({
        items: [
          { day: -7, kind: 'task', title: 'Guaranteed 1M streams', text: 'Go viral with the release.' },
          { day: 0, kind: 'reminder', title: 'Reminders', text: 'On.' },
        ],
      }),
    });
    const plan = await draftedPlan(account, campaign.id, 0);
    expect(plan.source).toBe('gemini');
    const codes = blocking(plan).map((f) => f.code);
    expect(codes).toEqual(expect.arrayContaining(['unverifiable_claim']));
    expect(plan.acceptable).toBe(false);
    const accept = await http.post(`${planUrl(campaign.id)}/accept`, {}, { headers: account.headers });
    expect(accept.status).toBe(422);
    expect(accept.data.error.code).toBe('plan_has_blocking_findings');
    expect((await http.get(planUrl(campaign.id), { headers: account.headers })).data.status).toBe('draft');
  });

  it('invalid JSON in every round, or a failing Gemini, gives the template writer’s plan', async () => {
    const { account, campaign } = await campaignFor();
    gemini.state.enqueue({ text: 'not json {' }, { text: '{"items": "no"}' }, { finishReason: 'MAX_TOKENS' });
    const plan = await draftedPlan(account, campaign.id);
    expect(gemini.state.requests).toHaveLength(3); // 1 + AD_COPY_MAX_REGENERATIONS rounds
    expect(plan).toMatchObject({ status: 'draft', source: 'template', rounds: 3 });
    expect(adSum(plan.items)).toBe(30000);
    expect(blocking(plan)).toEqual([]);

    const other = await campaignFor();
    gemini.state.enqueue({ error: 503 }, { error: 503 }, { error: 503 });
    const failed = await draftedPlan(other.account, other.campaign.id, 5000);
    expect(failed).toMatchObject({ status: 'draft', source: 'template' });
    expect(gemini.state.requests.length).toBeGreaterThanOrEqual(3);
    expect(blocking(failed)).toEqual([]);
  });

  it('an edit whose budget split does not add up is refused and changes nothing; another account gets 404', async () => {
    const { account, campaign } = await campaignFor();
    const plan = await draftedPlan(account, campaign.id);
    const items = editable(plan.items);
    const ad = items.find((i) => i.kind === 'ad_campaign')!;
    ad.ad = { ...ad.ad, budget: Number(ad.ad!.budget) + 100 };
    const bad = await http.patch(planUrl(campaign.id), { items }, { headers: account.headers });
    expect(bad.status).toBe(422);
    expect(bad.data.error.code).toBe('plan_not_allowed');
    expect(bad.data.error.details.map((f: { code: string }) => f.code)).toContain('budget_split');
    const garbage = await http.patch(planUrl(campaign.id), { items: [{ kind: 'nope' }] }, { headers: account.headers });
    expect(garbage.status).toBe(400);
    const after = (await http.get(planUrl(campaign.id), { headers: account.headers })).data as Plan;
    expect(editable(after.items)).toEqual(editable(plan.items));

    // The same edit with the budget raised to match is accepted.
    const good = await http.patch(
      planUrl(campaign.id),
      { items, budget: { amount: 30100 } },
      { headers: account.headers },
    );
    expect(good.status).toBe(200);
    expect(good.data.budget.amount).toBe(30100);

    const stranger = await artistAccount(stack);
    for (const res of [
      await http.get(planUrl(campaign.id), { headers: stranger.headers }),
      await http.patch(planUrl(campaign.id), { items }, { headers: stranger.headers }),
      await http.post(`${planUrl(campaign.id)}/accept`, {}, { headers: stranger.headers }),
      await http.post(planUrl(campaign.id), { budget: { amount: 1 } }, { headers: stranger.headers }),
    ])
      expect(res.status).toBe(404);
  });

  /** A drafted plan whose Meta ad item dropday runs (Meta connected, copy approved, ad account and Page named). */
  async function planWithMetaAd(user: string) {
    const { account, campaign } = await campaignFor();
    await connectMeta(stack, meta, account, user);
    await approvedCopy(stack.db.pool, campaign.id, 'meta');
    const plan = await draftedPlan(account, campaign.id);
    const items = editable(plan.items);
    const ad = items.find((i) => i.kind === 'ad_campaign')!;
    ad.ad = { ...ad.ad, adAccountId: 'act_1234567890', pageId: '1122334455' };
    const edited = await http.patch(planUrl(campaign.id), { items }, { headers: account.headers });
    expect(edited.status).toBe(200);
    const edItem = (edited.data as Plan).items.find((i) => i.kind === 'ad_campaign')!;
    expect(edItem.dropdayRuns).toMatchObject({ runs: true, as: 'ad_campaign' });
    return { account, campaign, plan, items, ad };
  }

  it('accepting creates the Meta ad campaign once (accept twice) and leaves tasks as tasks', async () => {
    const { account, campaign, items } = await planWithMetaAd('ads-user');

    const first = await http.post(`${planUrl(campaign.id)}/accept`, {}, { headers: account.headers });
    expect(first.status).toBe(200);
    const second = await http.post(`${planUrl(campaign.id)}/accept`, {}, { headers: account.headers });
    expect(second.status).toBe(200);
    const accepted = second.data as Plan;
    expect(accepted.status).toBe('accepted');
    const adItem = accepted.items.find((i) => i.kind === 'ad_campaign')!;
    expect(adItem.resource).toMatchObject({ type: 'ad_campaign', error: null });
    expect(adItem.resource!.id).toMatch(/^[0-9a-f-]{36}$/);
    for (const t of accepted.items.filter((i) => i.kind === 'task' || i.kind === 'presave_push'))
      expect(t.resource).toMatchObject({ type: 'task', id: null });
    expect(accepted.items.find((i) => i.kind === 'reminder')!.resource).toMatchObject({ type: 'reminders' });
    // No Instagram account connected: the release-day post stays the artist's.
    expect(accepted.items.find((i) => i.kind === 'instagram_post')!.resource).toMatchObject({ type: 'task' });

    const ads = await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/ads`, { headers: account.headers });
    expect(ads.data.items).toHaveLength(1);
    expect(ads.data.items[0]).toMatchObject({ id: adItem.resource!.id, platform: 'meta', budget: { amount: 30000 } });
    // An accepted plan is not edited and not drafted over.
    expect((await http.patch(planUrl(campaign.id), { items }, { headers: account.headers })).status).toBe(409);
    expect(
      (await http.post(planUrl(campaign.id), { budget: { amount: 1 } }, { headers: account.headers })).status,
    ).toBe(409);
  });

  it("an accept cut short between an item's claim and its record is finished by the next one, once", async () => {
    const { account, campaign, plan, ad } = await planWithMetaAd('ads-user-cut');
    const pool = stack.db.pool;
    const accept = () => http.post(`${planUrl(campaign.id)}/accept`, {}, { headers: account.headers });
    const adsOf = async () =>
      (await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/ads`, { headers: account.headers })).data.items as {
        id: string;
      }[];
    const adResource = (p: Plan) => p.items.find((i) => i.id === ad.id)!.resource;

    // The API process died right after claiming the ad item: nothing made, nothing recorded.
    await pool.query(sql.unsafe`
      UPDATE release_plans SET status = 'accepted', accepted_at = now() WHERE id = ${plan.id}`);
    await pool.query(sql.unsafe`
      INSERT INTO release_plan_resources (plan_id, item_id, kind) VALUES (${plan.id}, ${ad.id}, 'ad_campaign')`);
    const intendedId = await pool.oneFirst(sql.type(z.object({ id: z.string() }))`
      SELECT intended_id AS id FROM release_plan_resources WHERE plan_id = ${plan.id} AND item_id = ${ad.id}`);
    const first = await accept();
    expect(first.status).toBe(200);
    expect(adResource(first.data as Plan)).toMatchObject({ type: 'ad_campaign', id: intendedId, error: null });
    expect((await adsOf()).map((a) => a.id)).toEqual([intendedId]);
    const adWorkflow = (id: string) => stack.temporal.client.workflow.getHandle(`ad-campaign:${id}`);
    const afterFirst = await adWorkflow(intendedId).describe();

    // Died again after the ad campaign was made and its workflow started, before the record: asked again, the
    // same campaign is recorded, no second one made, its workflow not started twice.
    await pool.query(sql.unsafe`
      UPDATE release_plan_resources SET resource_id = NULL, settled_at = NULL
      WHERE plan_id = ${plan.id} AND item_id = ${ad.id}`);
    const second = await accept();
    expect(second.status).toBe(200);
    expect(adResource(second.data as Plan)).toMatchObject({ type: 'ad_campaign', id: intendedId, error: null });
    expect((await adsOf()).map((a) => a.id)).toEqual([intendedId]);
    const afterSecond = await adWorkflow(intendedId).describe();
    expect(afterSecond.runId).toBe(afterFirst.runId);
  });
});
