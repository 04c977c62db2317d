// The sandbox mailbox: where the sandbox e-mail transport delivers (dev and tests), standing in for an e-mail
// provider. The address is encrypted like every other. The one writer of sandbox_mailbox.
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type KeyRing } from '../lib/crypto/keyring';
import { type DatabasePool, sql } from './pool';

/** Idempotent per outbox e-mail, so a retried send does not deliver twice. */
export async function deliverToSandboxMailbox(
  tx: DatabaseTransactionConnection,
  keyRing: KeyRing,
  email: { outboxId: string; to: string; subject: string; body: string; headers?: Record<string, string> },
): Promise<void> {
  await tx.query(sql.unsafe`
    INSERT INTO sandbox_mailbox (outbox_id, to_address_enc, subject, body, headers)
    VALUES (${email.outboxId}, ${keyRing.encrypt(email.to, `sandbox_mailbox:${email.outboxId}`)}, ${email.subject}, ${email.body},
            ${sql.jsonb(email.headers ?? {})})
    ON CONFLICT (outbox_id) DO NOTHING`);
}

/** What the sandbox mailbox holds for `address`, oldest first: the dev demo reads it as the address's owner would. */
export async function sandboxMailTo(
  db: DatabasePool,
  keyRing: KeyRing,
  address: string,
): Promise<{ subject: string; body: string }[]> {
  const rows = await db.any(sql.type(
    z.object({ id: z.string(), enc: z.string(), subject: z.string(), body: z.string() }),
  )`
    SELECT outbox_id AS id, to_address_enc AS enc, subject, body FROM sandbox_mailbox ORDER BY delivered_at, outbox_id`);
  return rows
    .filter((r) => keyRing.decrypt(r.enc, `sandbox_mailbox:${r.id}`) === address)
    .map(({ subject, body }) => ({ subject, body }));
}
