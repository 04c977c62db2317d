// Erasure on request (see workflows/fan-deletion.ts): the deletion requests (this module is their one writer),
// and the erasure of one fan or one e-mail address, each in one transaction so that it takes all or nothing.
// The erased rows go through their tables' modules (events, presaves, fan tokens, fans, subscribers, orders).
import { z } from 'zod';
import { forgetOrderEmails } from './billing';
import { forgetMetaUserConnections } from './connections';
import { deleteEventsOfFans, deleteSignupEventsOfEmail } from './events';
import { deleteFans, deleteFanTokens } from './fans';
import { type DatabasePool, sql } from './pool';
import { deleteForeverSavesOfFan } from './forever-saves';
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
 * A request from Meta's data deletion callback, under a keyed hash of the Meta user id rather than the id itself. It
 * stays pending until the erasure workflow completes it (or says it failed); while one is open for the same Meta
 * user, a repeated callback gets that one. `opened`: this call created it.
 */
export async function openMetaDeletionRequest(
  pool: DatabasePool,
  subjectHash: string,
): Promise<{ id: string; opened: boolean }> {
  const opened = await pool.maybeOneFirst(sql.type(z.object({ id: z.string().uuid() }))`
    INSERT INTO deletion_requests (verified_by, subject_hash) VALUES ('meta_signed_request', ${subjectHash})
    ON CONFLICT (subject_hash) WHERE verified_by = 'meta_signed_request' AND status = 'pending' DO NOTHING
    RETURNING id`);
  if (opened) return { id: opened, opened: true };
  const open = await pool.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM deletion_requests
    WHERE verified_by = 'meta_signed_request' AND status = 'pending' AND subject_hash = ${subjectHash}`);
  // Completed between the two statements: a new request, as for any later callback.
  return open ? { id: open, opened: false } : openMetaDeletionRequest(pool, subjectHash);
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
    counts.forever_saves = await deleteForeverSavesOfFan(tx, fanId);
    counts.fans = await deleteFans(tx, [fanId]);
    return counts;
  });
}

/**
 * What dropday holds about one Meta user (by the lookup hash of their app-scoped id): the Meta connections they
 * made, which lose their tokens and the link to them. Returns those connections' ids.
 */
export function eraseMetaUser(pool: DatabasePool, subjectHash: string): Promise<readonly string[]> {
  return forgetMetaUserConnections(pool, subjectHash);
}

/** Done: the request keeps its id, status and times, and no longer the hash of whom it was about. */
export async function completeDeletionRequest(pool: DatabasePool, id: string): Promise<void> {
  await pool.query(sql.unsafe`
    UPDATE deletion_requests SET status = 'completed', completed_at = coalesce(completed_at, now()), subject_hash = NULL
    WHERE id = ${id}`);
}

/** The subject of a pending Meta deletion request (null: not one, or no longer pending). */
export async function pendingMetaDeletionSubject(pool: DatabasePool, id: string): Promise<string | null> {
  return pool.maybeOneFirst(sql.type(z.object({ subjectHash: z.string() }))`
    SELECT subject_hash AS "subjectHash" FROM deletion_requests
    WHERE id = ${id} AND verified_by = 'meta_signed_request' AND status = 'pending' AND subject_hash IS NOT NULL`);
}

/** The erasure could not be done (its retries ran out): the request says so rather than stay pending for ever. */
export async function failDeletionRequest(pool: DatabasePool, id: string): Promise<void> {
  await pool.query(sql.unsafe`
    UPDATE deletion_requests SET status = 'failed', completed_at = NULL WHERE id = ${id} AND status = 'pending'`);
}
