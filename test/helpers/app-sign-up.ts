// Signing up to the artist app as a person does since sign-up stopped telling whether an address was new: the form
// (answered "check your inbox" at once, the account made just after), then the verification link, which asks for
// the new password and verifies the address in that session. The link is read from the outbox as queued (so files
// whose stack runs no worker can sign up too); test/e2e/app-sign-up-privacy.test.ts reads the delivered mail.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { AppClient } from './app-client';
import { type ReleaseStack } from './release-stack';

export const SIGN_UP_PASSWORD = 'correct horse battery';

/** The form alone: the answer every address gets. */
export async function submitSignUp(browser: AppClient, input: { name: string; email: string; password?: string }) {
  return browser.submit('/app/sign-up', '/app/sign-up', { password: SIGN_UP_PASSWORD, ...input });
}

/** The verification link queued for the account signed up with `email` (waits: it is made after the answer). */
export async function queuedVerificationLink(stack: Pick<ReleaseStack, 'db' | 'api'>, email: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const token = await stack.db.pool.maybeOneFirst(sql.type(z.object({ token: z.string() }))`
      SELECT o.data->>'token' AS token FROM outbox_emails o JOIN accounts a ON a.id = o.account_id
      WHERE o.template = 'email_verification' AND lower(a.email) = lower(${email})
      ORDER BY o.created_at DESC LIMIT 1`);
    if (token) return `${stack.api.url}/account/verify/${token}`;
    if (Date.now() > deadline) throw new Error(`no verification link for ${email}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Signs in from the verification link with the password and confirms it: the address is verified. */
export async function verifyFromLink(browser: AppClient, link: string, email: string, password = SIGN_UP_PASSWORD) {
  const path = new URL(link).pathname;
  const signIn = await browser.submit(link, '/app/sign-in', { email, password, next: path });
  if (signIn.status !== 303) throw new Error(`sign-in from the verification link answered ${signIn.status}`);
  const verified = await browser.submit(link, path);
  if (verified.status !== 200) throw new Error(`verification answered ${verified.status}`);
}

/** A new account, its address verified, signed in in `browser` (a new one unless given). */
export async function signUpVerified(
  stack: Pick<ReleaseStack, 'db' | 'api'>,
  input: { name?: string; email: string; password?: string },
  browser = new AppClient(stack.api.url),
): Promise<AppClient> {
  const password = input.password ?? SIGN_UP_PASSWORD;
  const res = await submitSignUp(browser, { name: input.name ?? 'Luna Vey', email: input.email, password });
  if (res.status !== 303) throw new Error(`sign-up answered ${res.status}`);
  await verifyFromLink(browser, await queuedVerificationLink(stack, input.email), input.email, password);
  return browser;
}
