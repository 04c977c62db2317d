// `npm run record:billing-histories`: runs a shop order and a subscription grace period on a throw-away stack and
// writes their workflow histories to test/histories/billing/, where test/integration/billing-history-replay
// checks that today's code still replays them. Payloads are encrypted with the test-only fixture key.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { firstAccountId } from '../db/accounts';
import { orderWorkflowId } from '../lib/starters/order';
import { subscriptionWorkflowId } from '../lib/starters/subscription';
import { verifyAccountEmail } from '../test/helpers/mailbox';
import * as h from '../test/helpers/release-stack';
import {
  deliver,
  newId,
  packageSession,
  stripeEvent,
  subscriptionObject,
  WEBHOOK_SECRET,
} from '../test/helpers/stripe';
import { HISTORIES, saveHistory, startRecordingServers } from './lib/history-recording';

async function main() {
  const { bin, pg, temporal, keys } = await startRecordingServers();
  // Webhooks need no Stripe API call: the key only switches billing on.
  const stack = await h.startReleaseStack({
    env: {
      ENCRYPTION_KEYS: keys,
      STRIPE_SECRET_KEY: 'sk_test_123',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      BILLING_GRACE_DAYS: String(2 / 86_400),
    },
  });
  await mkdir(path.join(HISTORIES, 'billing'), { recursive: true });
  try {
    // An order bought before the account exists, then its campaign goes live and completes.
    const buyer = 'recorded-buyer@example.com';
    const sessionId = 'cs_test_recorded_order';
    await deliver(
      stack.api.url,
      stripeEvent('checkout.session.completed', packageSession({ sessionId, email: buyer })),
    );
    await new Promise((r) => setTimeout(r, 2_000));
    const signup = await h.http.post(`${stack.api.url}/v1/accounts`, { name: 'Recorded Label', email: buyer });
    const headers = { authorization: `Bearer ${signup.data.apiKey}` };
    await verifyAccountEmail(stack, buyer, { apiKey: signup.data.apiKey }); // the order waits for the account that verifies the buyer's address
    const artist = await h.http.post(`${stack.api.url}/v1/artists`, { name: 'Luna Vey' }, { headers });
    await h.waitFor(
      'the credit',
      () => h.http.get(`${stack.api.url}/v1/billing`, { headers }),
      (r) => r.data.usage?.unusedPackageCredits === 1,
    );
    const upc = h.nextUpc();
    h.addRelease(stack, upc, Date.now() - 1_000);
    await h.createCampaign(stack, { headers, artistId: artist.data.id }, 'Recorded', { upc, secondsAhead: 4 });
    console.log('waiting for the order workflow to complete…');
    console.log(JSON.stringify(await stack.temporal.client.workflow.getHandle(orderWorkflowId(sessionId)).result()));
    await save(bin, temporal.address, orderWorkflowId(sessionId), 'order-lifecycle.json');

    // A subscription whose payment fails and is never paid: downgraded after the grace period.
    const accountId = await firstAccountId(stack.db.pool);
    const subscriptionId = 'sub_recorded';
    await deliver(
      stack.api.url,
      stripeEvent(
        'customer.subscription.created',
        subscriptionObject({ id: subscriptionId, customer: newId('cus'), status: 'active', tier: 'pro', accountId }),
      ),
    );
    await deliver(
      stack.api.url,
      stripeEvent('invoice.payment_failed', { id: newId('in'), object: 'invoice', subscription: subscriptionId }),
    );
    await deliver(
      stack.api.url,
      stripeEvent('invoice.payment_failed', { id: newId('in'), object: 'invoice', subscription: subscriptionId }),
    );
    console.log(
      JSON.stringify(await stack.temporal.client.workflow.getHandle(subscriptionWorkflowId(subscriptionId)).result()),
    );
    await save(bin, temporal.address, subscriptionWorkflowId(subscriptionId), 'subscription-grace.json');
  } finally {
    await stack.close();
    await temporal.stop();
    await pg.stop();
  }
}

const save = (bin: string, address: string, workflowId: string, file: string) =>
  saveHistory(bin, address, workflowId, path.join('billing', file));

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
