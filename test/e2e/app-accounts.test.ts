// Accounts people can use, over HTTP as a browser without scripts: sign up with a password, verify the address from
// the sandbox mailbox, sign out (the server-side session is revoked, so a copied cookie stops working), sign in,
// lock-out after wrong passwords with the same words as an unknown address, password reset by mailed link (which
// signs out everywhere), forms refused without their anti-forgery field, API keys made (shown once) and revoked.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { SIGN_IN_REFUSED } from '../../api/pages/app-accounts';
import { LOCK_OUT } from '../../api/member-accounts';
import { AppClient } from '../helpers/app-client';
import { signUpVerified, submitSignUp, verifyFromLink } from '../helpers/app-sign-up';
import { deliveredMailTo, verificationLink } from '../helpers/mailbox';
import { http, useReleaseStack } from '../helpers/release-stack';

const stack = useReleaseStack();
let seq = 0;
const address = () => `artist-${Date.now()}-${seq++}@example.com`;
const escapedRefusal = SIGN_IN_REFUSED.replace(/'/g, '&#39;');

const signUp = (email: string, password = 'correct horse battery') => signUpVerified(stack, { email, password });

const signedIn = async (browser: AppClient) => (await browser.get('/app')).data.includes('id="sign-out"');

describe('artist app accounts', () => {
  it('signs up, verifies the address from the mailbox, signs out for good and back in', async () => {
    const email = address();
    const browser = new AppClient(stack.api.url);
    const answer = await submitSignUp(browser, { name: 'Luna Vey', email });
    expect([answer.status, answer.headers.location]).toEqual([303, '/app/sign-up/sent']);
    expect(await signedIn(browser)).toBe(false);
    // Until a mailed link proves the address, the password alone does not sign in (nor tell that the address is new).
    const link = await verificationLink(stack, email);
    const early = await new AppClient(stack.api.url).submit('/app', '/app/sign-in', {
      email,
      password: 'correct horse battery',
    });
    expect([early.status, early.data.includes(escapedRefusal)]).toEqual([401, true]);
    // The password is stored as scrypt, never in the clear; the address encrypted.
    const stored = await stack.db.pool.one(
      sql.type(z.object({ hash: z.string(), enc: z.string() }))`
        SELECT password_hash AS hash, email_enc AS enc FROM members ORDER BY created_at DESC LIMIT 1`,
    );
    expect(stored.hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored.enc).not.toContain(email);

    // The link from the mailbox asks for the password, then verifies in that session.
    const page = await browser.get(link);
    expect(page.status).toBe(401);
    await verifyFromLink(browser, link, email);
    const home = await browser.get('/app');
    expect(home.data).toContain('id="sign-out"');
    expect(home.data).not.toContain('verify the address');

    const copied = browser.cookie;
    const out = await browser.postRaw('/app/logout', {});
    expect(out.status).toBe(303);
    expect(await signedIn(browser)).toBe(false);
    // The cookie a thief copied before sign-out names a revoked session.
    const thief = await http.get(`${stack.api.url}/app`, { headers: { cookie: copied } });
    expect(thief.data).not.toContain('id="sign-out"');
    expect((await http.get(`${stack.api.url}/v1/campaigns`, { headers: { cookie: copied } })).status).toBe(401);

    const back = await browser.submit('/app', '/app/sign-in', {
      email: email.toUpperCase(),
      password: 'correct horse battery',
    });
    expect(back.status).toBe(303);
    expect(await signedIn(browser)).toBe(true);
  });

  it('refuses wrong passwords, unknown addresses and locked sign-ins with the same words, then locks out', async () => {
    const email = address();
    await signUp(email);
    const stranger = new AppClient(stack.api.url);
    const unknown = await stranger.submit('/app', '/app/sign-in', { email: address(), password: 'whatever-it-is' });
    expect(unknown.status).toBe(401);
    expect(unknown.data).toContain(escapedRefusal);
    for (let i = 0; i < LOCK_OUT.maxFailures; i++) {
      const wrong = await stranger.submit('/app', '/app/sign-in', { email, password: `wrong password ${i}` });
      expect([wrong.status, wrong.data.includes(escapedRefusal)]).toEqual([401, true]);
    }
    // Locked: the right password is refused too, in the same words.
    const locked = await stranger.submit('/app', '/app/sign-in', { email, password: 'correct horse battery' });
    expect([locked.status, locked.data.includes(escapedRefusal)]).toEqual([401, true]);
    expect(unknown.data.replace(/value="[^"]*"/g, '')).toEqual(locked.data.replace(/value="[^"]*"/g, ''));
    // A reset by mailed link ends the lock-out.
    const reset = await stranger.submit('/app/reset', '/app/reset', { email });
    expect(reset.status).toBe(200);
    const mail = (await deliveredMailTo(stack, email)).find((m) => m.subject.includes('Reset'));
    const link = /(https?:\/\/\S+\/app\/reset\/\S+)/.exec(mail?.body ?? '')?.[1];
    expect(link).toBeDefined();
    const done = await stranger.submit(link!, new URL(link!).pathname, { password: 'a brand new password' });
    expect(done.status).toBe(303);
    expect(await signedIn(stranger)).toBe(true);
  });

  it('a password reset signs out every other browser and spends its link; an unknown address gets the same page', async () => {
    const email = address();
    const first = await signUp(email);
    const other = new AppClient(stack.api.url);
    expect((await other.submit('/app', '/app/sign-in', { email, password: 'correct horse battery' })).status).toBe(303);

    const nobody = await new AppClient(stack.api.url).submit('/app/reset', '/app/reset', { email: address() });
    const somebody = await new AppClient(stack.api.url).submit('/app/reset', '/app/reset', { email });
    const strip = (s: string) => s.replace(/value="[^"]*"/g, '');
    expect(strip(nobody.data)).toEqual(strip(somebody.data));

    const mail = (await deliveredMailTo(stack, email)).find((m) => m.subject.includes('Reset'));
    const link = /(https?:\/\/\S+\/app\/reset\/\S+)/.exec(mail!.body)![1]!;
    const phone = new AppClient(stack.api.url);
    expect((await phone.submit(link, new URL(link).pathname, { password: 'short' })).status).toBe(400);
    expect((await phone.submit(link, new URL(link).pathname, { password: 'the new password!' })).status).toBe(303);
    expect(await signedIn(phone)).toBe(true);
    expect(await signedIn(first)).toBe(false);
    expect(await signedIn(other)).toBe(false);
    expect((await phone.get(link)).status).toBe(400); // spent
    expect(
      (await new AppClient(stack.api.url).submit('/app', '/app/sign-in', { email, password: 'correct horse battery' }))
        .status,
    ).toBe(401);
  });

  it('sign out everywhere revokes every session of the member', async () => {
    const email = address();
    const first = await signUp(email);
    const second = new AppClient(stack.api.url);
    await second.submit('/app', '/app/sign-in', { email, password: 'correct horse battery' });
    expect((await first.get('/app/settings')).data).toContain('signed in on 2 browsers');
    expect((await second.submit('/app/settings', '/app/sign-out-everywhere')).status).toBe(303);
    expect(await signedIn(first)).toBe(false);
    expect(await signedIn(second)).toBe(false);
  });

  it('refuses a form without its anti-forgery field, or from another site, and changes nothing', async () => {
    const email = address();
    const browser = await signUp(email);
    const count = async () =>
      Number(await stack.db.pool.oneFirst(sql.unsafe`SELECT count(*) FROM api_keys WHERE name = 'forged'`));
    expect((await browser.postRaw('/app/keys', { name: 'forged' })).status).toBe(403);
    expect((await browser.postRaw('/app/keys', { name: 'forged', csrf: 'x'.repeat(43) })).status).toBe(403);
    const csrf = await browser.csrfToken();
    expect(
      (await browser.postRaw('/app/keys', { name: 'forged', csrf }, { origin: 'https://evil.example' })).status,
    ).toBe(403);
    // Signing up from another site's form (login CSRF) is refused too.
    const forged = await new AppClient(stack.api.url).postRaw('/app/sign-up', {
      name: 'x',
      email: address(),
      password: 'p'.repeat(12),
    });
    expect(forged.status).toBe(403);
    expect(await count()).toBe(0);
  });

  it('creates an API key shown once, which works on /v1 until it is revoked from the app', async () => {
    const browser = await signUp(address());
    const created = await browser.submit('/app/settings', '/app/keys', { name: 'release script' });
    expect(created.status).toBe(201);
    const key = /id="new-key">([^<]+)</.exec(created.data)?.[1];
    expect(key).toMatch(/^dd_artist_/);
    const headers = { authorization: `Bearer ${key}` };
    expect((await http.post(`${stack.api.url}/v1/artists`, { name: 'By key' }, { headers })).status).toBe(201);
    const settings = await browser.get('/app/settings');
    expect(settings.data).toContain('release script');
    expect(settings.data).not.toContain(key!); // shown once
    const keyId = /action="\/app\/keys\/([0-9a-f-]{36})\/revoke"/.exec(settings.data)![1]!;
    expect((await browser.submit('/app/settings', `/app/keys/${keyId}/revoke`)).status).toBe(200);
    expect((await http.get(`${stack.api.url}/v1/artists`, { headers })).status).toBe(401);
    const audited = await stack.db.pool.anyFirst(
      sql.type(z.object({ actor: z.string() }))`SELECT actor FROM audit_log WHERE action LIKE 'api_key.%'`,
    );
    expect(audited).toEqual(expect.arrayContaining([expect.stringMatching(/^member:[0-9a-f-]{36}$/)]));
  });

  it('still signs in with an API key, for scripts', async () => {
    const signup = await http.post(`${stack.api.url}/v1/accounts`, { name: 'Keyed', email: address() });
    const browser = new AppClient(stack.api.url);
    const res = await browser.postRaw('/app/session', { key: signup.data.apiKey });
    expect(res.status).toBe(303);
    expect(await signedIn(browser)).toBe(true);
  });
});
