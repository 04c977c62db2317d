// Billing: the account's plan, limits and usage; Stripe Checkout for a subscription or a shop package (a package can
// be bought without an account: the order finds the account with the buyer's address later); the customer portal;
// and the page Stripe sends the buyer back to.
import { type RequestHandler, Router } from 'express';
import type Stripe from 'stripe';
import { findAccount } from '../../db/accounts';
import { accountBilling, planUsage, saveStripeCustomer } from '../../db/billing';
import { PACKAGES, PLANS, TIERS } from '../../lib/billing/plans';
import { billingEnabled } from '../../lib/billing/stripe';
import { APP_SESSION_COOKIE, requireApiKeyOrAppSession } from '../app-session';
import { auth, requireRole } from '../auth';
import { parseCookie } from '../http/cookies';
import { auditMemberChanges } from '../member-audit';
import { signingKeys } from '../../lib/crypto/signed-value';
import { type AppDeps } from '../deps';
import { ApiError } from '../errors';
import { html, page } from '../pages/layout';
import { type CheckoutBody, checkoutBody } from '../schemas';
import { sendPage } from '../pages/send-page';
import { parseBody } from '../validation';

type PackageCheckout = Extract<CheckoutBody, { kind: 'package' }>;
type SubscriptionCheckout = Extract<CheckoutBody, { kind: 'subscription' }>;

function providerError(error: unknown): ApiError {
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(502, 'payment_provider_error', `Stripe did not accept the request: ${message}`);
}

export function billingRoutes(deps: AppDeps): Router {
  const { pool, config, logger } = deps;
  const router = Router();
  const stripe = deps.providers.stripe?.sdk ?? null;
  // An API key, or the app's session (its writes need an owner: ../write-roles.ts), audited like the rest of /v1.
  const signedIn = requireApiKeyOrAppSession(pool, signingKeys(config));
  const audited = auditMemberChanges(pool, logger);
  const bearer: RequestHandler[] = [signedIn, audited];
  // A shop package may be bought signed out; with an Authorization header or the app's cookie, it must be valid.
  const optionalApiKey: RequestHandler = (req, res, next) =>
    req.get('authorization') || parseCookie(req.get('cookie'), APP_SESSION_COOKIE)
      ? signedIn(req, res, (error?: unknown) => (error ? next(error) : audited(req, res, next)))
      : next();
  // Billing is an artist account's: an ops key is refused here as on every other /v1 artist route.
  const artistOnly = requireRole('artist');
  const returnUrl = (status: 'success' | 'cancelled') => `${config.PUBLIC_URL}/billing/return?status=${status}`;

  const requireStripe = (): Stripe => {
    if (!stripe)
      throw new ApiError(
        503,
        'billing_disabled',
        'billing is not configured on this server (STRIPE_SECRET_KEY is not set)',
      );
    return stripe;
  };

  /** The account's Stripe customer, created on its first checkout (the idempotency key makes a racing second
   * request get the same customer from Stripe; the first id stored wins). */
  const customerOf = async (client: Stripe, accountId: string): Promise<string> => {
    const billing = await accountBilling(pool, accountId);
    if (billing.stripeCustomerId) return billing.stripeCustomerId;
    const account = (await findAccount(pool, accountId))!;
    const customer = await client.customers
      .create(
        { email: account.email, name: account.name, metadata: { accountId } },
        { idempotencyKey: `dropday-customer-${accountId}` },
      )
      .catch((error: unknown) => Promise.reject(providerError(error)));
    return saveStripeCustomer(pool, accountId, customer.id);
  };

  const subscriptionSession = async (client: Stripe, accountId: string, body: SubscriptionCheckout) => {
    const plan = PLANS[body.tier];
    return client.checkout.sessions.create({
      mode: 'subscription',
      customer: await customerOf(client, accountId),
      client_reference_id: accountId,
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: body.currency,
            unit_amount: plan.monthlyPrice![body.currency],
            recurring: { interval: 'month' },
            product_data: { name: `dropday ${plan.name}` },
          },
        },
      ],
      metadata: { kind: 'subscription', tier: body.tier, accountId },
      subscription_data: { metadata: { tier: body.tier, accountId } },
      success_url: returnUrl('success'),
      cancel_url: returnUrl('cancelled'),
    });
  };

  const packageSession = async (client: Stripe, accountId: string | null, body: PackageCheckout) => {
    const pkg = PACKAGES[body.packageId];
    // Stripe metadata: string values up to 500 characters, so the order can be rebuilt from the webhook alone.
    const metadata: Record<string, string> = {
      kind: 'package',
      packageId: pkg.id,
      ...(accountId ? { accountId } : {}),
      ...(body.youtubeUrl ? { youtubeUrl: body.youtubeUrl } : {}),
      ...(body.targetCountries ? { targetCountries: body.targetCountries.join(',') } : {}),
      ...body.attribution,
    };
    return client.checkout.sessions.create({
      mode: 'payment',
      ...(accountId
        ? { customer: await customerOf(client, accountId) }
        : body.email
          ? { customer_email: body.email }
          : {}),
      ...(accountId ? { client_reference_id: accountId } : {}),
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: body.currency,
            unit_amount: pkg.price[body.currency],
            product_data: { name: pkg.name, description: pkg.description },
          },
        },
      ],
      metadata,
      payment_intent_data: { metadata },
      success_url: returnUrl('success'),
      cancel_url: returnUrl('cancelled'),
    });
  };

  router.post('/v1/billing/checkout', optionalApiKey, async (req, res) => {
    const body = parseBody(checkoutBody, req);
    const accountId = (res.locals.auth as { accountId: string } | undefined)?.accountId ?? null;
    if (body.kind === 'subscription' && !accountId) {
      res.set('WWW-Authenticate', 'Bearer');
      throw new ApiError(401, 'unauthorized', 'a subscription needs the bearer API key of the account it is for');
    }
    const client = requireStripe();
    let session: Stripe.Checkout.Session;
    try {
      session =
        body.kind === 'subscription'
          ? await subscriptionSession(client, accountId!, body)
          : await packageSession(client, accountId, body);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      logger.warn({ err: error }, 'Stripe checkout session not created');
      throw providerError(error);
    }
    res.status(201).json({ id: session.id, url: session.url, kind: body.kind });
  });

  router.post('/v1/billing/portal', ...bearer, artistOnly, async (_req, res) => {
    const client = requireStripe();
    const { stripeCustomerId } = await accountBilling(pool, auth(res).accountId);
    if (!stripeCustomerId)
      throw new ApiError(409, 'no_billing_customer', 'this account has not checked out yet: subscribe first');
    const portal = await client.billingPortal.sessions
      .create({ customer: stripeCustomerId, return_url: `${config.PUBLIC_URL}/billing/return?status=portal` })
      .catch((error: unknown) => Promise.reject(providerError(error)));
    res.status(201).json({ url: portal.url });
  });

  router.get('/v1/billing', ...bearer, artistOnly, async (_req, res) => {
    const { accountId } = auth(res);
    const [billing, usage] = await Promise.all([accountBilling(pool, accountId), planUsage(pool, accountId)]);
    const plan = PLANS[billing.tier];
    res.json({
      billing: billingEnabled(config) ? 'enabled' : 'disabled',
      plan: { tier: plan.tier, name: plan.name, limits: plan.limits },
      subscription: billing.stripeSubscriptionId
        ? {
            status: billing.subscriptionStatus,
            graceUntil: billing.graceUntil === null ? null : new Date(billing.graceUntil).toISOString(),
          }
        : null,
      usage: {
        activeCampaigns: usage.activeCampaigns,
        // campaigns paid for by a package do not count against the plan's limit
        activeCampaignsOnPlan: usage.activeCampaigns - usage.coveredCampaigns,
        unusedPackageCredits: usage.unusedCredits,
      },
      plans: TIERS.map((tier) => ({
        tier,
        name: PLANS[tier].name,
        limits: PLANS[tier].limits,
        monthlyPrice: PLANS[tier].monthlyPrice,
      })),
      packages: Object.values(PACKAGES),
    });
  });

  router.get('/billing/return', (req, res) => {
    const status = String(req.query.status ?? '');
    const [title, message] =
      status === 'success'
        ? ['Payment received', 'Thank you. A confirmation is on its way to your e-mail address.']
        : status === 'cancelled'
          ? ['Checkout cancelled', 'Nothing was charged.']
          : ['Billing', 'You can close this page.'];
    sendPage(res, 200, page(title, html`<h1>${title}</h1><p>${message}</p>`));
  });

  return router;
}
