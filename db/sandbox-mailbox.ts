// The sandbox mailbox: where the sandbox e-mail transport delivers (dev and tests), standing in for an e-mail
// provider. The address is encrypted like every other. The one writer of sandbox_mailbox.
import { type DatabaseTransactionConnection } from 'slonik';
import { type KeyRing } from '../lib/crypto/keyring';
import { sql } from './pool';

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
