// Stripe webhooks. The signature is checked on the raw bytes (so this router parses its own body, and is mounted
// before any JSON parser), within 300 s of its timestamp. Each event id is handled once: a replay answers 200 and
// changes nothing. Handling is idempotent, so a delivery that failed half-way is safely handled again on Stripe's
// retry (the event id is recorded last).
import { randomUUID } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import { accountExists } from '../../db/accounts';
import {
  accountOfStripeCustomer,
  applySubscription,
  insertOrder,
  isStripeEventRecorded,
  orderEmailContext,
  recordStripeEvent,
  saveStripeCustomer,
  startGrace,
} from '../../db/billing';
import { isPaidTier, PACKAGES } from '../../lib/billing/plans';
import { verifyWebhook } from '../../lib/billing/stripe';
import { createLookupHasher, lookupHashSecret } from '../../lib/crypto/lookup-hash';
import { startOrder } from '../../lib/starters/order';
import { signalPaymentFailed, signalPaymentRecovered } from '../../lib/starters/subscription';
import { type AppDeps } from '../deps';
import { ApiError } from '../errors';
import { attributionParams } from '../schemas';

export const WEBHOOK_TOLERANCE_SECONDS = 300;

const event = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  created: z.number().int(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
const metadata = z
  .record(z.string(), z.string())
  .nullish()
  .transform((m) => m ?? {});
const idOf = z.union([z.string(), z.object({ id: z.string() }).transform((o) => o.id)]);

const checkoutSession = z.object({
  id: z.string().min(1),
  mode: z.enum(['payment', 'subscription', 'setup']),
  payment_status: z.string(),
  customer: idOf.nullish(),
  customer_email: z.string().nullish(),
  customer_details: z.object({ email: z.string().nullish() }).nullish(),
  client_reference_id: z.string().nullish(),
  currency: z.string().nullish(),
  amount_total: z.number().int().nullish(),
  metadata,
});

const subscription = z.object({
  id: z.string().min(1),
  customer: idOf,
  status: z.string(),
  metadata,
  items: z
    .object({ data: z.array(z.object({ price: z.object({ lookup_key: z.string().nullish(), metadata }).nullish() })) })
    .nullish(),
});

// API versions before 2025-03 put the subscription on the invoice; later ones under parent.subscription_details.
const invoice = z.object({
  id: z.string(),
  subscription: idOf.nullish(),
  parent: z.object({ subscription_details: z.object({ subscription: idOf.nullish() }).nullish() }).nullish(),
});

const uuid = z.string().uuid();

export function stripeWebhookRoutes({ pool, temporal, config, keyRing, logger }: AppDeps): Router {
  const router = Router();
  const hashEmail = createLookupHasher(lookupHashSecret(config));
  const taskQueue = config.TEMPORAL_TASK_QUEUE;

  const knownAccount = async (id: string | null | undefined) =>
    id && uuid.safeParse(id).success && (await accountExists(pool, id)) ? id : null;

  async function onCheckoutCompleted(object: unknown) {
    const session = checkoutSession.parse(object);
    const accountId = await knownAccount(session.metadata.accountId ?? session.client_reference_id);
    if (session.mode === 'subscription') {
      if (accountId && session.customer) await saveStripeCustomer(pool, accountId, session.customer);
      return 'subscription checkout recorded';
    }
    if (session.metadata.kind !== 'package') return 'not a dropday package';
    if (!['paid', 'no_payment_required'].includes(session.payment_status)) return 'awaiting payment'; // async_payment_succeeded follows
    const pkg = PACKAGES[session.metadata.packageId];
    if (!pkg) throw new ApiError(400, 'unknown_package', `no package ${session.metadata.packageId}`);
    const email = (session.customer_details?.email ?? session.customer_email ?? '').trim().toLowerCase() || null;
    const id = randomUUID();
    const attribution = attributionParams
      .strip()
      .safeParse(
        Object.fromEntries(
          Object.entries(session.metadata).filter(([k]) => k === 'gclid' || k === 'fbclid' || k.startsWith('utm_')),
        ),
      );
    const orderId = await insertOrder(pool, {
      id,
      checkoutSessionId: session.id,
      packageId: pkg.id,
      currency: session.currency ?? 'eur',
      amountTotal: session.amount_total ?? null,
      emailEnc: email ? keyRing.encrypt(email, orderEmailContext(id)) : null,
      emailHash: email ? hashEmail(`email:${email}`) : null, // the contact lookup hash (as subscribers)
      accountId,
      youtubeUrl: session.metadata.youtubeUrl ?? null,
      targetCountries: session.metadata.targetCountries
        ? session.metadata.targetCountries.split(',').filter(Boolean)
        : [],
      attribution: attribution.success ? (attribution.data as Record<string, string>) : {},
    });
    await startOrder(temporal, taskQueue, { checkoutSessionId: session.id, orderId, accountId });
    return 'order started';
  }

  async function onSubscriptionChange(object: unknown, created: number) {
    const sub = subscription.parse(object);
    const accountId =
      (await knownAccount(sub.metadata.accountId)) ?? (await accountOfStripeCustomer(pool, sub.customer));
    if (!accountId) return 'unknown customer';
    const lookupTier = sub.items?.data[0]?.price?.lookup_key?.replace(/^dropday_/, '');
    const tier = [sub.metadata.tier, sub.items?.data[0]?.price?.metadata.tier, lookupTier].find(isPaidTier);
    if (!tier) return 'not a dropday plan';
    await applySubscription(pool, {
      accountId,
      customerId: sub.customer,
      subscriptionId: sub.id,
      status: sub.status,
      tier,
      eventCreated: created,
    });
    if (['active', 'trialing'].includes(sub.status)) await signalPaymentRecovered(temporal, { subscriptionId: sub.id });
    return `plan ${sub.status}`;
  }

  async function onPaymentFailed(object: unknown) {
    const inv = invoice.parse(object);
    const subscriptionId = inv.parent?.subscription_details?.subscription ?? inv.subscription;
    if (!subscriptionId) return 'not a subscription invoice';
    const graceMs = Math.round(config.BILLING_GRACE_DAYS * 86_400_000);
    const accountId = await startGrace(pool, subscriptionId, Date.now() + graceMs);
    if (!accountId) return 'unknown subscription';
    await signalPaymentFailed(temporal, taskQueue, { subscriptionId, graceMs, accountId });
    return 'grace period running';
  }

  router.post('/webhooks/stripe', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const secret = config.STRIPE_WEBHOOK_SECRET;
    if (!secret) throw new ApiError(503, 'webhooks_not_configured', 'STRIPE_WEBHOOK_SECRET is not set on this server');
    const signature = req.get('stripe-signature');
    if (!signature) throw new ApiError(400, 'missing_signature', 'the Stripe-Signature header is missing');
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let parsed: z.infer<typeof event>;
    try {
      parsed = event.parse(verifyWebhook(raw, signature, secret, WEBHOOK_TOLERANCE_SECONDS));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ApiError(400, 'invalid_signature', `webhook rejected: ${message}`);
    }
    if (await isStripeEventRecorded(pool, parsed.id)) {
      res.json({ received: true, duplicate: true });
      return;
    }
    let outcome: string;
    try {
      switch (parsed.type) {
        case 'checkout.session.completed':
        case 'checkout.session.async_payment_succeeded':
          outcome = await onCheckoutCompleted(parsed.data.object);
          break;
        case 'customer.subscription.created':
        case 'customer.subscription.updated':
        case 'customer.subscription.deleted':
          outcome = await onSubscriptionChange(parsed.data.object, parsed.created);
          break;
        case 'invoice.payment_failed':
          outcome = await onPaymentFailed(parsed.data.object);
          break;
        default:
          outcome = 'ignored';
      }
    } catch (error) {
      if (error instanceof z.ZodError)
        throw new ApiError(
          400,
          'invalid_event',
          `the ${parsed.type} event does not have the expected shape`,
          error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        );
      throw error;
    }
    // Recorded last: if handling failed, Stripe's retry handles it again (every step above is idempotent).
    const first = await pool.transaction((tx) => recordStripeEvent(tx, parsed.id, parsed.type));
    logger.info({ eventId: parsed.id, type: parsed.type, outcome }, 'stripe webhook handled');
    res.json({ received: true, duplicate: !first, outcome });
  });

  return router;
}
