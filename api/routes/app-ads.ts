// The artist app's ads pages (api/pages/app-ads.ts, app-ads-review.ts): read with the same db functions as the /v1
// ad routes, scoped by the session's account (another account's campaign is "not found"). Every change is sent by
// /app/setup.js to /v1 (ad copy, approve / reject / edit, ad campaigns, connections) with the session's X-CSRF-Token,
// where each route's role is checked (api/write-roles.ts).
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { approvedCopyVariant, insightTotals, listAdCampaigns } from '../../db/ad-campaigns';
import { listAdCopyRequests } from '../../db/ad-copy';
import { listConnections } from '../../db/connections';
import { isIsoCurrency, majorToMinor } from '../../lib/currency';
import { createAdAccountChoices } from '../ad-account-choices';
import { type AppPageKit, mayChange } from '../app-page-kit';
import { type AppDeps } from '../deps';
import { adsPage } from '../pages/app-ads';
import { adReviewPage } from '../pages/app-ads-review';
import { createAdCampaignBody } from '../schemas';

const text = (max: number) => z.string().trim().max(max).optional();
/** The review form's fields as the browser sends them (GET): all text, bounded; the API's schema judges them. */
const reviewQuery = z.object({
  platform: z.enum(['meta', 'google']),
  amount: text(20),
  currency: text(3),
  endDate: text(10),
  countries: text(200),
  objective: text(20),
  adAccountId: text(24),
  pageId: text(20),
  customerId: text(12),
  youtubeVideoId: text(11),
});

/** The /v1 body the review form describes, or the problems with it in words. */
function adBodyOf(query: unknown): { body: Record<string, unknown> | null; problems: string[] } {
  const q = reviewQuery.safeParse(query);
  if (!q.success) return { body: null, problems: ['the form is not complete: open it again from the ads page'] };
  const { platform, amount, currency, endDate, countries, objective, ...ids } = q.data;
  const code = (currency ?? '').toUpperCase();
  if (!isIsoCurrency(code)) return { body: null, problems: ['currency: a three-letter code such as USD or EUR'] };
  if (!amount || !/^\d+(\.\d{1,3})?$/.test(amount))
    return { body: null, problems: ['budget: a number such as 150 or 150.00'] };
  const body: Record<string, unknown> = {
    platform,
    budget: { amount: majorToMinor(amount, code), currency: code },
    endAt: endDate && /^\d{4}-\d{2}-\d{2}$/.test(endDate) ? `${endDate}T23:59:59Z` : (endDate ?? ''),
    countries: (countries ?? '')
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean),
    objective,
    ...Object.fromEntries(Object.entries(ids).filter(([, value]) => value)),
  };
  const parsed = createAdCampaignBody.safeParse(body);
  return parsed.success
    ? { body, problems: [] }
    : { body: null, problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`) };
}

export function appAdRoutes(deps: AppDeps, kit: AppPageKit): Router {
  const { pool, config } = deps;
  const router = Router();
  const adAccountChoices = createAdAccountChoices(deps);

  const campaignOf = (req: Request, res: Response) => kit.campaignOf(req, res);

  router.get('/app/campaigns/:id/ads', async (req, res) => {
    const s = await campaignOf(req, res);
    if (!s) return;
    const [connections, copy, ads] = await Promise.all([
      listConnections(pool, s.session.accountId),
      listAdCopyRequests(pool, s.campaign.id),
      listAdCampaigns(pool, s.campaign.id),
    ]);
    const canChange = mayChange(s.session, 'manager');
    kit.send(
      res,
      200,
      adsPage({
        csrf: s.csrf,
        campaign: s.campaign,
        canChange,
        // Only for the new-ad forms (shown to those who may change, on a campaign still open): no provider call else.
        choices: canChange && s.campaign.status !== 'cancelled' ? await adAccountChoices(connections) : {},
        writer: config.GEMINI_API_KEY ? 'gemini' : 'template',
        connections,
        copy,
        ads: await Promise.all(ads.map(async (ad) => ({ ad, totals: await insightTotals(pool, ad.id) }))),
      }),
    );
  });

  router.get('/app/campaigns/:id/ads/review', async (req, res) => {
    const s = await campaignOf(req, res);
    if (!s) return;
    const { body, problems } = adBodyOf(req.query);
    const parsed = body ? createAdCampaignBody.parse(body) : null;
    kit.send(
      res,
      parsed ? 200 : 400,
      adReviewPage({
        csrf: s.csrf,
        campaign: s.campaign,
        body,
        parsed,
        problems,
        copy: parsed ? await approvedCopyVariant(pool, s.campaign.id, parsed.platform) : null,
      }),
    );
  });

  return router;
}
