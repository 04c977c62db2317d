import { z } from 'zod';
import { type DatabasePool, sql } from './pool';

/** Idempotent on dedupe_key, so an activity retried after a crash queues the e-mail once. */
export async function queueEmail(
  pool: DatabasePool,
  input: { accountId: string; template: string; data?: Record<string, unknown>; dedupeKey: string },
): Promise<string> {
  return pool.oneFirst(sql.type(z.object({ id: z.string().uuid() }))`
    WITH inserted AS (
      INSERT INTO outbox_emails (account_id, template, data, dedupe_key)
      VALUES (${input.accountId}, ${input.template}, ${sql.jsonb(JSON.parse(JSON.stringify(input.data ?? {})))}, ${input.dedupeKey})
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING id
    )
    SELECT id FROM inserted
    UNION ALL SELECT id FROM outbox_emails WHERE dedupe_key = ${input.dedupeKey}
    LIMIT 1`);
}
