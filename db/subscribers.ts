import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type KeyRing } from '../lib/crypto/keyring';
import { type EventDimensions } from './events';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;

export interface NewSubscriber {
  campaignId: string;
  /** the pre-saving fan this browser belongs to, when known (so their nudges can reach them) */
  fanId?: string | null;
  email?: string;
  phone?: string;
  consentText: string;
  /** the consent wording's version (one per language, lib/i18n) and the fan's language (migration 030) */
  consentVersion?: string | null;
  lang?: string | null;
  /** where the sign-up came from, kept for its EMAIL_SIGNUP event, recorded once confirmed */
  signupDimensions?: EventDimensions;
}

/**
 * What a subscribe form post led to. `confirm`: a subscription waiting for its owner to confirm it through the link
 * e-mailed to `emailHash` (its phone, if any, is bound to the same link; `round` tells one re-subscription after an
 * unsubscribe from the next). `active`: the address is already
 * confirmed and subscribed, nothing changed. `unconfirmable`: a phone number alone, which no transport of ours can
 * confirm, so it stays pending and counts for nothing.
 */
export type SubscribeOutcome =
  | {
      status: 'confirm';
      id: string;
      emailHash: string;
      phoneHash: string | null;
      round: string;
      /** the phone number whose owner has yet to confirm it (a texted link) before any SMS goes to it */
      phoneToConfirm: string | null;
    }
  | { status: 'active'; id: string; phoneToConfirm: string | null }
  | { status: 'unconfirmable'; id: string | null };

const contactRow = z.object({
  id: z.string(),
  emailHash: z.string().nullable(),
  phoneHash: z.string().nullable(),
  confirmed: z.boolean(),
  phoneConfirmed: z.boolean(),
  active: z.boolean(),
  unsubscribedAt: z.string().nullable(),
});

/**
 * The subscribe form (double opt-in). A contact that was ever confirmed is never rewritten here: neither its
 * address nor its phone number nor the fan it is linked to changes, so nobody can move someone's subscription onto
 * their own address by posting forms, and an unsubscribed contact stays unsubscribed until its owner confirms
 * again (the confirmation link is then sent to the address on record). A subscription never confirmed counts for
 * nothing, so a new post may replace its contacts; when they change, its link to a fan is the new poster's only.
 */
export async function upsertSubscriber(
  pool: DatabasePool,
  keyRing: KeyRing,
  hash: (value: string) => string,
  input: NewSubscriber,
): Promise<SubscribeOutcome> {
  return pool.transaction(async (tx) => {
    const emailHash = input.email ? hash(`email:${input.email}`) : null;
    let phoneHash = input.phone ? hash(`phone:${input.phone}`) : null;
    const rows = await tx.any(sql.type(contactRow)`
      SELECT id, email_hash AS "emailHash", phone_hash AS "phoneHash", confirmed_at IS NOT NULL AS confirmed,
             phone_confirmed_at IS NOT NULL AS "phoneConfirmed",
             (confirmed_at IS NOT NULL AND unsubscribed_at IS NULL) AS active, unsubscribed_at::text AS "unsubscribedAt"
      FROM subscribers WHERE campaign_id = ${input.campaignId}
        AND (email_hash = ${emailHash} OR phone_hash = ${phoneHash}) ORDER BY id FOR UPDATE`);
    const byEmail = emailHash ? rows.find((r) => r.emailHash === emailHash) : undefined;
    const byPhone = phoneHash ? rows.find((r) => r.phoneHash === phoneHash) : undefined;

    // The address belongs to a confirmed contact: it stays as it is; only its owner can subscribe it again.
    if (byEmail?.confirmed) {
      const phoneToConfirm = byEmail.phoneConfirmed ? null : byEmail.phoneHash;
      return byEmail.active
        ? { status: 'active', id: byEmail.id, phoneToConfirm }
        : {
            status: 'confirm',
            id: byEmail.id,
            emailHash: emailHash!,
            phoneHash: byEmail.phoneHash,
            round: byEmail.unsubscribedAt ?? '',
            phoneToConfirm,
          };
    }
    // The phone number belongs to a confirmed contact: it is not this post's to give.
    let input2 = input;
    if (byPhone?.confirmed) {
      if (!emailHash)
        return byPhone.active
          ? { status: 'active', id: byPhone.id, phoneToConfirm: byPhone.phoneConfirmed ? null : byPhone.phoneHash }
          : { status: 'unconfirmable', id: null };
      phoneHash = null;
      input2 = { ...input, phone: undefined };
    }
    // Whatever is left matching is unconfirmed: one pending row for this post's contacts.
    const pending = [byEmail, byPhone?.confirmed ? undefined : byPhone].filter((r) => r !== undefined);
    const keep = pending[0];
    for (const other of pending.slice(1)) {
      if (other.id !== keep!.id) await tx.query(sql.unsafe`DELETE FROM subscribers WHERE id = ${other.id}`);
    }
    const sameContacts = keep !== undefined && keep.emailHash === emailHash && keep.phoneHash === phoneHash;
    const id = keep?.id ?? (await tx.oneFirst(sql.type(z.object({ id: z.string() }))`SELECT gen_random_uuid() AS id`));
    const seal = (value: string | undefined, field: string) =>
      value ? keyRing.encrypt(value, `subscribers:${id}:${field}`) : null;
    await tx.query(sql.unsafe`
      INSERT INTO subscribers (id, campaign_id, fan_id, email_enc, email_hash, phone_enc, phone_hash, consent_text,
                               consent_version, lang, signup_dimensions)
      VALUES (${id}, ${input.campaignId}, ${input2.fanId ?? null}, ${seal(input2.email, 'email')}, ${emailHash},
              ${seal(input2.phone, 'phone')}, ${phoneHash}, ${input.consentText}, ${input.consentVersion ?? null},
              ${input.lang ?? null},
              ${input.signupDimensions ? sql.jsonb(JSON.parse(JSON.stringify(input.signupDimensions))) : null})
      ON CONFLICT (id) DO UPDATE SET
        fan_id = ${sameContacts ? sql.fragment`coalesce(EXCLUDED.fan_id, subscribers.fan_id)` : sql.fragment`EXCLUDED.fan_id`},
        email_enc = EXCLUDED.email_enc, email_hash = EXCLUDED.email_hash,
        phone_enc = EXCLUDED.phone_enc, phone_hash = EXCLUDED.phone_hash,
        -- a phone confirmed by its owner stays so only while it is the same number
        phone_confirmed_at = CASE WHEN subscribers.phone_hash = EXCLUDED.phone_hash
                                  THEN subscribers.phone_confirmed_at END,
        consent_text = EXCLUDED.consent_text, consent_version = EXCLUDED.consent_version, lang = EXCLUDED.lang,
        consented_at = now(), signup_dimensions = EXCLUDED.signup_dimensions`);
    if (!emailHash) return { status: 'unconfirmable', id };
    const phoneConfirmed = sameContacts && keep.phoneConfirmed;
    return {
      status: 'confirm',
      id,
      emailHash,
      phoneHash,
      round: '',
      phoneToConfirm: phoneConfirmed ? null : phoneHash,
    };
  });
}

const confirmedRow = z.object({
  campaignId: z.string(),
  fanId: z.string().nullable(),
  signupDimensions: z.record(z.string(), z.unknown()).nullable(),
});

/**
 * The owner of the address opened the confirmation link: the subscription counts from now on, with the consent it
 * was asked with. Only if the row still holds the contacts the link was issued for, and only if it was not
 * unsubscribed after the link was issued (an old link never undoes a later unsubscribe). Returns the subscription's
 * campaign and fan, and the sign-up's dimensions the first time (they are cleared here), or null when it did not.
 */
export async function confirmSubscriber(
  db: Db,
  link: { id: string; emailHash: string; phoneHash: string | null; issuedAt: number },
): Promise<{ campaignId: string; fanId: string | null; signupDimensions: EventDimensions | null } | null> {
  const row = await db.maybeOne(sql.type(confirmedRow)`
    WITH before AS (SELECT id, signup_dimensions FROM subscribers WHERE id = ${link.id} FOR UPDATE)
    UPDATE subscribers s SET
      consented_at = CASE WHEN s.confirmed_at IS NULL OR s.unsubscribed_at IS NOT NULL THEN now() ELSE s.consented_at END,
      confirmed_at = coalesce(s.confirmed_at, now()), unsubscribed_at = NULL, signup_dimensions = NULL
    FROM before
    WHERE s.id = before.id AND s.email_hash = ${link.emailHash} AND s.phone_hash IS NOT DISTINCT FROM ${link.phoneHash}
      AND (s.unsubscribed_at IS NULL OR s.unsubscribed_at < to_timestamp(${link.issuedAt} / 1000.0))
    RETURNING s.campaign_id AS "campaignId", s.fan_id AS "fanId", before.signup_dimensions AS "signupDimensions"`);
  return row ? { ...row, signupDimensions: row.signupDimensions as EventDimensions | null } : null;
}

/**
 * The owner of the subscription's phone number opened the link texted to it: SMS may go to it from now on (once the
 * subscription itself is confirmed through its e-mail). Only while the row still holds that number, and not when it
 * was unsubscribed after the link was issued. Returns whether it did.
 */
export async function confirmSubscriberPhone(
  db: Db,
  link: { id: string; phoneHash: string; issuedAt: number },
): Promise<boolean> {
  const result = await db.query(sql.unsafe`
    UPDATE subscribers SET phone_confirmed_at = coalesce(phone_confirmed_at, now())
    WHERE id = ${link.id} AND phone_hash = ${link.phoneHash}
      AND (unsubscribed_at IS NULL OR unsubscribed_at < to_timestamp(${link.issuedAt} / 1000.0))`);
  return result.rowCount === 1;
}

/** The subscription also asks for a release-day reminder, on `platform` (its link first), in `timeZone`. */
export async function requestReminder(
  db: Db,
  id: string,
  input: { platform: string | null; timeZone: string | null },
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE subscribers SET wants_reminder = true, reminder_platform = coalesce(${input.platform}, reminder_platform),
           reminder_zone = coalesce(${input.timeZone}, reminder_zone)
    WHERE id = ${id}`);
}

const dueReminderRow = z.object({
  id: z.string(),
  campaignId: z.string(),
  platform: z.string().nullable(),
  hasEmail: z.boolean(),
  hasPhone: z.boolean(),
  /** the release instant this fan is reminded of, and the zone to show it in (theirs, else the campaign's) */
  releaseAt: z.number(),
  zone: z.string(),
});
export type DueReminder = z.infer<typeof dueReminderRow>;

/**
 * Claims up to `limit` reminders whose moment has come: a confirmed, still subscribed fan of a release that is live
 * on Spotify, at the release instant in the fan's zone (a local release) or the campaign's (a global one). Each is
 * marked reminded in the caller's transaction, so it is queued once, whoever else claims at the same time.
 */
export async function claimDueReminders(
  tx: DatabaseTransactionConnection,
  limit: number,
): Promise<readonly DueReminder[]> {
  return tx.any(sql.type(dueReminderRow)`
    WITH due AS (
      SELECT s.id,
             (c.release_date + c.release_time) AT TIME ZONE
               (CASE WHEN c.release_policy = 'local' THEN coalesce(s.reminder_zone, c.time_zone) ELSE c.time_zone END)
               AS release_at,
             coalesce(s.reminder_zone, c.time_zone) AS zone
      FROM subscribers s JOIN campaigns c ON c.id = s.campaign_id
      WHERE s.wants_reminder AND s.reminded_at IS NULL AND s.confirmed_at IS NOT NULL AND s.unsubscribed_at IS NULL
        AND c.status <> 'cancelled' AND c.resolution = 'live'
        AND (c.release_date + c.release_time) AT TIME ZONE
            (CASE WHEN c.release_policy = 'local' THEN coalesce(s.reminder_zone, c.time_zone) ELSE c.time_zone END)
            <= now()
      ORDER BY s.confirmed_at, s.id LIMIT ${limit} FOR UPDATE OF s SKIP LOCKED
    )
    UPDATE subscribers s SET reminded_at = now() FROM due WHERE s.id = due.id
    RETURNING s.id, s.campaign_id AS "campaignId", s.reminder_platform AS platform,
              s.email_enc IS NOT NULL AS "hasEmail",
              (s.phone_enc IS NOT NULL AND s.phone_confirmed_at IS NOT NULL) AS "hasPhone",
              due.release_at AS "releaseAt", due.zone`);
}

export async function unsubscribe(db: Db, id: string): Promise<boolean> {
  const result = await db.query(sql.unsafe`
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

/** One page of a campaign's confirmed, still subscribed contacts, decrypted, in a stable order. */
export async function subscribersPage(
  pool: DatabasePool,
  keyRing: KeyRing,
  input: { campaignId: string; after?: { consentedAtKey: string; id: string }; limit: number },
) {
  const rows = await pool.any(sql.type(exportRow)`
    SELECT id, email_enc AS "emailEnc", phone_enc AS "phoneEnc", consented_at AS "consentedAt", consented_at::text AS "consentedAtKey"
    FROM subscribers
    WHERE campaign_id = ${input.campaignId} AND unsubscribed_at IS NULL AND confirmed_at IS NOT NULL
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
