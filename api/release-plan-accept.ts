// Accepting a release plan (docs/release-plan.md): no blocking finding, then each item that dropday runs is made
// through the same service as its own route (./ad-campaign-create.ts, ./instagram-posts.ts). Each item is claimed
// in release_plan_resources before it is made, under an id chosen at its first claim, and settled once its resource
// is recorded: accepting twice (or two accepts at once) makes nothing twice, and an accept cut short between an
// item's claim and its record (the API process dying) is finished by the next accept under the same id.
import { type Campaign } from '../db/campaigns';
import {
  claimPlanItem,
  findReleasePlan,
  markPlanAccepted,
  recordPlanResource,
  type ReleasePlan,
} from '../db/release-plans';
import { hasBlocking } from '../lib/release-plan/linter';
import { createAdCampaigns } from './ad-campaign-create';
import { type AppDeps } from './deps';
import { ApiError } from './errors';
import { scheduleInstagramPost } from './instagram-posts';
import { itemRun, runContext } from './release-plan-runs';

export async function acceptReleasePlan(
  deps: Pick<AppDeps, 'pool' | 'config' | 'temporal'>,
  accountId: string,
  campaign: Campaign,
  plan: ReleasePlan,
): Promise<ReleasePlan> {
  const { pool, config } = deps;
  if (plan.status === 'drafting' || plan.status === 'failed')
    throw new ApiError(409, 'plan_not_draft', `the plan is ${plan.status}; there is nothing to accept yet`);
  if (plan.status === 'draft' && hasBlocking(plan.findings))
    throw new ApiError(
      422,
      'plan_has_blocking_findings',
      'fix the blocking findings first; nothing was scheduled',
      plan.findings.filter((f) => f.severity === 'blocking'),
    );
  if (campaign.status === 'cancelled') throw new ApiError(409, 'campaign_cancelled', 'this campaign is cancelled');
  if (!(await markPlanAccepted(pool, plan.id)))
    throw new ApiError(409, 'plan_not_draft', 'the plan changed meanwhile; read it again');

  const createAdCampaign = createAdCampaigns(deps);
  const ctx = await runContext(pool, accountId, campaign, plan.currency, config.PUBLIC_URL);
  for (const item of plan.items) {
    const run = itemRun(item, ctx);
    const kind = run.runs ? run.as : 'task';
    const claim = await claimPlanItem(pool, { planId: plan.id, itemId: item.id, kind });
    if (claim.settled) continue;
    const id = claim.intendedId;
    let resourceId: string | null = null;
    let error: string | null = null;
    try {
      if (run.as === 'ad_campaign' && run.body)
        resourceId = (await createAdCampaign(accountId, campaign, run.body, { id })).id;
      else if (run.as === 'instagram_post' && run.body)
        resourceId = (await scheduleInstagramPost(deps, accountId, campaign.id, run.body, { id })).id;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      error = e.message; // the item stays the artist's to do; the others go on
    }
    await recordPlanResource(pool, { planId: plan.id, itemId: item.id, resourceId, error });
  }
  return (await findReleasePlan(pool, plan.id))!;
}
