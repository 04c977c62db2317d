// Google Ads offline click conversions: where an artist's go (customer + conversion action) and the outbox of
// pre-saves and confirmed sign-ups of fans who came from a Google ad (their gclid sealed under the key ring).
import { randomUUID } from 'node:crypto';
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type KeyRing } from '../lib/crypto/keyring';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;
const gclidAad = (id: string) => `google_click_conversions:${id}:gclid`;

const settingRow = z.object({
  artistId: z.string(),
  customerId: z.string(),
  loginCustomerId: z.string().nullable(),
  conversionAction: z.string(),
  updatedAt: z.number(),
});
export type GoogleConversionAction = z.infer<typeof settingRow>;
const settingColumns = sql.fragment`artist_id AS "artistId", customer_id AS "customerId",
  login_customer_id AS "loginCustomerId", conversion_action AS "conversionAction", updated_at AS "updatedAt"`;

export async function saveGoogleConversionAction(
  db: Db,
  input: { artistId: string; customerId: string; loginCustomerId?: string | null; conversionAction: string },
): Promise<GoogleConversionAction> {
  return db.one(sql.type(settingRow)`
    INSERT INTO google_conversion_actions (artist_id, customer_id, login_customer_id, conversion_action)
    VALUES (${input.artistId}, ${input.customerId}, ${input.loginCustomerId ?? null}, ${input.conversionAction})
    ON CONFLICT (artist_id) DO UPDATE SET customer_id = EXCLUDED.customer_id,
      login_customer_id = EXCLUDED.login_customer_id, conversion_action = EXCLUDED.conversion_action, updated_at = now()
    RETURNING ${settingColumns}`);
}

export async function findGoogleConversionAction(db: Db, artistId: string): Promise<GoogleConversionAction | null> {
  return db.maybeOne(sql.type(settingRow)`
    SELECT ${settingColumns} FROM google_conversion_actions WHERE artist_id = ${artistId}`);
}

export async function deleteGoogleConversionAction(db: Db, artistId: string): Promise<boolean> {
  return (await db.query(sql.unsafe`DELETE FROM google_conversion_actions WHERE artist_id = ${artistId}`)).rowCount > 0;
}

const destinationRow = settingRow.omit({ updatedAt: true }).extend({ connectionId: z.string() });
export type GoogleConversionDestination = z.infer<typeof destinationRow>;

/**
 * Where this artist's conversions can go now: their conversion action and the account's active Google connection
 * (the newest), or null when either is missing, in which case nothing is queued or sent.
 */
export async function googleConversionDestination(
  db: Db,
  artistId: string,
): Promise<GoogleConversionDestination | null> {
  return db.maybeOne(sql.type(destinationRow)`
    SELECT g.artist_id AS "artistId", g.customer_id AS "customerId", g.login_customer_id AS "loginCustomerId",
           g.conversion_action AS "conversionAction", c.id AS "connectionId"
    FROM google_conversion_actions g JOIN artists a ON a.id = g.artist_id
    JOIN connections c ON c.account_id = a.account_id AND c.provider = 'google' AND c.status = 'active'
    WHERE g.artist_id = ${artistId} ORDER BY c.created_at DESC LIMIT 1`);
}

export interface NewGoogleClickConversion {
  artistId: string;
  campaignId: string;
  fanId?: string | null;
  subscriberId?: string | null;
  /** one conversion per key and artist: `presave:<campaign>:<fan>`, `signup:<subscriber>` */
  dedupeKey: string;
  gclid: string;
  /** held: waits for releaseHeldGoogleConversions (a sign-up before its confirmation) */
  held?: boolean;
}

/** Idempotent on (artist, dedupe key): a reload or a retried request queues the conversion once. */
export async function queueGoogleClickConversion(
  db: Db,
  keyRing: KeyRing,
  input: NewGoogleClickConversion,
): Promise<boolean> {
  const id = randomUUID();
  const result = await db.query(sql.unsafe`
    INSERT INTO google_click_conversions (id, artist_id, campaign_id, fan_id, subscriber_id, dedupe_key, gclid_enc,
                                          conversion_time, status)
    VALUES (${id}, ${input.artistId}, ${input.campaignId}, ${input.fanId ?? null}, ${input.subscriberId ?? null},
            ${input.dedupeKey}, ${keyRing.encrypt(input.gclid, gclidAad(id))},
            ${input.held ? null : sql.fragment`now()`}, ${input.held ? 'held' : 'pending'})
    ON CONFLICT (artist_id, dedupe_key) DO NOTHING`);
  return result.rowCount > 0;
}

/** The subscriber confirmed: their held conversion counts from now. */
export async function releaseHeldGoogleConversions(db: Db, subscriberId: string): Promise<number> {
  return (
    await db.query(sql.unsafe`
    UPDATE google_click_conversions SET status = 'pending', conversion_time = now(), not_before = now()
    WHERE subscriber_id = ${subscriberId} AND status = 'held'`)
  ).rowCount;
}

/**
 * Housekeeping before a round: sign-ups never confirmed within `heldDays` are deleted (they never happened),
 * conversions older than `maxAgeDays` (Google's longest click-through window) are dropped with the reason, and
 * delivery records past `recordDays` are deleted.
 */
export async function expireGoogleClickConversions(
  db: Db,
  days: { heldDays: number; maxAgeDays: number; recordDays: number },
): Promise<{ dropped: number }> {
  await db.query(sql.unsafe`
    DELETE FROM google_click_conversions WHERE status = 'held' AND created_at < now() - ${days.heldDays} * interval '1 day'`);
  await db.query(sql.unsafe`
    DELETE FROM google_click_conversions WHERE status NOT IN ('held', 'pending')
      AND created_at < now() - ${days.recordDays} * interval '1 day'`);
  const dropped = await db.query(sql.unsafe`
    UPDATE google_click_conversions SET status = 'dropped', gclid_enc = NULL,
           reason = ${`older than ${days.maxAgeDays} days: outside any Google click-through window`}
    WHERE status = 'pending' AND conversion_time < now() - ${days.maxAgeDays} * interval '1 day'`);
  return { dropped: dropped.rowCount };
}

const pendingRow = z.object({
  id: z.string(),
  artistId: z.string(),
  gclidEnc: z.string(),
  conversionTime: z.number(),
});
export interface PendingGoogleConversion {
  id: string;
  artistId: string;
  gclid: string;
  conversionTime: number;
}

/**
 * Locks (SKIP LOCKED) up to `limit` due conversions of one artist, oldest first, skipping `skipArtists`. Pending
 * rows of an artist who removed their conversion action are dropped first.
 */
export async function claimGoogleConversionBatch(
  tx: DatabaseTransactionConnection,
  keyRing: KeyRing,
  input: { limit: number; skipArtists: string[] },
): Promise<PendingGoogleConversion[]> {
  await tx.query(sql.unsafe`
    UPDATE google_click_conversions e SET status = 'dropped', gclid_enc = NULL, reason = 'the conversion action was removed'
    WHERE e.status IN ('held', 'pending')
      AND NOT EXISTS (SELECT 1 FROM google_conversion_actions g WHERE g.artist_id = e.artist_id)`);
  const first = await tx.maybeOneFirst(sql.type(z.object({ artistId: z.string() }))`
    SELECT artist_id AS "artistId" FROM google_click_conversions
    WHERE status = 'pending' AND not_before <= now() AND artist_id <> ALL(${sql.array(input.skipArtists, 'uuid')})
    ORDER BY conversion_time LIMIT 1 FOR UPDATE SKIP LOCKED`);
  if (!first) return [];
  const rows = await tx.any(sql.type(pendingRow)`
    SELECT id, artist_id AS "artistId", gclid_enc AS "gclidEnc", conversion_time AS "conversionTime"
    FROM google_click_conversions
    WHERE status = 'pending' AND not_before <= now() AND artist_id = ${first}
    ORDER BY conversion_time LIMIT ${input.limit} FOR UPDATE SKIP LOCKED`);
  return rows.map(({ gclidEnc, ...row }) => ({ ...row, gclid: keyRing.decrypt(gclidEnc, gclidAad(row.id)) }));
}

export async function markGoogleConversionsSent(tx: DatabaseTransactionConnection, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(sql.unsafe`
    UPDATE google_click_conversions SET status = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL,
           gclid_enc = NULL
    WHERE id = ANY(${sql.array(ids, 'uuid')})`);
}

/** Refused for good (Google's reason kept for the artist): the gclid is forgotten. */
export async function markGoogleConversionFailed(
  tx: DatabaseTransactionConnection,
  id: string,
  reason: string,
): Promise<void> {
  await tx.query(sql.unsafe`
    UPDATE google_click_conversions SET status = 'failed', attempts = attempts + 1, reason = ${reason.slice(0, 500)},
           gclid_enc = NULL
    WHERE id = ${id}`);
}

/** Still pending: tried again once `retryInSeconds` have passed. */
export async function noteGoogleConversionAttempt(
  tx: DatabaseTransactionConnection,
  ids: string[],
  error: string,
  retryInSeconds = 0,
): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(sql.unsafe`
    UPDATE google_click_conversions SET attempts = attempts + 1, last_error = ${error.slice(0, 500)},
           not_before = now() + ${retryInSeconds} * interval '1 second'
    WHERE id = ANY(${sql.array(ids, 'uuid')})`);
}

export const googleConversionSummaryRow = z.object({ kind: z.string(), status: z.string(), n: z.number() });

/** Counts per kind (presave, signup) and status, for the artist's view of a campaign. */
export async function googleConversionSummary(
  db: Db,
  campaignId: string,
): Promise<readonly z.infer<typeof googleConversionSummaryRow>[]> {
  return db.any(sql.type(googleConversionSummaryRow)`
    SELECT split_part(dedupe_key, ':', 1) AS kind, status, count(*)::int AS n
    FROM google_click_conversions WHERE campaign_id = ${campaignId} GROUP BY 1, 2 ORDER BY 1, 2`);
}
