// What the release plan routes and the app page both do (routes/release-plan.ts, routes/app-release-plan.ts):
// start a draft (a releasePlanWorkflow), and apply the artist's edit (re-linted; one with a blocking finding is
// refused and changes nothing, as an ad copy edit that breaks the linter is).
import { randomUUID } from 'node:crypto';
import { type Campaign } from '../db/campaigns';
import {
  createReleasePlan,
  editPlanItems,
  failPlanDraft,
  findReleasePlan,
  OpenPlanError,
  planFactsFor,
  type ReleasePlan,
} from '../db/release-plans';
import { type PlanItem, planItems } from '../lib/release-plan/items';
import { hasBlocking, lintPlan, planContextOf } from '../lib/release-plan/linter';
import { startReleasePlan } from '../lib/starters/release-plan';
import { type AppDeps } from './deps';
import { ApiError } from './errors';
import { type EditPlanBody } from './plan-schemas';

export async function startPlanDraft(
  { pool, temporal, config }: Pick<AppDeps, 'pool' | 'config' | 'temporal'>,
  accountId: string,
  campaign: Campaign,
  input: { budgetMinor: number; currency: string; goals: string | null; explicit: boolean },
): Promise<string> {
  if (campaign.status === 'cancelled') throw new ApiError(409, 'campaign_cancelled', 'this campaign is cancelled');
  let planId: string;
  try {
    planId = await createReleasePlan(pool, { campaignId: campaign.id, ...input });
  } catch (error) {
    if (!(error instanceof OpenPlanError)) throw error;
    throw new ApiError(409, 'plan_exists', 'this campaign has a plan being drafted or accepted already');
  }
  try {
    await startReleasePlan(temporal, config.TEMPORAL_TASK_QUEUE, {
      planId,
      maxRegenerations: config.AD_COPY_MAX_REGENERATIONS,
      campaignId: campaign.id,
      accountId,
    });
  } catch (error) {
    await failPlanDraft(pool, planId, 'the drafting workflow could not be started');
    throw error;
  }
  return planId;
}

export async function editPlan(
  pool: AppDeps['pool'],
  publicUrl: string,
  plan: ReleasePlan,
  edit: EditPlanBody,
): Promise<ReleasePlan> {
  if (plan.status !== 'draft') throw new ApiError(409, 'plan_not_draft', `the plan is ${plan.status}, not a draft`);
  const normalized = planItems.safeParse(
    edit.items.map((i) => ({ ...i, id: i.id ?? randomUUID().slice(0, 8), ad: i.ad ?? null })),
  );
  if (!normalized.success)
    throw new ApiError(
      400,
      'validation_failed',
      'invalid request body',
      normalized.error.issues.map((i) => ({ path: ['items', ...i.path].join('.'), message: i.message })),
    );
  const items: PlanItem[] = normalized.data;
  const budgetMinor = edit.budget?.amount ?? plan.budgetMinor;
  const facts = await planFactsFor(pool, plan.id, publicUrl);
  if (!facts) throw new ApiError(404, 'not_found', 'campaign not found');
  const findings = lintPlan(items, { ...planContextOf(facts), budgetMinor });
  if (hasBlocking(findings))
    throw new ApiError(
      422,
      'plan_not_allowed',
      'the edited plan has blocking findings; nothing was changed',
      findings.filter((f) => f.severity === 'blocking'),
    );
  if (!(await editPlanItems(pool, { planId: plan.id, items, findings, budgetMinor })))
    throw new ApiError(409, 'plan_not_draft', 'the plan was accepted meanwhile');
  return (await findReleasePlan(pool, plan.id))!;
}
