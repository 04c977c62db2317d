// A campaign's release plan (docs/release-plan.md): POST drafts one (a releasePlanWorkflow: Gemini or the template
// writer, 202), GET reads it with its findings and what dropday will run, PATCH edits its items (re-linted; a
// blocking finding refuses the edit and changes nothing), POST …/accept schedules what dropday can run, once.
import { Router } from 'express';
import { findCampaign } from '../../db/campaigns';
import { releasePlanOfCampaign } from '../../db/release-plans';
import { auth } from '../auth';
import { type AppDeps } from '../deps';
import { notFound } from '../errors';
import { createPlanBody, editPlanBody } from '../plan-schemas';
import { acceptReleasePlan } from '../release-plan-accept';
import { editPlan, startPlanDraft } from '../release-plan-service';
import { presentReleasePlan } from '../release-plan-view';
import { uuidParam } from '../schemas';
import { parseBody, parseParams } from '../validation';

export function releasePlanRoutes(deps: AppDeps): Router {
  const { pool, config } = deps;
  const router = Router();

  const ownedCampaign = async (accountId: string, id: string) => {
    const campaign = await findCampaign(pool, accountId, id);
    if (!campaign) throw notFound('campaign');
    return campaign;
  };
  const planOf = async (campaignId: string) => {
    const plan = await releasePlanOfCampaign(pool, campaignId);
    if (!plan) throw notFound('release plan');
    return plan;
  };

  router.post('/v1/campaigns/:id/plan', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const { accountId } = auth(res);
    const campaign = await ownedCampaign(accountId, id);
    const body = parseBody(createPlanBody, req);
    const planId = await startPlanDraft(deps, accountId, campaign, {
      budgetMinor: body.budget.amount,
      currency: body.budget.currency ?? 'USD',
      goals: body.goals ?? null,
      explicit: body.explicit,
    });
    res
      .status(202)
      .json({ id: planId, campaignId: id, status: 'drafting', writer: config.GEMINI_API_KEY ? 'gemini' : 'template' });
  });

  router.get('/v1/campaigns/:id/plan', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const { accountId } = auth(res);
    const campaign = await ownedCampaign(accountId, id);
    res.json(await presentReleasePlan(pool, config.PUBLIC_URL, accountId, campaign, await planOf(id)));
  });

  router.patch('/v1/campaigns/:id/plan', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const { accountId } = auth(res);
    const campaign = await ownedCampaign(accountId, id);
    const plan = await planOf(id);
    const edited = await editPlan(pool, config.PUBLIC_URL, plan, parseBody(editPlanBody, req));
    res.json(await presentReleasePlan(pool, config.PUBLIC_URL, accountId, campaign, edited));
  });

  router.post('/v1/campaigns/:id/plan/accept', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const { accountId } = auth(res);
    const campaign = await ownedCampaign(accountId, id);
    const accepted = await acceptReleasePlan(deps, accountId, campaign, await planOf(id));
    res.json(await presentReleasePlan(pool, config.PUBLIC_URL, accountId, campaign, accepted));
  });

  return router;
}
