// Erasure on request (see workflows/fan-deletion.ts): the deletion requests (this module is their one writer),
// and the erasure of one fan or one e-mail address, each in one transaction so that it takes all or nothing.
// The erased rows go through their tables' modules (events, presaves, fan tokens, fans, subscribers, orders).
import { z } from 'zod';
import { forgetOrderEmails } from './billing';
import { deleteEventsOfFans, deleteSignupEventsOfEmail } from './events';
import { deleteFans, deleteFanTokens } from './fans';
import { type DatabasePool, sql } from './pool';
import { deletePresavesOfFan } from './presaves';
import { deleteSubscribersByEmailHash } from './subscribers';

export async function createDeletionRequest(
  pool: DatabasePool,
  input: { fanId?: string; subjectHash?: string; verifiedBy: 'spotify_login' | 'email_link' },
): Promise<string> {
  return pool.oneFirst(sql.type(z.object({ id: z.string().uuid() }))`
    INSERT INTO deletion_requests (fan_id, subject_hash, verified_by)
    VALUES (${input.fanId ?? null}, ${input.subjectHash ?? null}, ${input.verifiedBy}) RETURNING id`);
}

/**
 * Subscriptions under an e-mail address (keyed hash) go; returns the fans that confirmed subscriptions of the
 * address were linked to (an unconfirmed one proves no tie between the address and a fan), and how many went.
 */
export async function eraseContact(
  pool: DatabasePool,
  emailHash: string,
): Promise<{ fanIds: string[]; subscribers: number }> {
  return pool.transaction(async (tx) => {
    const fanIds = await tx.anyFirst(sql.type(z.object({ fanId: z.string() }))`
      SELECT DISTINCT fan_id AS "fanId" FROM subscribers WHERE email_hash = ${emailHash} AND fan_id IS NOT NULL
        AND confirmed_at IS NOT NULL`);
    // Their sign-up events name the subscription (and carry hashed client details): they go with it.
    await deleteSignupEventsOfEmail(tx, emailHash);
    const subscribers = await deleteSubscribersByEmailHash(tx, emailHash);
    // Shop orders paid with the address stay (bookkeeping) without it.
    await forgetOrderEmails(tx, { emailHash });
    return { fanIds: [...fanIds], subscribers };
  });
}

/** One subscription of this address, to send the confirmation link to (null: we hold nothing under it). */
export async function subscriberWithEmailHash(pool: DatabasePool, emailHash: string): Promise<string | null> {
  return pool.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM subscribers WHERE email_hash = ${emailHash} ORDER BY consented_at DESC LIMIT 1`);
}

/**
 * A request from Meta's data deletion callback. dropday keeps nothing keyed by Meta user ids (fans sign in with
 * Spotify; Meta is the artists' ad account), so there is nothing to erase: the request is recorded as completed,
 * under a keyed hash of the id rather than the id itself. Idempotent per subject.
 */
export async function recordMetaDeletionRequest(pool: DatabasePool, subjectHash: string): Promise<string> {
  const existing = await pool.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM deletion_requests WHERE verified_by = 'meta_signed_request' AND subject_hash = ${subjectHash}`);
  if (existing) return existing;
  return pool.oneFirst(sql.type(z.object({ id: z.string().uuid() }))`
    INSERT INTO deletion_requests (verified_by, subject_hash, status, completed_at)
    VALUES ('meta_signed_request', ${subjectHash}, 'completed', now()) RETURNING id`);
}

export async function findDeletionRequest(pool: DatabasePool, id: string) {
  return pool.maybeOne(sql.type(
    z.object({
      id: z.string(),
      fanId: z.string().nullable(),
      status: z.string(),
      requestedAt: z.number(),
      completedAt: z.number().nullable(),
    }),
  )`
    SELECT id, fan_id AS "fanId", status, requested_at AS "requestedAt", completed_at AS "completedAt"
    FROM deletion_requests WHERE id = ${id}`);
}

/** Everything held about one fan, in one transaction. Returns the rows deleted per table (counts, for the audit). */
export async function eraseFan(pool: DatabasePool, fanId: string): Promise<Record<string, number>> {
  return pool.transaction(async (tx) => {
    const counts: Record<string, number> = {};
    // Events first: their fan_id would otherwise only be set to NULL, leaving the engagement behind.
    counts.events = await deleteEventsOfFans(tx, [fanId]);
    counts.presaves = await deletePresavesOfFan(tx, fanId);
    counts.fan_tokens = (await deleteFanTokens(tx, fanId)) ? 1 : 0; // one row per fan at most
    counts.fans = await deleteFans(tx, [fanId]);
    return counts;
  });
}

export async function completeDeletionRequest(pool: DatabasePool, id: string): Promise<void> {
  await pool.query(sql.unsafe`
    UPDATE deletion_requests SET status = 'completed', completed_at = coalesce(completed_at, now()) WHERE id = ${id}`);
}
