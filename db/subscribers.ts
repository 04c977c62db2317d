import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type KeyRing } from '../lib/crypto/keyring';
import { type DatabasePool, sql } from './pool';

export interface NewSubscriber {
  campaignId: string;
  /** the pre-saving fan this browser belongs to, when known (so their nudges can reach them) */
  fanId?: string | null;
  email?: string;
  phone?: string;
  consentText: string;
}

/** Subscribes (or re-subscribes, with the new consent) a contact; returns the subscriber id. */
export async function upsertSubscriber(
  pool: DatabasePool,
  keyRing: KeyRing,
  hash: (value: string) => string,
  input: NewSubscriber,
): Promise<string> {
  return pool.transaction(async (tx) => {
    const emailHash = input.email ? hash(`email:${input.email}`) : null;
    const phoneHash = input.phone ? hash(`phone:${input.phone}`) : null;
    const existing = await tx.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
      SELECT id FROM subscribers WHERE campaign_id = ${input.campaignId}
        AND (email_hash = ${emailHash} OR phone_hash = ${phoneHash}) LIMIT 1 FOR UPDATE`);
    const id = existing ?? (await tx.oneFirst(sql.type(z.object({ id: z.string() }))`SELECT gen_random_uuid() AS id`));
    const seal = (value: string | undefined, field: string) =>
      value ? keyRing.encrypt(value, `subscribers:${id}:${field}`) : null;
    await tx.query(sql.unsafe`
      INSERT INTO subscribers (id, campaign_id, fan_id, email_enc, email_hash, phone_enc, phone_hash, consent_text)
      VALUES (${id}, ${input.campaignId}, ${input.fanId ?? null}, ${seal(input.email, 'email')}, ${emailHash},
              ${seal(input.phone, 'phone')}, ${phoneHash}, ${input.consentText})
      ON CONFLICT (id) DO UPDATE SET fan_id = coalesce(EXCLUDED.fan_id, subscribers.fan_id),
        email_enc = coalesce(EXCLUDED.email_enc, subscribers.email_enc), email_hash = coalesce(EXCLUDED.email_hash, subscribers.email_hash),
        phone_enc = coalesce(EXCLUDED.phone_enc, subscribers.phone_enc), phone_hash = coalesce(EXCLUDED.phone_hash, subscribers.phone_hash),
        consent_text = EXCLUDED.consent_text, consented_at = now(), unsubscribed_at = NULL`);
    return id;
  });
}

export async function unsubscribe(pool: DatabasePool, id: string): Promise<boolean> {
  const result = await pool.query(sql.unsafe`
    UPDATE subscribers SET unsubscribed_at = coalesce(unsubscribed_at, now()) WHERE id = ${id}`);
  return result.rowCount === 1;
}

const exportRow = z.object({
  id: z.string(),
  emailEnc: z.string().nullable(),
  phoneEnc: z.string().nullable(),
  consentedAt: z.number(),
  consentedAtKey: z.string(),
});

/** One page of a campaign's consented, still subscribed contacts, decrypted, in a stable order. */
export async function subscribersPage(
  pool: DatabasePool,
  keyRing: KeyRing,
  input: { campaignId: string; after?: { consentedAtKey: string; id: string }; limit: number },
) {
  const rows = await pool.any(sql.type(exportRow)`
    SELECT id, email_enc AS "emailEnc", phone_enc AS "phoneEnc", consented_at AS "consentedAt", consented_at::text AS "consentedAtKey"
    FROM subscribers
    WHERE campaign_id = ${input.campaignId} AND unsubscribed_at IS NULL
      ${input.after ? sql.fragment`AND (consented_at, id) > (${input.after.consentedAtKey}::timestamptz, ${input.after.id}::uuid)` : sql.fragment``}
    ORDER BY consented_at, id LIMIT ${input.limit}`);
  return rows.map((r) => ({
    id: r.id,
    consentedAtKey: r.consentedAtKey,
    email: r.emailEnc ? keyRing.decrypt(r.emailEnc, `subscribers:${r.id}:email`) : '',
    phone: r.phoneEnc ? keyRing.decrypt(r.phoneEnc, `subscribers:${r.id}:phone`) : '',
    consentedAt: new Date(r.consentedAt).toISOString(),
  }));
}

/** Every subscription under an e-mail address (keyed hash), for its erasure; returns how many went. */
export async function deleteSubscribersByEmailHash(
  db: DatabasePool | DatabaseTransactionConnection,
  emailHash: string,
): Promise<number> {
  return (await db.query(sql.unsafe`DELETE FROM subscribers WHERE email_hash = ${emailHash}`)).rowCount;
}
