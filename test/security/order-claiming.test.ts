// Attack on a buyer's shop order (issue 13, item 4): a package paid while signed out waits for the account of the
// buyer's e-mail address. A stranger who signs up with that address — before the purchase or after it — must not
// get the package credit, since signing up proves nothing; the owner who opens the verification e-mail in their own
// mailbox does. Real stack: signed Stripe webhooks, the order workflow on Temporal, the sandbox mailbox.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { orderWorkflowId } from '../../lib/starters/order';
import { confirmVerification, deliveredMailTo, verificationLink, verifyAccountEmail } from '../helpers/mailbox';
import { dashboardSession, http, useReleaseStack, waitFor } from '../helpers/release-stack';
import { deliver, newId, packageSession, stripeEnv, stripeEvent } from '../helpers/stripe';

const stack = useReleaseStack(() => ({ env: stripeEnv() }));

async function signUp(name: string, email: string) {
  const res = await http.post(`${stack.api.url}/v1/accounts`, { name, email });
  expect(res.status).toBe(201);
  const apiKey = res.data.apiKey as string;
  return { id: res.data.account.id as string, name, apiKey, headers: { authorization: `Bearer ${apiKey}` } };
}

const credits = async (account: { headers: Record<string, string> }) =>
  (await http.get(`${stack.api.url}/v1/billing`, { headers: account.headers })).data.usage
    .unusedPackageCredits as number;

/** Waits until the account holds the order's package credit. */
const creditReaches = (account: { headers: Record<string, string> }) =>
  waitFor(
    'the package credit',
    () => credits(account),
    (n) => n === 1,
    30_000,
  );

const orderAccount = (sessionId: string) =>
  stack.db.pool.oneFirst(sql.type(z.object({ id: z.string().nullable() }))`
    SELECT account_id AS id FROM orders WHERE checkout_session_id = ${sessionId}`);

/** How many times the order workflow has looked for the buyer's account (linkOrderAccount completed). */
async function accountLookups(sessionId: string): Promise<number> {
  const { events } = await stack.temporal.client.workflow.getHandle(orderWorkflowId(sessionId)).fetchHistory();
  const scheduled = new Set(
    (events ?? [])
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'linkOrderAccount')
      .map((e) => String(e.eventId)),
  );
  return (events ?? []).filter((e) =>
    scheduled.has(String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '')),
  ).length;
}

async function buySignedOut(email: string): Promise<string> {
  const sessionId = newId('cs_test');
  const paid = await deliver(
    stack.api.url,
    stripeEvent('checkout.session.completed', packageSession({ sessionId, email })),
  );
  expect(paid.data).toMatchObject({ outcome: 'order started' });
  await waitFor(
    'the order to look for its account',
    () => accountLookups(sessionId),
    (n) => n >= 1,
  );
  return sessionId;
}

/** The order's hourly re-check, now (the signal the order workflow wakes on): it looks at the accounts again. */
async function recheck(sessionId: string) {
  const before = await accountLookups(sessionId);
  await stack.temporal.client.workflow.getHandle(orderWorkflowId(sessionId)).signal('accountCreated');
  await waitFor(
    'the order to look again',
    () => accountLookups(sessionId),
    (n) => n > before,
  );
}

describe('attack: claiming a shop order by signing up with the buyer’s address', () => {
  it('gives a stranger who registered the address before the purchase nothing; the owner who verifies gets it', async () => {
    const buyer = 'first-buyer@example.com';
    const stranger = await signUp('Quick Stranger', buyer); // cannot read the buyer's mailbox
    const sessionId = await buySignedOut(buyer);
    expect(await orderAccount(sessionId)).toBeNull();
    expect(await credits(stranger)).toBe(0);

    // The stranger asks for the verification mail again: it goes to the buyer, not to them.
    expect(
      (await http.post(`${stack.api.url}/v1/accounts/me/verification`, {}, { headers: stranger.headers })).status,
    ).toBe(202);
    await recheck(sessionId);
    expect(await orderAccount(sessionId)).toBeNull();
    expect(await credits(stranger)).toBe(0);
    expect(
      (await http.get(`${stack.api.url}/v1/accounts/me`, { headers: stranger.headers })).data.account,
    ).toMatchObject({
      email: buyer,
      emailVerified: false,
      emailVerifiedAt: null,
    });

    // The owner signs up and opens their own verification e-mail: the waiting order is theirs at once.
    const owner = await signUp('Real Owner', buyer);
    // Tricked into clicking the stranger's link first (it is in their mailbox too): it needs the stranger's session,
    // which the owner cannot open; signed in to their own account, the link is refused as another account's.
    const strangerLink = await verificationLink(stack, buyer, 'Quick Stranger');
    const signedOut = await http.get(strangerLink);
    expect(signedOut.status).toBe(401);
    expect(String(signedOut.data)).toContain('Sign in');
    expect((await confirmVerification(stack, strangerLink, owner.apiKey)).status).toBe(403);
    expect(
      (await http.get(`${stack.api.url}/v1/accounts/me`, { headers: stranger.headers })).data.account.emailVerified,
    ).toBe(false);

    const verified = await verifyAccountEmail(stack, buyer, owner);
    expect(verified.status).toBe(200);
    expect(String(verified.data)).toContain('Address verified');
    await creditReaches(owner);
    expect(await orderAccount(sessionId)).toBe(owner.id);
    expect(await credits(stranger)).toBe(0);
    const me = await http.get(`${stack.api.url}/v1/accounts/me`, { headers: owner.headers });
    expect(me.data.account).toMatchObject({ id: owner.id, email: buyer, emailVerified: true });
    expect(Date.parse(me.data.account.emailVerifiedAt)).toBeGreaterThan(Date.now() - 60_000);

    // Even in the stranger's own session, their link cannot verify the address a second time.
    const refused = await confirmVerification(stack, strangerLink, stranger.apiKey);
    expect(refused.status).toBe(409);
    expect(String(refused.data)).toContain('Nothing was changed');
    expect(
      (await http.get(`${stack.api.url}/v1/accounts/me`, { headers: stranger.headers })).data.account.emailVerified,
    ).toBe(false);
  });

  it('gives a stranger who registers the address after the purchase nothing', async () => {
    const buyer = 'later-buyer@example.com';
    const sessionId = await buySignedOut(buyer);
    const stranger = await signUp('Late Stranger', buyer);
    await recheck(sessionId);
    expect(await orderAccount(sessionId)).toBeNull();
    expect(await credits(stranger)).toBe(0);

    const owner = await signUp('Late Owner', buyer);
    expect((await verifyAccountEmail(stack, buyer, owner)).status).toBe(200);
    await creditReaches(owner);
    expect(await credits(stranger)).toBe(0);
  });

  it('refuses a forged, cross-site or prefetched verification, changing nothing', async () => {
    const victim = 'prefetched@example.com';
    const account = await signUp('Prefetched', victim);
    const link = await verificationLink(stack, victim);
    const unverified = async () =>
      (await http.get(`${stack.api.url}/v1/accounts/me`, { headers: account.headers })).data.account.emailVerified ===
      false;

    // A mail scanner follows the link: it gets the sign-in page, and nothing changes.
    expect((await http.get(link)).status).toBe(401);
    expect(await unverified()).toBe(true);
    // Another site posts the form in the owner's browser.
    const crossSite = await http.post(link, '', {
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.data.error.code).toBe('cross_site_request');
    // The attacker's own account's link, with its payload pointed at the victim's account.
    const own = await signUp('Attacker', 'attacker@evil.example');
    const [kid, body, mac] = (await verificationLink(stack, 'attacker@evil.example')).split('/').at(-1)!.split('.');
    const envelope = JSON.parse(Buffer.from(body!, 'base64url').toString()) as { payload: { a: string } };
    envelope.payload.a = account.id;
    const forged = `${stack.api.url}/account/verify/${kid}.${Buffer.from(JSON.stringify(envelope)).toString('base64url')}.${mac}`;
    for (const res of [
      await http.get(forged),
      await http.post(forged, '', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    ])
      expect(res.status).toBe(400);
    expect(await unverified()).toBe(true);
    expect(own.id).not.toBe(account.id);

    // The owner verifies; the same link again changes nothing; asking for another mail is refused.
    // Signed in but without the page's anti-forgery field: refused.
    const cookie = await dashboardSession(stack, account.apiKey);
    const noCsrf = await http.post(link, '', {
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(noCsrf.status).toBe(403);
    expect(await unverified()).toBe(true);
    expect((await verifyAccountEmail(stack, victim, account)).status).toBe(200);
    expect((await confirmVerification(stack, link, account.apiKey)).status).toBe(200);
    const resend = await http.post(`${stack.api.url}/v1/accounts/me/verification`, {}, { headers: account.headers });
    expect(resend.status).toBe(409);
    expect(resend.data.error.code).toBe('already_verified');
    expect((await deliveredMailTo(stack, victim)).filter((m) => m.subject.startsWith('Verify'))).toHaveLength(1);
  });

  it('still credits a signed-in purchase to the buyer’s account, verified or not', async () => {
    const account = await signUp('Signed In', 'signed-in@example.com');
    const sessionId = newId('cs_test');
    await deliver(
      stack.api.url,
      stripeEvent(
        'checkout.session.completed',
        packageSession({ sessionId, email: 'another-address@example.com', accountId: account.id }),
      ),
    );
    await creditReaches(account);
    expect(await orderAccount(sessionId)).toBe(account.id);
  });
});
