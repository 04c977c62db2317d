// "Sign in with Google" in the artist app, over HTTP against the Google simulator's OpenID Connect (discovery, JWKS,
// RS256 ID tokens): a new Google user creates an account and comes back signed in; an address that signs in to
// dropday already is linked only after its password is proved; and an ID token with a forged signature, another
// sign-in's nonce, another app's audience or an expiry in the past, or an address Google has not verified, signs
// nobody in and creates nothing. A state works once, and only in the browser that started it.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { SIGN_IN_REFUSED } from '../../api/pages/app-accounts';
import { startGoogleSimulator } from '../../simulators/google';
import { type IdTokenFault } from '../../simulators/google/oidc';
import { GOOGLE_APP, googleEnv } from '../helpers/ad-simulators';
import { AppClient, csrfOf } from '../helpers/app-client';
import { signUpVerified, submitSignUp } from '../helpers/app-sign-up';
import { http, useReleaseStack } from '../helpers/release-stack';

let google: Awaited<ReturnType<typeof startGoogleSimulator>>;
beforeAll(async () => {
  google = await startGoogleSimulator(GOOGLE_APP);
});
const stack = useReleaseStack(() => ({ startWorker: false, env: googleEnv(google) }));
afterAll(async () => {
  await google?.close();
});

let seq = 0;
const address = () => `google-${Date.now()}-${seq++}@example.com`;
const signedIn = async (browser: AppClient) => (await browser.get('/app')).data.includes('id="sign-out"');
const count = async (table: 'accounts' | 'members') =>
  Number(await stack.db.pool.oneFirst(sql.unsafe`SELECT count(*) FROM ${sql.identifier([table])}`));

/** The button's POST: the browser is sent to Google's consent page. */
async function startAtGoogle(browser: AppClient): Promise<URL> {
  const started = await browser.submit('/app', '/app/sign-in/google');
  expect(started.status).toBe(303);
  const consent = new URL(String(started.headers.location));
  expect(consent.origin).toBe(new URL(google.url).origin);
  expect(consent.searchParams.get('scope')).toBe('openid email profile');
  expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
  expect(consent.searchParams.get('nonce')).toBeTruthy();
  return consent;
}

/** The person continues on Google's page as `email`; the callback URL Google sends the browser to. */
async function consentAt(consent: URL, email: string, opts: { verified?: boolean } = {}): Promise<string> {
  const fields = Object.fromEntries(consent.searchParams);
  const answer = await http.post(
    `${google.url}/o/oauth2/v2/auth`,
    new URLSearchParams({
      ...fields,
      email,
      name: 'Luna Vey',
      ...(opts.verified === false ? {} : { email_verified: 'true' }),
      decision: 'accept',
    }).toString(),
    { headers: { 'content-type': 'application/x-www-form-urlencoded', origin: google.url } },
  );
  expect(answer.status).toBe(302);
  return String(answer.headers.location);
}

async function signInWithGoogle(browser: AppClient, email: string, opts: { verified?: boolean } = {}) {
  const callback = await consentAt(await startAtGoogle(browser), email, opts);
  return { callback, page: await browser.get(callback) };
}

/** Posts the form of `page` whose action is `action`, with its anti-forgery field, as the browser on that page. */
function postFrom(browser: AppClient, page: string, action: string, fields: Record<string, string>) {
  const csrf = csrfOf(page, action);
  if (!csrf) throw new Error(`no form for ${action}`);
  return browser.postRaw(action, { csrf, ...fields });
}

const spoil = (fault: IdTokenFault) => http.post(`${google.url}/__control/id-token-faults`, { faults: [fault] });

describe('sign in with Google', () => {
  it('a new Google user creates an account (address verified by Google) and signs in again with Google', async () => {
    const email = address();
    const browser = new AppClient(stack.api.url);
    expect((await browser.get('/app')).data).toContain('id="google-sign-in"');
    const { page } = await signInWithGoogle(browser, email);
    expect(page.status).toBe(200);
    expect(page.data).toContain('Create your dropday account');
    expect(page.data).toContain(email);
    const created = await postFrom(browser, page.data, '/app/sign-in/google/new', {
      pending: /name="pending" value="([^"]+)"/.exec(page.data)![1]!,
      name: 'Luna Vey',
    });
    expect([created.status, created.headers.location]).toEqual([303, '/app?welcome=1']);
    expect(await signedIn(browser)).toBe(true);
    const row = await stack.db.pool.one(sql.type(
      z.object({ verified: z.boolean(), memberVerified: z.boolean(), google: z.string().nullable() }),
    )`
      SELECT a.email_verified_at IS NOT NULL AS verified, m.email_verified_at IS NOT NULL AS "memberVerified",
             m.google_sub_lookup AS google
      FROM accounts a JOIN members m ON m.account_id = a.id WHERE a.email = ${email}`);
    expect(row).toEqual({ verified: true, memberVerified: true, google: expect.any(String) });
    expect(row.google).not.toContain(email);

    // Another browser, later: Google alone signs in, and the page moves on to the app (same-site navigation).
    const later = new AppClient(stack.api.url);
    const again = await signInWithGoogle(later, email);
    expect(again.page.status).toBe(200);
    expect(again.page.data).toContain('http-equiv="refresh" content="0;url=/app"');
    expect(await signedIn(later)).toBe(true);
    const audited = await stack.db.pool.anyFirst(sql.type(z.object({ action: z.string() }))`
      SELECT action FROM audit_log WHERE action IN ('account.sign_up_google', 'member.sign_in_google')`);
    expect(audited).toEqual(expect.arrayContaining(['account.sign_up_google', 'member.sign_in_google']));
  });

  it("links Google to an existing sign-in only after that sign-in's password", async () => {
    const email = address();
    await signUpVerified(stack, { email, password: 'the right password' });
    const browser = new AppClient(stack.api.url);
    const { page } = await signInWithGoogle(browser, email);
    expect(page.status).toBe(200);
    expect(page.data).toContain('Link your Google account');
    const pending = /name="pending" value="([^"]+)"/.exec(page.data)![1]!;
    const wrong = await postFrom(browser, page.data, '/app/sign-in/google/link', {
      pending,
      password: 'not the password',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.data).toContain(SIGN_IN_REFUSED.replace(/'/g, '&#39;'));
    expect(await signedIn(browser)).toBe(false);
    const linked = await postFrom(browser, wrong.data, '/app/sign-in/google/link', {
      pending,
      password: 'the right password',
    });
    expect([linked.status, linked.headers.location]).toEqual([303, '/app']);
    expect(await signedIn(browser)).toBe(true);
    // From now on Google alone signs in as that member.
    const later = new AppClient(stack.api.url);
    expect((await signInWithGoogle(later, email)).page.data).toContain('url=/app');
    expect(await signedIn(later)).toBe(true);
  });

  it('an address whose sign-up was never verified is not linked nor taken over', async () => {
    const email = address();
    await submitSignUp(new AppClient(stack.api.url), { name: 'Squatter', email, password: 'squatter password' });
    const deadline = Date.now() + 20_000;
    while (
      !(await stack.db.pool.exists(sql.unsafe`SELECT 1 FROM accounts WHERE email = ${email}`)) &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 200));
    const browser = new AppClient(stack.api.url);
    const { page } = await signInWithGoogle(browser, email);
    expect(page.status).toBe(409);
    expect(page.data).toContain('never verified');
    expect(page.data).not.toContain('name="pending"');
    expect(await signedIn(browser)).toBe(false);
  });

  it.each<[IdTokenFault, string]>([
    ['bad_signature', 'signed by a key Google does not publish'],
    ['wrong_nonce', "another sign-in's nonce"],
    ['wrong_aud', "another app's audience"],
    ['expired', 'an expiry in the past'],
  ])('refuses an ID token %s (%s): nobody signed in, nothing created', async (fault) => {
    const [accounts, members] = [await count('accounts'), await count('members')];
    await spoil(fault);
    const browser = new AppClient(stack.api.url);
    const { page } = await signInWithGoogle(browser, address());
    expect(page.status).toBe(400);
    expect(page.data).toContain('could not be verified');
    expect(page.data).not.toContain('name="pending"');
    expect(await signedIn(browser)).toBe(false);
    expect([await count('accounts'), await count('members')]).toEqual([accounts, members]);
  });

  it('refuses an address Google has not verified', async () => {
    const [accounts, members] = [await count('accounts'), await count('members')];
    const browser = new AppClient(stack.api.url);
    const { page } = await signInWithGoogle(browser, address(), { verified: false });
    expect(page.status).toBe(403);
    expect(page.data).toContain('Google has not verified');
    expect(await signedIn(browser)).toBe(false);
    expect([await count('accounts'), await count('members')]).toEqual([accounts, members]);
  });

  it('a state works once, and only in the browser that started the sign-in', async () => {
    const email = address();
    await signUpVerified(stack, { email });
    const browser = new AppClient(stack.api.url);
    const callback = await consentAt(await startAtGoogle(browser), email);
    // Handed to someone else's browser (login CSRF): refused.
    const victim = new AppClient(stack.api.url);
    expect((await victim.get(callback)).status).toBe(400);
    expect(await signedIn(victim)).toBe(false);
    expect((await browser.get(callback)).status).toBe(200);
    expect((await browser.get(callback)).status).toBe(400); // used
  });
});

describe('accepting a member invitation with Google', () => {
  /** An owner invites `email` as a viewer; the invitation's path (the mailed link's, read off the queued mail). */
  async function invite(email: string): Promise<string> {
    const owner = await signUpVerified(stack, { name: 'Inviting Label', email: address() });
    expect((await owner.submit('/app/settings', '/app/members', { email, role: 'viewer' })).status).toBe(201);
    const token = await stack.db.pool.oneFirst(sql.type(z.object({ token: z.string() }))`
      SELECT data->>'token' AS token FROM outbox_emails WHERE template = 'member_invite' ORDER BY created_at DESC LIMIT 1`);
    return `/app/invite/${token}`;
  }
  const latestInvitee = () =>
    stack.db.pool.one(sql.type(
      z.object({ role: z.string(), googleLinked: z.boolean(), verified: z.boolean(), password: z.boolean() }),
    )`SELECT role, google_sub_lookup IS NOT NULL AS "googleLinked", email_verified_at IS NOT NULL AS verified,
             password_hash IS NOT NULL AS password
      FROM members WHERE id = (SELECT member_id FROM outbox_emails WHERE template = 'member_invite'
                               AND data->>'token' IS NOT NULL ORDER BY created_at DESC LIMIT 1)`);

  /** "Accept with Google" on the invitation's page, then Google's page as `email`: the callback's answer. */
  async function acceptWithGoogle(browser: AppClient, path: string, email: string, opts: { verified?: boolean } = {}) {
    const page = await browser.get(path);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain(new URL(google.url).origin);
    const started = await postFrom(browser, page.data, `${path}/google`, {});
    expect(started.status).toBe(303);
    const consent = new URL(String(started.headers.location));
    expect(consent.origin).toBe(new URL(google.url).origin);
    return browser.get(await consentAt(consent, email, opts));
  }

  it('accepts it only with the invited address verified by Google; the member then signs in with Google', async () => {
    const email = address();
    const path = await invite(email);
    const browser = new AppClient(stack.api.url);
    expect((await browser.get(path)).data).toContain('id="accept-with-google"');

    // Another Google account: refused, saying which address is invited; nothing changes.
    const other = await acceptWithGoogle(browser, path, address());
    expect(other.status).toBe(403);
    expect(other.data).toContain(`The invitation is for ${email}`);
    // An address Google has not verified: refused too.
    const unverified = await acceptWithGoogle(browser, path, email, { verified: false });
    expect(unverified.status).toBe(403);
    expect(unverified.data).toContain('Google has not verified');
    expect(await signedIn(browser)).toBe(false);
    expect(await latestInvitee()).toEqual({ role: 'viewer', googleLinked: false, verified: false, password: false });

    // The invited address (Google may spell it in capitals): joined, signed in, linked, the address verified.
    const joined = await acceptWithGoogle(browser, path, email.toUpperCase());
    expect(joined.status).toBe(200);
    expect(joined.data).toContain('Signed in');
    expect(await signedIn(browser)).toBe(true);
    expect(await latestInvitee()).toEqual({ role: 'viewer', googleLinked: true, verified: true, password: false });
    expect((await new AppClient(stack.api.url).get(path)).status).toBe(400); // the invitation is spent

    // From then on the Google account signs in as that member, in any browser.
    const later = new AppClient(stack.api.url);
    const again = await signInWithGoogle(later, email);
    expect(again.page.status).toBe(200);
    expect(await signedIn(later)).toBe(true);
  });

  it('tells a pending invitee who signs in with Google from the sign-in page to open the invitation', async () => {
    const email = address();
    const path = await invite(email);
    const { page } = await signInWithGoogle(new AppClient(stack.api.url), email);
    expect(page.status).toBe(409);
    expect(page.data).toContain('Accept with Google');
    expect(await latestInvitee()).toMatchObject({ googleLinked: false });
    expect((await new AppClient(stack.api.url).get(path)).status).toBe(200); // still open
  });
});
