// The sandbox mailbox as the owner of an address reads it: the outbox delivered (as its Schedule does every minute),
// then the messages whose sealed recipient is that address. And an account owner verifying their address from it.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { outboxDeliveryWorkflow } from '../../workflows/mail';
import { dashboardSession, http, type ReleaseStack } from './release-stack';

export interface Mail {
  subject: string;
  body: string;
}

/** What the sandbox mailbox holds for `address`, oldest first (without delivering what is queued). */
export async function mailTo(stack: Pick<ReleaseStack, 'db' | 'keyRing'>, address: string): Promise<Mail[]> {
  const rows = await stack.db.pool.any(sql.type(
    z.object({ id: z.string(), enc: z.string(), subject: z.string(), body: z.string() }),
  )`
    SELECT outbox_id AS id, to_address_enc AS enc, subject, body FROM sandbox_mailbox ORDER BY delivered_at, outbox_id`);
  return rows
    .filter((r) => stack.keyRing.decrypt(r.enc, `sandbox_mailbox:${r.id}`) === address)
    .map(({ subject, body }) => ({ subject, body }));
}

/** Delivers the outbox now, then reads the address's mail. */
export async function deliveredMailTo(stack: ReleaseStack, address: string): Promise<Mail[]> {
  await stack.temporal.client.workflow.execute(outboxDeliveryWorkflow, {
    workflowId: `outbox-${randomBytes(6).toString('hex')}`,
    taskQueue: stack.temporal.taskQueue,
  });
  return mailTo(stack, address);
}

/**
 * The latest verification link in the address's mailbox (of the account named `accountName`, when several accounts
 * signed up with the address): `/account/verify/<token>`.
 */
export async function verificationLink(stack: ReleaseStack, address: string, accountName?: string): Promise<string> {
  // The app's sign-up makes the account just after its answer: wait a little for the mail.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const links = (await deliveredMailTo(stack, address))
      .filter((m) => !accountName || m.body.includes(`as "${accountName}"`))
      .map((m) => /(https?:\/\/\S+\/account\/verify\/\S+)/.exec(m.body)?.[1])
      .filter((link): link is string => Boolean(link));
    const link = links.at(-1);
    if (link) return link;
    if (Date.now() > deadline) throw new Error(`no verification e-mail for ${address}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * The owner opens the link from their mailbox, signs in to their account (the link verifies only in that account's
 * session) and confirms on its page; the confirmation's answer.
 */
export async function verifyAccountEmail(
  stack: ReleaseStack,
  address: string,
  account: { apiKey: string; name?: string },
) {
  const link = await verificationLink(stack, address, account.name);
  return confirmVerification(stack, link, account.apiKey);
}

/** Opens a verification link signed in with `apiKey` and posts its page's form, as the browser would. */
export async function confirmVerification(stack: ReleaseStack, link: string, apiKey: string) {
  const cookie = await dashboardSession(stack, apiKey);
  const page = await http.get(link, { headers: { cookie } });
  const csrf = /name="csrf" value="([^"]+)"/.exec(String(page.data))?.[1];
  if (page.status !== 200 || !csrf) return page;
  return http.post(link, new URLSearchParams({ csrf }).toString(), {
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
  });
}
