// The release plan page of the artist app (../pages/app-release-plan.ts): the same services as /v1/campaigns/:id/plan
// (../release-plan-service.ts, ../release-plan-accept.ts) behind plain forms with the anti-forgery field. Another
// account's campaign is "not found"; viewers read and are refused every change (403, nothing changed).
import { type Request, type Response, Router } from 'express';
import { findReleasePlan, releasePlanOfCampaign } from '../../db/release-plans';
import { majorToMinor } from '../../lib/currency';
import { type PlanItem } from '../../lib/release-plan/items';
import { type AppPageKit, mayChange } from '../app-page-kit';
import { type AppDeps } from '../deps';
import { ApiError } from '../errors';
import { appPlanAcceptForm, appPlanDraftForm, appPlanItemForm } from '../plan-schemas';
import { acceptReleasePlan } from '../release-plan-accept';
import { editPlan, startPlanDraft } from '../release-plan-service';
import { presentReleasePlan } from '../release-plan-view';
import { releasePlanPage } from '../pages/app-release-plan';
import { messagePage } from '../pages/smart-link';

/** An ApiError's message and details in words for the page. */
function wordsOf(error: ApiError): string {
  const details = Array.isArray(error.details)
    ? (error.details as { message?: string }[]).map((d) => d.message).filter(Boolean)
    : [];
  return `${error.message}${details.length ? `: ${details.join('; ')}` : ''}`;
}

export function appReleasePlanRoutes(deps: AppDeps, kit: AppPageKit): Router {
  const { pool, config } = deps;
  const router = Router();
  const path = (id: string) => `/app/campaigns/${id}/plan`;

  function campaignOf(req: Request, res: Response, needs: 'read' | 'manager') {
    // Refused before anything is looked up: a viewer learns nothing from a change's answer.
    return kit.campaignOf(req, res, (session) => {
      if (needs !== 'manager' || mayChange(session, 'manager')) return false;
      kit.send(
        res,
        403,
        messagePage('Not allowed', 'Viewers see the plan; an owner or manager changes it. Nothing was changed.'),
      );
      return true;
    });
  }
  type Scope = NonNullable<Awaited<ReturnType<typeof campaignOf>>>;

  async function render(res: Response, s: Scope, status = 200, extra: { error?: string; notice?: string } = {}) {
    const plan = await releasePlanOfCampaign(pool, s.campaign.id);
    kit.send(
      res,
      status,
      releasePlanPage({
        csrf: s.csrf,
        campaign: s.campaign,
        plan: plan ? await presentReleasePlan(pool, config.PUBLIC_URL, s.session.accountId, s.campaign, plan) : null,
        canChange: mayChange(s.session, 'manager'),
        ...extra,
      }),
    );
  }

  /** Runs a change; an ApiError is shown on the page with its status, and nothing was changed. */
  async function change(res: Response, s: Scope, run: () => Promise<string>) {
    try {
      const notice = await run();
      res.redirect(303, `${path(s.campaign.id)}?done=${encodeURIComponent(notice)}`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      await render(res, s, error.status, { error: `${wordsOf(error)}. Nothing was changed.` });
    }
  }

  const NOTICES: Record<string, string> = { drafted: 'Drafting the plan…', saved: 'Saved.', accepted: 'Accepted.' };

  router.get('/app/campaigns/:id/plan', async (req, res) => {
    const s = await campaignOf(req, res, 'read');
    if (!s) return;
    await render(res, s, 200, { notice: NOTICES[String(req.query.done ?? '')] });
  });

  router.post('/app/campaigns/:id/plan', ...kit.form, async (req, res) => {
    const s = await campaignOf(req, res, 'manager');
    if (!s) return;
    const form = appPlanDraftForm.safeParse(req.body ?? {});
    if (!form.success)
      return render(res, s, 400, { error: 'Give the budget as a number such as 150. Nothing was changed.' });
    const currency = form.data.currency ?? 'USD';
    await change(res, s, async () => {
      await startPlanDraft(deps, s.session.accountId, s.campaign, {
        budgetMinor: majorToMinor(form.data.amount, currency),
        currency,
        goals: form.data.goals || null,
        explicit: false,
      });
      return 'drafted';
    });
  });

  router.post('/app/campaigns/:id/plan/items/:itemId', ...kit.form, async (req, res) => {
    const s = await campaignOf(req, res, 'manager');
    if (!s) return;
    const plan = await releasePlanOfCampaign(pool, s.campaign.id);
    const item = plan?.items.find((i) => i.id === req.params.itemId);
    if (!plan || !item) return render(res, s, 404, { error: 'No such item in this plan. Nothing was changed.' });
    const form = appPlanItemForm.safeParse(req.body ?? {});
    if (!form.success)
      return render(res, s, 400, {
        error: `${form.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}. Nothing was changed.`,
      });
    const f = form.data;
    const changed: PlanItem = {
      ...item,
      day: Number(f.day),
      title: f.title,
      text: f.text,
      ad: item.ad
        ? {
            ...item.ad,
            budget: f.budget ? majorToMinor(f.budget, plan.currency) : item.ad.budget,
            startDay: f.startDay ? Number(f.startDay) : item.ad.startDay,
            endDay: f.endDay ? Number(f.endDay) : item.ad.endDay,
            countries: (f.countries ?? '')
              .split(',')
              .map((c) => c.trim().toUpperCase())
              .filter(Boolean),
            adAccountId: f.adAccountId || null,
            pageId: f.pageId || null,
            customerId: f.customerId || null,
            youtubeVideoId: f.youtubeVideoId || null,
          }
        : null,
    };
    await change(res, s, async () => {
      const items = plan.items.map((i) => (i.id === item.id ? changed : i));
      await editPlan(pool, config.PUBLIC_URL, plan, { items });
      return 'saved';
    });
  });

  router.post('/app/campaigns/:id/plan/accept', ...kit.form, async (req, res) => {
    const s = await campaignOf(req, res, 'manager');
    if (!s) return;
    if (!appPlanAcceptForm.safeParse(req.body ?? {}).success)
      return render(res, s, 400, { error: 'Tick the box to confirm what will be scheduled. Nothing was changed.' });
    const plan = await releasePlanOfCampaign(pool, s.campaign.id);
    if (!plan) return render(res, s, 404, { error: 'There is no plan to accept.' });
    await change(res, s, async () => {
      await acceptReleasePlan(deps, s.session.accountId, s.campaign, (await findReleasePlan(pool, plan.id))!);
      return 'accepted';
    });
  });

  return router;
}
