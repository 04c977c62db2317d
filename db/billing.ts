// Billing state: each account's plan and Stripe ids, Stripe events handled once, shop orders and the package
// credits they provision. Every write here is idempotent, so webhook retries and activity retries are safe.
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { PLANS, type PlanFeature, type Tier, TIERS } from '../lib/billing/plans';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;

const billingRow = z.object({
  tier: z.enum(TIERS),
  stripeCustomerId: z.string().nullable(),
  stripeSubscriptionId: z.string().nullable(),
  subscriptionStatus: z.string().nullable(),
  graceUntil: z.number().nullable(),
});
/** The associated data that binds an order's sealed e-mail address to its row (see encrypted-columns.ts). */
export const orderEmailContext = (orderId: string) => `orders:${orderId}:email`;

export type AccountBilling = z.infer<typeof billingRow>;

const FREE: AccountBilling = {
  tier: 'free',
  stripeCustomerId: null,
  stripeSubscriptionId: null,
  subscriptionStatus: null,
  graceUntil: null,
};

export async function accountBilling(db: Db, accountId: string): Promise<AccountBilling> {
  const row = await db.maybeOne(sql.type(billingRow)`
    SELECT tier, stripe_customer_id AS "stripeCustomerId", stripe_subscription_id AS "stripeSubscriptionId",
           subscription_status AS "subscriptionStatus", grace_until AS "graceUntil"
    FROM account_billing WHERE account_id = ${accountId}`);
  return row ?? FREE;
}

/** Keeps the first customer id stored for the account (two racing checkouts end up with one customer). */
export async function saveStripeCustomer(db: Db, accountId: string, customerId: string): Promise<string> {
  return db.oneFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO account_billing (account_id, stripe_customer_id) VALUES (${accountId}, ${customerId})
    ON CONFLICT (account_id) DO UPDATE SET stripe_customer_id = coalesce(account_billing.stripe_customer_id, excluded.stripe_customer_id)
    RETURNING stripe_customer_id AS id`);
}

export async function accountOfStripeCustomer(db: Db, customerId: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    SELECT account_id AS id FROM account_billing WHERE stripe_customer_id = ${customerId}`);
}

/** One row per account, locked: serialises plan checks (e.g. two campaigns created at once). */
export async function lockAccountBilling(
  tx: DatabaseTransactionConnection,
  accountId: string,
): Promise<AccountBilling> {
  await tx.query(sql.unsafe`INSERT INTO account_billing (account_id) VALUES (${accountId}) ON CONFLICT DO NOTHING`);
  await tx.query(sql.unsafe`SELECT 1 FROM account_billing WHERE account_id = ${accountId} FOR UPDATE`);
  return accountBilling(tx, accountId);
}

/** A subscription's state as Stripe reports it. `past_due` / `incomplete` keep the tier (the grace period decides). */
export async function applySubscription(
  db: Db,
  input: {
    accountId: string;
    customerId: string;
    subscriptionId: string;
    status: string;
    tier: Tier;
    eventCreated: number;
  },
): Promise<void> {
  // Stripe's own retries are over for these: no grace left to give.
  const ended = ['canceled', 'incomplete_expired', 'unpaid', 'paused'].includes(input.status);
  const healthy = ['active', 'trialing'].includes(input.status);
  await db.query(sql.unsafe`
    INSERT INTO account_billing (account_id, tier, stripe_customer_id, stripe_subscription_id, subscription_status, subscription_event_at)
    VALUES (${input.accountId}, ${healthy ? input.tier : 'free'}, ${input.customerId}, ${input.subscriptionId}, ${input.status}, ${input.eventCreated})
    ON CONFLICT (account_id) DO UPDATE SET
      stripe_customer_id = coalesce(account_billing.stripe_customer_id, excluded.stripe_customer_id),
      stripe_subscription_id = excluded.stripe_subscription_id,
      subscription_status = excluded.subscription_status,
      tier = CASE WHEN ${ended} THEN 'free'
                  WHEN ${healthy} THEN ${input.tier}
                  ELSE account_billing.tier END,
      grace_until = CASE WHEN ${healthy} OR ${ended} THEN NULL ELSE account_billing.grace_until END,
      subscription_event_at = excluded.subscription_event_at,
      updated_at = now()
    WHERE account_billing.subscription_event_at IS NULL OR account_billing.subscription_event_at <= excluded.subscription_event_at`);
}

/** A failed payment starts the grace period (the first failure sets its end; later ones keep it). */
export async function startGrace(db: Db, subscriptionId: string, graceUntil: number): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    UPDATE account_billing SET subscription_status = 'past_due',
           grace_until = coalesce(grace_until, to_timestamp(${graceUntil / 1000})), updated_at = now()
    WHERE stripe_subscription_id = ${subscriptionId} RETURNING account_id AS id`);
}

/** End of grace: back to free unless the subscription recovered meanwhile. Idempotent. */
export async function downgradeAfterGrace(db: Db, subscriptionId: string): Promise<boolean> {
  const row = await db.maybeOne(sql.unsafe`
    UPDATE account_billing SET tier = 'free', updated_at = now()
    WHERE stripe_subscription_id = ${subscriptionId} AND grace_until IS NOT NULL AND tier <> 'free'
      AND coalesce(subscription_status, '') NOT IN ('active', 'trialing')
    RETURNING account_id`);
  return row !== null;
}

/** Whether this Stripe event was handled already (a replayed delivery). */
export async function isStripeEventRecorded(db: Db, eventId: string): Promise<boolean> {
  return db.exists(sql.unsafe`SELECT 1 FROM stripe_events WHERE event_id = ${eventId}`);
}

/** Records a Stripe event id; false when it was seen before (the delivery is a replay). */
export async function recordStripeEvent(
  tx: DatabaseTransactionConnection,
  eventId: string,
  type: string,
): Promise<boolean> {
  const row = await tx.maybeOne(sql.unsafe`
    INSERT INTO stripe_events (event_id, type) VALUES (${eventId}, ${type}) ON CONFLICT DO NOTHING RETURNING event_id`);
  return row !== null;
}

// --- plan usage

const usageRow = z.object({
  activeCampaigns: z.coerce.number(),
  coveredCampaigns: z.coerce.number(),
  unusedCredits: z.coerce.number(),
});
export type PlanUsage = z.infer<typeof usageRow>;

export async function planUsage(db: Db, accountId: string): Promise<PlanUsage> {
  return db.one(sql.type(usageRow)`
    SELECT
      (SELECT count(*) FROM campaigns c WHERE c.account_id = ${accountId} AND c.status IN ('scheduled', 'releasing')) AS "activeCampaigns",
      (SELECT count(*) FROM campaigns c JOIN package_credits p ON p.campaign_id = c.id
        WHERE c.account_id = ${accountId} AND c.status IN ('scheduled', 'releasing')) AS "coveredCampaigns",
      (SELECT count(*) FROM package_credits p WHERE p.account_id = ${accountId} AND p.campaign_id IS NULL) AS "unusedCredits"`);
}

/** Whether the account's plan, or a package credit on this campaign, includes the feature. */
export async function hasFeature(
  db: Db,
  accountId: string,
  feature: PlanFeature,
  campaignId?: string,
): Promise<boolean> {
  const { tier } = await accountBilling(db, accountId);
  if (PLANS[tier].limits[feature]) return true;
  if (feature !== 'adAutomation' || !campaignId) return false;
  return db.exists(sql.unsafe`
    SELECT 1 FROM package_credits p JOIN campaigns c ON c.id = p.campaign_id
    WHERE p.campaign_id = ${campaignId} AND c.account_id = ${accountId}`);
}

/** The account's oldest unused package credit goes to this campaign; returns its order id. */
export async function useCreditFor(
  tx: DatabaseTransactionConnection,
  accountId: string,
  campaignId: string,
): Promise<string | null> {
  return tx.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    UPDATE package_credits SET campaign_id = ${campaignId}
    WHERE order_id = (SELECT order_id FROM package_credits WHERE account_id = ${accountId} AND campaign_id IS NULL
                      ORDER BY created_at, order_id LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING order_id AS id`);
}

// --- orders

export interface NewOrder {
  id: string;
  checkoutSessionId: string;
  packageId: string;
  currency: string;
  amountTotal: number | null;
  emailEnc: string | null;
  emailHash: string | null;
  accountId: string | null;
  youtubeUrl: string | null;
  targetCountries: string[];
  attribution: Record<string, string>;
}

/** One order per Checkout Session, whatever the number of deliveries. */
export async function insertOrder(db: Db, order: NewOrder): Promise<string> {
  return db.oneFirst(sql.type(z.object({ id: z.string() }))`
    WITH inserted AS (
      INSERT INTO orders (id, checkout_session_id, package_id, currency, amount_total, email_enc, email_hash, account_id,
                          youtube_url, target_countries, attribution)
      VALUES (${order.id}, ${order.checkoutSessionId}, ${order.packageId}, ${order.currency}, ${order.amountTotal}, ${order.emailEnc},
              ${order.emailHash}, ${order.accountId}, ${order.youtubeUrl}, ${sql.array(order.targetCountries, 'text')},
              ${sql.jsonb(order.attribution)})
      ON CONFLICT (checkout_session_id) DO NOTHING RETURNING id)
    SELECT id FROM inserted UNION ALL SELECT id FROM orders WHERE checkout_session_id = ${order.checkoutSessionId} LIMIT 1`);
}

const orderRow = z.object({
  id: z.string(),
  packageId: z.string(),
  status: z.enum(['paid', 'provisioned']),
  accountId: z.string().nullable(),
  emailEnc: z.string().nullable(),
  campaignId: z.string().nullable(),
});
export type Order = z.infer<typeof orderRow>;

export async function findOrder(db: Db, orderId: string): Promise<Order | null> {
  return db.maybeOne(sql.type(orderRow)`
    SELECT o.id, o.package_id AS "packageId", o.status, o.account_id AS "accountId", o.email_enc AS "emailEnc",
           p.campaign_id AS "campaignId"
    FROM orders o LEFT JOIN package_credits p ON p.order_id = o.id WHERE o.id = ${orderId}`);
}

/** Provisions the order's package once: the credit's primary key is the order id. Returns whether this call did. */
export async function provisionOrder(pool: DatabasePool, orderId: string): Promise<boolean> {
  return pool.transaction(async (tx) => {
    const row = await tx.maybeOne(sql.unsafe`
      INSERT INTO package_credits (order_id, package_id, account_id)
      SELECT id, package_id, account_id FROM orders WHERE id = ${orderId}
      ON CONFLICT (order_id) DO NOTHING RETURNING order_id`);
    await tx.query(sql.unsafe`UPDATE orders SET status = 'provisioned' WHERE id = ${orderId}`);
    return row !== null;
  });
}

/** A campaign cancelled before its release instant gives its package credit back (idempotent). */
export async function returnCreditOfCancelledCampaign(db: Db, orderId: string): Promise<boolean> {
  const row = await db.maybeOne(sql.unsafe`
    UPDATE package_credits p SET campaign_id = NULL FROM campaigns c
    WHERE p.order_id = ${orderId} AND c.id = p.campaign_id AND c.status = 'cancelled'
      AND c.updated_at < (c.release_date + c.release_time) AT TIME ZONE c.time_zone
    RETURNING p.order_id`);
  return row !== null;
}

/** The Checkout Session an order was paid through (its workflow is named after it). */
export async function checkoutSessionOfOrder(db: Db, orderId: string): Promise<string> {
  return db.oneFirst(
    sql.type(z.object({ id: z.string() }))`SELECT checkout_session_id AS id FROM orders WHERE id = ${orderId}`,
  );
}

/** The Checkout Session of the order whose package a campaign uses, if any. */
export async function orderSessionOfCampaign(db: Db, campaignId: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    SELECT o.checkout_session_id AS id FROM package_credits p JOIN orders o ON o.id = p.order_id WHERE p.campaign_id = ${campaignId}`);
}

/** The package a campaign was admitted with, and what its order named (a YouTube Premiere's video and countries). */
export async function packageOfCampaign(
  db: Db,
  campaignId: string,
): Promise<{ packageId: string; youtubeUrl: string | null; targetCountries: string[] } | null> {
  return db.maybeOne(sql.type(
    z.object({ packageId: z.string(), youtubeUrl: z.string().nullable(), targetCountries: z.array(z.string()) }),
  )`
    SELECT o.package_id AS "packageId", o.youtube_url AS "youtubeUrl", o.target_countries AS "targetCountries"
    FROM package_credits p JOIN orders o ON o.id = p.order_id WHERE p.campaign_id = ${campaignId}`);
}

/** Links the order (and its credit) to the account; idempotent, and never moves an order already linked. */
export async function linkOrder(pool: DatabasePool, orderId: string, accountId: string): Promise<string> {
  return pool.transaction(async (tx) => {
    const linked = await tx.oneFirst(sql.type(z.object({ id: z.string() }))`
      UPDATE orders SET account_id = coalesce(account_id, ${accountId}) WHERE id = ${orderId} RETURNING account_id AS id`);
    await tx.query(
      sql.unsafe`UPDATE package_credits SET account_id = ${linked} WHERE order_id = ${orderId} AND account_id IS NULL`,
    );
    return linked;
  });
}

/** Erasure: orders stay (bookkeeping) without the buyer's address, by the address's keyed hash or by account. */
export async function forgetOrderEmails(db: Db, of: { emailHash: string } | { accountId: string }): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE orders SET email_enc = NULL, email_hash = NULL
    WHERE ${'emailHash' in of ? sql.fragment`email_hash = ${of.emailHash}` : sql.fragment`account_id = ${of.accountId}`}`);
}

/** Orders paid with this address and not linked to any account yet (their workflows wait for one). */
export async function unlinkedOrdersByEmailHash(
  db: Db,
  emailHash: string,
): Promise<readonly { id: string; checkoutSessionId: string }[]> {
  return db.any(sql.type(z.object({ id: z.string(), checkoutSessionId: z.string() }))`
    SELECT id, checkout_session_id AS "checkoutSessionId" FROM orders WHERE email_hash = ${emailHash} AND account_id IS NULL`);
}
