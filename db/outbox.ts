import { z } from 'zod';
import { type DatabaseTransactionConnection } from 'slonik';
import { type DatabasePool, sql } from './pool';

/**
 * Transactional: sent because the recipient just asked for it (a subscription's confirmation link, a deletion
 * link), whether or not they are subscribed. Marketing (the default): reaches a subscriber only while their
 * subscription is confirmed and not unsubscribed. The rule lives in one place, sendPendingEmails.
 */
export type EmailKind = 'transactional' | 'marketing';

/** Idempotent on dedupe_key, so an activity retried after a crash queues the e-mail once. */
export async function queueEmail(
  pool: DatabasePool | DatabaseTransactionConnection,
  input: {
    accountId?: string;
    subscriberId?: string;
    orderId?: string;
    /** a member of the artist app: mailed at their own address (an invitation, a password reset) */
    memberId?: string;
    template: string;
    kind?: EmailKind;
    /** `sms`: a text message to the subscriber's phone (Twilio), under the same delivery rule */
    channel?: 'email' | 'sms';
    data?: Record<string, unknown>;
    dedupeKey: string;
  },
): Promise<string> {
  return pool.oneFirst(sql.type(z.object({ id: z.string().uuid() }))`
    WITH inserted AS (
      INSERT INTO outbox_emails (account_id, subscriber_id, order_id, member_id, template, kind, channel, data, dedupe_key)
      VALUES (${input.accountId ?? null}, ${input.subscriberId ?? null}, ${input.orderId ?? null},
              ${input.memberId ?? null}, ${input.template},
              ${input.kind ?? 'marketing'}, ${input.channel ?? 'email'},
              ${sql.jsonb(JSON.parse(JSON.stringify(input.data ?? {})))}, ${input.dedupeKey})
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING id
    )
    SELECT id FROM inserted
    UNION ALL SELECT id FROM outbox_emails WHERE dedupe_key = ${input.dedupeKey}
    LIMIT 1`);
}

const pendingRow = z.object({
  id: z.string(),
  template: z.string(),
  kind: z.enum(['transactional', 'marketing']),
  channel: z.enum(['email', 'sms']),
  data: z.record(z.string(), z.unknown()),
  accountEmail: z.string().nullable(),
  accountName: z.string().nullable(),
  subscriberId: z.string().nullable(),
  subscriberEmailEnc: z.string().nullable(),
  subscriberPhoneEnc: z.string().nullable(),
  /** the fan's language (migration 030): their messages are written in it */
  subscriberLang: z.string().nullable(),
  orderId: z.string().nullable(),
  orderEmailEnc: z.string().nullable(),
  memberId: z.string().nullable(),
  memberEmailEnc: z.string().nullable(),
  /** the subscriber's forever-save with the artist of their subscription, when on: every message links its stop */
  foreverSaveId: z.string().nullable(),
  foreverSaveArtist: z.string().nullable(),
});
export type PendingEmail = z.infer<typeof pendingRow>;

/** What `send` may answer instead of sending: this message must never go (e.g. the recipient replied STOP). */
export interface DroppedMessage {
  dropped: string;
}

/**
 * Sends unsent e-mails one at a time: each is locked (SKIP LOCKED, so several senders share the work), handed to
 * `send`, and marked sent in the same transaction. A failure is recorded and the e-mail tried again next round; a
 * message `send` drops is marked dropped with its reason and never tried again.
 */
export async function sendPendingEmails(
  pool: DatabasePool,
  limit: number,
  send: (email: PendingEmail, tx: DatabaseTransactionConnection) => Promise<void | DroppedMessage>,
): Promise<{ sent: number; failed: number; dropped: number }> {
  let sent = 0;
  let failed = 0;
  let dropped = 0;
  const failedIds: string[] = []; // not again in this round
  for (let i = 0; i < limit; i++) {
    const outcome = await pool.transaction(async (tx) => {
      const email = await tx.maybeOne(sql.type(pendingRow)`
        SELECT o.id, o.template, o.kind, o.channel, o.data, a.email AS "accountEmail", a.name AS "accountName",
               o.subscriber_id AS "subscriberId", s.email_enc AS "subscriberEmailEnc", s.phone_enc AS "subscriberPhoneEnc",
               s.lang AS "subscriberLang",
               o.order_id AS "orderId", ord.email_enc AS "orderEmailEnc",
               o.member_id AS "memberId", m.email_enc AS "memberEmailEnc",
               fsv.id AS "foreverSaveId", fsv.name AS "foreverSaveArtist"
        FROM outbox_emails o LEFT JOIN accounts a ON a.id = o.account_id LEFT JOIN subscribers s ON s.id = o.subscriber_id
             LEFT JOIN orders ord ON ord.id = o.order_id LEFT JOIN members m ON m.id = o.member_id
             LEFT JOIN LATERAL (
               SELECT fs.id, ar.name FROM campaigns sc
               JOIN forever_saves fs ON fs.artist_id = sc.artist_id AND fs.fan_id = s.fan_id AND fs.stopped_at IS NULL
               JOIN artists ar ON ar.id = fs.artist_id
               WHERE sc.id = s.campaign_id
             ) fsv ON true
        WHERE o.sent_at IS NULL AND o.dropped_at IS NULL AND o.attempts < 10
          -- the one rule on who may be mailed: see EmailKind
          AND (o.kind = 'transactional' OR s.id IS NULL OR (s.confirmed_at IS NOT NULL AND s.unsubscribed_at IS NULL))
          -- and texted: only a phone whose owner confirmed it (migration 031)
          AND (o.channel <> 'sms' OR o.kind = 'transactional' OR s.phone_confirmed_at IS NOT NULL)
          AND o.id <> ALL(${sql.array(failedIds, 'uuid')})
        ORDER BY o.created_at LIMIT 1 FOR UPDATE OF o SKIP LOCKED`);
      if (!email) return 'none';
      try {
        const outcome = await send(email, tx);
        if (outcome) {
          await tx.query(sql.unsafe`
            UPDATE outbox_emails SET dropped_at = now(), attempts = attempts + 1,
                   last_error = ${outcome.dropped.slice(0, 500)} WHERE id = ${email.id}`);
          return 'dropped';
        }
        await tx.query(
          sql.unsafe`UPDATE outbox_emails SET sent_at = now(), attempts = attempts + 1 WHERE id = ${email.id}`,
        );
        return 'sent';
      } catch (error) {
        await tx.query(
          sql.unsafe`UPDATE outbox_emails SET attempts = attempts + 1, last_error = ${String(error).slice(0, 500)} WHERE id = ${email.id}`,
        );
        failedIds.push(email.id);
        return 'failed';
      }
    });
    if (outcome === 'none') break;
    if (outcome === 'sent') sent++;
    else if (outcome === 'dropped') dropped++;
    else failed++;
  }
  return { sent, failed, dropped };
}
