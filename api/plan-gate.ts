// Plan limits, enforced by the API. A feature the plan lacks answers 402 `plan_upgrade_required`; a full campaign
// quota answers 402 `plan_limit_reached`; both name the limit and where to upgrade. Billing off (no Stripe key):
// nothing is limited.
import { type RequestHandler } from 'express';
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import {
  accountBilling,
  checkoutSessionOfOrder,
  hasFeature,
  lockAccountBilling,
  planUsage,
  useCreditFor,
} from '../db/billing';
import { PLANS, type PlanFeature } from '../lib/billing/plans';
import { billingEnabled } from '../lib/billing/stripe';
import { auth } from './auth';
import { type AppDeps } from './deps';
import { ApiError } from './errors';

const FEATURE_NAMES: Record<PlanFeature, string> = { fanExport: 'fan export', adAutomation: 'ad automation' };

const upgradeDetails = (config: AppDeps['config'], extra: Record<string, unknown>) => ({
  ...extra,
  upgrade: {
    method: 'POST',
    url: `${config.PUBLIC_URL}/v1/billing/checkout`,
    body: { kind: 'subscription', tier: 'pro' },
  },
});

/**
 * Express middleware: the route needs `feature` in the account's plan. On a campaign route (`:id`), a shop package
 * used on that campaign also grants ad automation. Use after the API-key check, e.g.
 * `router.post('/v1/campaigns/:id/ads', requirePlanFeature(deps, 'adAutomation'), handler)`.
 */
export function requirePlanFeature(
  { pool, config }: Pick<AppDeps, 'pool' | 'config'>,
  feature: PlanFeature,
): RequestHandler {
  return async (req, res, next) => {
    if (!billingEnabled(config)) return next();
    const { accountId } = auth(res);
    const campaignId = z.string().uuid().safeParse(req.params.id).success ? String(req.params.id) : undefined;
    if (await hasFeature(pool, accountId, feature, campaignId)) return next();
    const { tier } = await accountBilling(pool, accountId);
    throw new ApiError(
      402,
      'plan_upgrade_required',
      `the ${PLANS[tier].name} plan does not include ${FEATURE_NAMES[feature]}: upgrade to use it`,
      upgradeDetails(config, { feature, tier }),
    );
  };
}

/**
 * Admits a campaign just inserted in `tx` (rolled back with it when refused). The account's oldest unused package
 * credit goes to it; otherwise it must fit the plan's active-campaign limit. Returns the Checkout Session id of
 * the order whose credit it took, so the caller can tell that order's workflow.
 */
export async function admitCampaign(
  tx: DatabaseTransactionConnection,
  config: AppDeps['config'],
  accountId: string,
  campaignId: string,
): Promise<{ checkoutSessionId: string | null }> {
  const { tier } = await lockAccountBilling(tx, accountId);
  const orderId = await useCreditFor(tx, accountId, campaignId);
  if (orderId) {
    const checkoutSessionId = await checkoutSessionOfOrder(tx, orderId);
    return { checkoutSessionId };
  }
  if (!billingEnabled(config)) return { checkoutSessionId: null };
  const usage = await planUsage(tx, accountId);
  const limit = PLANS[tier].limits.activeCampaigns;
  // Campaigns paid for by a package do not count against the plan.
  if (usage.activeCampaigns - usage.coveredCampaigns > limit) {
    throw new ApiError(
      402,
      'plan_limit_reached',
      `the ${PLANS[tier].name} plan allows ${limit} active campaign${limit === 1 ? '' : 's'}: upgrade, buy a package, or wait until one completes`,
      upgradeDetails(config, { limit: 'activeCampaigns', allowed: limit, tier }),
    );
  }
  return { checkoutSessionId: null };
}
