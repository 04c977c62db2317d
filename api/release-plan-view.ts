// A release plan as the API and the app page show it: items in day order, each with its findings, whether dropday
// runs it (and why not), and once accepted what it made (ad campaign or Instagram post with its state, or "task").
import { findAdCampaign } from '../db/ad-campaigns';
import { type Campaign } from '../db/campaigns';
import { findInstagramPostOfAccount } from '../db/instagram-posts';
import { type DatabasePool } from '../db/pool';
import { planResources, type ReleasePlan } from '../db/release-plans';
import { byDay } from '../lib/release-plan/items';
import { hasBlocking } from '../lib/release-plan/linter';
import { itemRun, runContext } from './release-plan-runs';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function presentReleasePlan(
  pool: DatabasePool,
  publicUrl: string,
  accountId: string,
  campaign: Campaign,
  plan: ReleasePlan,
) {
  const [ctx, resources] = await Promise.all([
    runContext(pool, accountId, campaign, plan.currency, publicUrl),
    planResources(pool, plan.id),
  ]);
  const resourceOf = async (itemId: string) => {
    const r = resources.find((x) => x.itemId === itemId);
    if (!r) return null;
    if (r.error || !r.resourceId) return { type: r.kind, id: null, state: null, error: r.error };
    const state =
      r.kind === 'ad_campaign'
        ? ((await findAdCampaign(pool, r.resourceId))?.state ?? 'deleted')
        : ((await findInstagramPostOfAccount(pool, accountId, r.resourceId))?.state ?? 'deleted');
    return { type: r.kind, id: r.resourceId, state, error: null };
  };
  const items = await Promise.all(
    byDay(plan.items).map(async (item) => {
      const run = itemRun(item, ctx);
      return {
        ...item,
        findings: plan.findings.filter((f) => f.itemId === item.id),
        dropdayRuns: { runs: run.runs, as: run.as, reason: run.reason },
        resource: await resourceOf(item.id),
      };
    }),
  );
  return {
    id: plan.id,
    campaignId: plan.campaignId,
    status: plan.status,
    source: plan.source,
    rounds: plan.rounds,
    budget: { amount: plan.budgetMinor, currency: plan.currency },
    goals: plan.goals,
    explicit: plan.explicit,
    failureReason: plan.failureReason,
    acceptable: plan.status === 'draft' && !hasBlocking(plan.findings),
    findings: plan.findings,
    items,
    createdAt: iso(plan.createdAt),
    updatedAt: iso(plan.updatedAt),
    acceptedAt: iso(plan.acceptedAt),
  };
}
export type ReleasePlanView = Awaited<ReturnType<typeof presentReleasePlan>>;
