// Deleting an account cancels its Stripe subscription at once, so the customer is not charged for an account that is
// gone. stripe-mock keeps no state, so the requests dropday makes to it are observed through a recording
// pass-through (test/helpers/stripe-recorder.ts), and the outcome through the workflow's result and the audit log.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { stripeClientFrom } from '../../lib/providers/stripe';
import { signUpVerified } from '../helpers/app-sign-up';
import { artistAccount, http, useReleaseStack } from '../helpers/release-stack';
import { deliver, newId, stripeEnv, stripeEvent, subscriptionObject } from '../helpers/stripe';
import { type StripeRecorder, startStripeRecorder } from '../helpers/stripe-recorder';

let stripe: StripeRecorder;
beforeAll(async () => {
  stripe = await startStripeRecorder(stripeEnv().STRIPE_API_URL!);
});
const stack = useReleaseStack(() => ({ env: stripeEnv({ STRIPE_API_URL: stripe.url }) }));
afterAll(async () => {
  await stripe?.close();
});

/** Stripe reports a Pro subscription of the account in `status` (a signed webhook, as Stripe sends it). */
async function subscribe(accountId: string, status: string): Promise<string> {
  const subscriptionId = newId('sub');
  const object = subscriptionObject({ id: subscriptionId, customer: newId('cus'), status, tier: 'pro', accountId });
  const type = status === 'canceled' ? 'customer.subscription.deleted' : 'customer.subscription.created';
  expect((await deliver(stack.api.url, stripeEvent(type, object))).status).toBe(200);
  return subscriptionId;
}

async function accountWithSubscription(status: string) {
  const account = await artistAccount(stack);
  const me = await http.get(`${stack.api.url}/v1/accounts/me`, { headers: account.headers });
  const accountId = String(me.data.account.id);
  return { account, accountId, subscriptionId: await subscribe(accountId, status) };
}

async function deleteAccount(account: { headers: Record<string, string> }, accountId: string) {
  expect((await http.delete(`${stack.api.url}/v1/accounts/me`, { headers: account.headers })).status).toBe(202);
  return stack.temporal.client.workflow.getHandle(`account-deletion:${accountId}`).result();
}

const auditOf = (accountId: string) =>
  stack.db.pool.any(sql.type(z.object({ action: z.string(), target: z.string() }))`
    SELECT action, target FROM audit_log WHERE target LIKE ${`account:${accountId}%`} ORDER BY id`);

describe('account deletion and the Stripe subscription', () => {
  it('says so on the privacy page, then cancels an active subscription at once through the provider layer', async () => {
    const owner = await signUpVerified(stack, { name: 'Paying Label', email: `paying-${Date.now()}@example.com` });
    const me = await http.get(`${stack.api.url}/v1/accounts/me`, { headers: { cookie: owner.cookie } });
    const accountId = String(me.data.account.id);
    const subscriptionId = await subscribe(accountId, 'active');

    const privacy = await owner.get('/app/privacy');
    expect(privacy.status).toBe(200);
    expect(/<li id="deletion-subscription">([^<]*)<\/li>/.exec(privacy.data)?.[1]).toBe(
      'Your Pro subscription is cancelled at Stripe at once: nothing more is charged (the period already paid is not refunded).',
    );

    const seen = stripe.requests.length;
    const csrf = await owner.csrfToken();
    const deleted = await http.delete(`${stack.api.url}/v1/accounts/me`, {
      headers: { cookie: owner.cookie, 'x-csrf-token': csrf },
    });
    expect(deleted.status).toBe(202);
    const result = await stack.temporal.client.workflow.getHandle(`account-deletion:${accountId}`).result();
    expect(result).toMatchObject({ subscription: 'cancelled' });
    expect(stripe.requests.slice(seen)).toEqual([
      `GET /v1/subscriptions/${subscriptionId}`,
      `DELETE /v1/subscriptions/${subscriptionId}`,
    ]);
    expect(await auditOf(accountId)).toEqual(
      expect.arrayContaining([
        {
          action: 'account_subscription_cancelled',
          target: `account:${accountId} stripe_subscription:${subscriptionId}`,
        },
      ]),
    );
    expect(await stack.db.pool.exists(sql.unsafe`SELECT 1 FROM account_billing WHERE account_id = ${accountId}`)).toBe(
      false,
    );
  });

  it('asks Stripe nothing for a subscription already cancelled, or for an account without one', async () => {
    const ended = await accountWithSubscription('canceled');
    const free = await artistAccount(stack);
    const freeId = String(
      (await http.get(`${stack.api.url}/v1/accounts/me`, { headers: free.headers })).data.account.id,
    );
    const seen = stripe.requests.length;
    expect(await deleteAccount(ended.account, ended.accountId)).toMatchObject({ subscription: 'already_ended' });
    expect(await deleteAccount(free, freeId)).toMatchObject({ subscription: 'none' });
    expect(stripe.requests.slice(seen)).toEqual([]);
  });

  it('is safe to repeat: a subscription Stripe has already ended counts as done', async () => {
    const client = stripeClientFrom(stripeEnv({ STRIPE_API_URL: stripe.url }) as never)!;
    const subscriptionId = newId('sub');
    expect(await client.cancelSubscription(subscriptionId)).toBe('cancelled');
    const seen = stripe.requests.length;
    // A retry after a lost answer: Stripe says it is cancelled, so nothing is sent again.
    expect(await client.cancelSubscription(subscriptionId)).toBe('already_ended');
    expect(stripe.requests.slice(seen)).toEqual([`GET /v1/subscriptions/${subscriptionId}`]);
  });
});
