// Sign-up does not tell whether an address already signs in to dropday: a new address and a taken one get the very
// same answer ("check your inbox", no session), sent before the work whose cost differs; the new address gets its
// verification link, the taken one's owner a note that someone tried (with how to sign in or reset), and the
// account that holds the address is not changed. Signing in before the link is opened is refused in the words of a
// wrong password, so sign-up followed by sign-in cannot tell either.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { SIGN_IN_REFUSED } from '../../api/pages/app-accounts';
import { AppClient } from '../helpers/app-client';
import { signUpVerified, submitSignUp } from '../helpers/app-sign-up';
import { deliveredMailTo } from '../helpers/mailbox';
import { useReleaseStack } from '../helpers/release-stack';

const stack = useReleaseStack();
let seq = 0;
const address = () => `privacy-${Date.now()}-${seq++}@example.com`;
const refusal = SIGN_IN_REFUSED.replace(/'/g, '&#39;');

async function mailUntil(email: string, subject: RegExp) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const mail = await deliveredMailTo(stack, email);
    if (mail.some((m) => subject.test(m.subject)) || Date.now() > deadline) return mail;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('sign-up privacy', () => {
  it('answers a new and a taken address alike, and tells only the mailbox', async () => {
    const taken = address();
    await signUpVerified(stack, { name: 'First Owner', email: taken, password: 'the owner password' });
    const fresh = address();

    const forTaken = await submitSignUp(new AppClient(stack.api.url), {
      name: 'Impostor',
      email: taken,
      password: 'impostor password',
    });
    const forFresh = await submitSignUp(new AppClient(stack.api.url), {
      name: 'Newcomer',
      email: fresh,
      password: 'newcomer password',
    });
    const seen = (r: typeof forTaken) => ({
      status: r.status,
      location: r.headers.location,
      cookies: r.headers['set-cookie'] ?? [],
      body: r.data,
    });
    expect(seen(forTaken)).toEqual(seen(forFresh));
    expect(seen(forFresh)).toMatchObject({ status: 303, location: '/app/sign-up/sent', cookies: [] });
    expect((await new AppClient(stack.api.url).get('/app/sign-up/sent')).data).toContain('Check your inbox');

    // The mailboxes tell: a note for the owner of the taken address, a verification link for the new one.
    const note = (await mailUntil(taken, /tried to sign up/)).find((m) => /tried to sign up/.test(m.subject));
    expect(note?.body).toContain('/app/reset');
    expect(note?.body).toContain('/app');
    const verification = (await mailUntil(fresh, /^Verify/)).find((m) => /^Verify/.test(m.subject));
    expect(verification?.body).toContain('/account/verify/');
    expect(
      (await deliveredMailTo(stack, taken)).some((m) => /^Verify/.test(m.subject) && m.body.includes('Impostor')),
    ).toBe(false);

    // The account that holds the address is unchanged: its name, its password; no second account.
    const accounts = await stack.db.pool.anyFirst(
      sql.type(z.object({ name: z.string() }))`SELECT name FROM accounts WHERE lower(email) = lower(${taken})`,
    );
    expect(accounts).toEqual(['First Owner']);
    const impostor = await new AppClient(stack.api.url).submit('/app', '/app/sign-in', {
      email: taken,
      password: 'impostor password',
    });
    expect(impostor.status).toBe(401);
    const owner = await new AppClient(stack.api.url).submit('/app', '/app/sign-in', {
      email: taken,
      password: 'the owner password',
    });
    expect(owner.status).toBe(303);

    // The newcomer's password does not sign in before the link: the same words as the impostor's wrong password.
    const early = await new AppClient(stack.api.url).submit('/app', '/app/sign-in', {
      email: fresh,
      password: 'newcomer password',
    });
    expect(early.status).toBe(401);
    const strip = (s: string) => s.replace(/value="[^"]*"/g, '');
    expect(strip(early.data)).toEqual(strip(impostor.data));
    expect(early.data).toContain(refusal);
  });

  it('a malformed sign-up is told what to fix and creates nothing', async () => {
    const before = Number(await stack.db.pool.oneFirst(sql.unsafe`SELECT count(*) FROM accounts`));
    const res = await submitSignUp(new AppClient(stack.api.url), { name: 'x', email: 'not-an-address' });
    expect(res.status).toBe(400);
    expect(res.data).toContain('email');
    await new Promise((r) => setTimeout(r, 500));
    expect(Number(await stack.db.pool.oneFirst(sql.unsafe`SELECT count(*) FROM accounts`))).toBe(before);
  });
});
