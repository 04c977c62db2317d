// The artist app's billing and privacy pages over HTTP against stripe-mock: an owner opens Checkout and the billing
// portal from the app's session (audited with their id), a manager sees the plan but is refused both; the account's
// data export holds the account's things and nothing of another account's.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { AppClient } from '../helpers/app-client';
import { signUpVerified } from '../helpers/app-sign-up';
import { deliveredMailTo } from '../helpers/mailbox';
import { artistAccount, createCampaign, http, useReleaseStack } from '../helpers/release-stack';
import { stripeEnv } from '../helpers/stripe';

const stack = useReleaseStack(() => ({ env: stripeEnv() }));
const PASSWORD = 'correct horse battery';
let seq = 0;
const address = () => `billing-${Date.now()}-${seq++}@example.com`;
const v1 = (browser: AppClient, csrf: string) => ({ headers: { cookie: browser.cookie, 'x-csrf-token': csrf } });

async function signedUp(name: string) {
  const email = address();
  const browser = await signUpVerified(stack, { name, email, password: PASSWORD });
  return { browser, email };
}

async function invitedManager(owner: AppClient) {
  const email = address();
  expect((await owner.submit('/app/settings', '/app/members', { email, role: 'manager' })).status).toBe(201);
  const mail = (await deliveredMailTo(stack, email)).find((m) => m.subject.startsWith('You are invited'));
  const link = /(https?:\/\/\S+\/app\/invite\/\S+)/.exec(mail?.body ?? '')![1]!;
  const browser = new AppClient(stack.api.url);
  expect((await browser.submit(link, new URL(link).pathname, { password: PASSWORD })).status).toBe(303);
  return browser;
}

describe('artist app billing and privacy', () => {
  it('lets an owner open Checkout and the portal from the app, and shows a manager the plan only', async () => {
    const { browser: owner } = await signedUp('Paying Label');
    const manager = await invitedManager(owner);
    const page = await owner.get('/app/billing');
    expect(page.status).toBe(200);
    expect(page.data).toContain('id="plan-name">Free');
    expect(page.data).toContain('Choose Pro');
    expect(page.data).not.toContain('id="portal"'); // no Stripe customer yet

    const body = { kind: 'subscription', tier: 'pro', currency: 'eur' };
    const managerCsrf = await manager.csrfToken();
    const refused = await http.post(`${stack.api.url}/v1/billing/checkout`, body, v1(manager, managerCsrf));
    expect([refused.status, refused.data.error.details?.needs]).toEqual([403, 'owner']);
    expect((await manager.get('/app/billing')).data).not.toContain('Choose Pro');

    const csrf = await owner.csrfToken();
    const checkout = await http.post(`${stack.api.url}/v1/billing/checkout`, body, v1(owner, csrf));
    expect(checkout.status).toBe(201);
    expect(checkout.data).toMatchObject({ kind: 'subscription', url: expect.stringMatching(/^https:\/\//) });
    // The customer made by the checkout gives the owner the portal; the manager is refused it.
    expect((await owner.get('/app/billing')).data).toContain('id="portal"');
    const portal = await http.post(`${stack.api.url}/v1/billing/portal`, {}, v1(owner, csrf));
    expect(portal.status).toBe(201);
    expect((await http.post(`${stack.api.url}/v1/billing/portal`, {}, v1(manager, managerCsrf))).status).toBe(403);

    const audited = await stack.db.pool.anyFirst(
      sql.type(z.object({ action: z.string() }))`
        SELECT action FROM audit_log WHERE action LIKE 'app POST /v1/billing/%' AND actor LIKE 'member:%'
        AND account_id = (SELECT account_id FROM members WHERE role = 'manager' ORDER BY created_at DESC LIMIT 1)
        ORDER BY id`,
    );
    expect(audited).toEqual(['app POST /v1/billing/checkout', 'app POST /v1/billing/portal']);
  });

  it("exports the account's own data, and nothing of another account's", async () => {
    const { browser: owner, email } = await signedUp('Exporting Label');
    const other = await artistAccount(stack);
    const otherCampaign = await createCampaign(stack, other, 'Not Theirs');
    const csrf = await owner.csrfToken();
    const artist = await http.post(`${stack.api.url}/v1/artists`, { name: 'Mine' }, v1(owner, csrf));
    expect(artist.status).toBe(201);

    const exported = await http.get(`${stack.api.url}/v1/accounts/me/export`, { headers: { cookie: owner.cookie } });
    expect(exported.status).toBe(200);
    expect(String(exported.headers['content-disposition'])).toContain('dropday-account.json');
    expect(exported.data.account.email).toBe(email);
    expect(exported.data.artists.map((a: { name: string }) => a.name)).toEqual(['Mine']);
    expect(exported.data.members).toEqual([expect.objectContaining({ email, role: 'owner', state: 'active' })]);
    expect(JSON.stringify(exported.data)).not.toContain(otherCampaign.id);

    // The other account's own key gets its own data only.
    const theirs = await http.get(`${stack.api.url}/v1/accounts/me/export`, { headers: other.headers });
    expect(theirs.data.campaigns.map((c: { id: string }) => c.id)).toEqual([otherCampaign.id]);
    expect(JSON.stringify(theirs.data)).not.toContain(email);

    const privacy = await owner.get('/app/privacy');
    expect(privacy.status).toBe(200);
    expect(privacy.data).toContain('id="delete-form"');
    expect(privacy.data).toContain('0 campaigns still to release');
  });
});
