// An artist's Meta pixel and the conversions outbox (first-party events waiting for Meta's Conversions API).
import { randomUUID } from 'node:crypto';
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type KeyRing } from '../lib/crypto/keyring';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;
const tokenAad = (artistId: string) => `meta_pixels:${artistId}:access`;
const userDataAad = (id: string) => `conversion_events:${id}:user_data`;

const pixelRow = z.object({
  artistId: z.string(),
  pixelId: z.string(),
  hasAccessToken: z.boolean(),
  testEventCode: z.string().nullable(),
  updatedAt: z.number(),
});
export type MetaPixel = z.infer<typeof pixelRow>;
const pixelColumns = sql.fragment`artist_id AS "artistId", pixel_id AS "pixelId", access_token_enc IS NOT NULL AS "hasAccessToken",
  test_event_code AS "testEventCode", updated_at AS "updatedAt"`;

/**
 * Sets an artist's pixel. The access token is write-only: undefined keeps the stored one, null removes it.
 */
export async function saveMetaPixel(
  db: Db,
  keyRing: KeyRing,
  input: { artistId: string; pixelId: string; accessToken?: string | null; testEventCode?: string | null },
): Promise<MetaPixel> {
  const sealed = input.accessToken ? keyRing.encrypt(input.accessToken, tokenAad(input.artistId)) : null;
  const keepToken = input.accessToken === undefined;
  return db.one(sql.type(pixelRow)`
    INSERT INTO meta_pixels (artist_id, pixel_id, access_token_enc, test_event_code)
    VALUES (${input.artistId}, ${input.pixelId}, ${sealed}, ${input.testEventCode ?? null})
    ON CONFLICT (artist_id) DO UPDATE SET
      pixel_id = EXCLUDED.pixel_id,
      access_token_enc = CASE WHEN ${keepToken} THEN meta_pixels.access_token_enc ELSE EXCLUDED.access_token_enc END,
      test_event_code = EXCLUDED.test_event_code,
      updated_at = now()
    RETURNING ${pixelColumns}`);
}

export async function findMetaPixel(db: Db, artistId: string): Promise<MetaPixel | null> {
  return db.maybeOne(sql.type(pixelRow)`SELECT ${pixelColumns} FROM meta_pixels WHERE artist_id = ${artistId}`);
}

export async function deleteMetaPixel(db: Db, artistId: string): Promise<boolean> {
  return (await db.query(sql.unsafe`DELETE FROM meta_pixels WHERE artist_id = ${artistId}`)).rowCount > 0;
}

/**
 * The token events of this artist are sent with: the pixel's own dataset token, else the account's active Meta
 * connection (a user token with ads_management), else none.
 */
export async function conversionsAccessToken(db: Db, keyRing: KeyRing, artistId: string): Promise<string | null> {
  const row = await db.maybeOne(sql.type(
    z.object({ own: z.string().nullable(), connectionId: z.string().nullable(), connection: z.string().nullable() }),
  )`
    SELECT p.access_token_enc AS own, c.id AS "connectionId", c.access_token_enc AS connection
    FROM meta_pixels p JOIN artists a ON a.id = p.artist_id
    LEFT JOIN connections c ON c.account_id = a.account_id AND c.provider = 'meta' AND c.status = 'active'
    WHERE p.artist_id = ${artistId}
    ORDER BY c.created_at DESC NULLS LAST LIMIT 1`);
  if (!row) return null;
  if (row.own) return keyRing.decrypt(row.own, tokenAad(artistId));
  if (row.connection && row.connectionId)
    return keyRing.decrypt(row.connection, `connections:${row.connectionId}:access`);
  return null;
}

export interface NewConversion {
  artistId: string;
  campaignId: string;
  fanId?: string | null;
  subscriberId?: string | null;
  pixelId: string;
  eventName: 'PageView' | 'Lead' | 'CompleteRegistration';
  eventId: string;
  eventTime: number; // ms
  eventSourceUrl: string;
  /** CAPI user_data, contact details already hashed */
  userData: object;
  /** held: waits for releaseHeldConversions (a sign-up before its confirmation) */
  held?: boolean;
}

/** Idempotent on (pixel, event name, event id): a reload or a retried request queues the event once. */
export async function queueConversion(db: Db, keyRing: KeyRing, input: NewConversion): Promise<boolean> {
  const id = randomUUID();
  const result = await db.query(sql.unsafe`
    INSERT INTO conversion_events (id, artist_id, campaign_id, fan_id, subscriber_id, pixel_id, event_name, event_id, event_time,
                                   event_source_url, user_data_enc, status)
    VALUES (${id}, ${input.artistId}, ${input.campaignId}, ${input.fanId ?? null}, ${input.subscriberId ?? null}, ${input.pixelId},
            ${input.eventName}, ${input.eventId}, to_timestamp(${input.eventTime / 1000}), ${input.eventSourceUrl},
            ${keyRing.encrypt(JSON.stringify(input.userData), userDataAad(id))}, ${input.held ? 'held' : 'pending'})
    ON CONFLICT (pixel_id, event_name, event_id) DO NOTHING`);
  return result.rowCount > 0;
}

/** The subscriber confirmed: their held events happen now (event_time is the confirmation) and go out. */
export async function releaseHeldConversions(db: Db, subscriberId: string): Promise<number> {
  return (
    await db.query(sql.unsafe`
    UPDATE conversion_events SET status = 'pending', event_time = now()
    WHERE subscriber_id = ${subscriberId} AND status = 'held'`)
  ).rowCount;
}

/** Pending events too old for Meta are never sent: dropped with the reason, their user data forgotten. */
export async function dropStaleConversions(db: Db, maxAgeSeconds: number): Promise<number> {
  return (
    await db.query(sql.unsafe`
    UPDATE conversion_events
    SET status = 'dropped', reason = 'older than 7 days: Meta rejects such events', user_data_enc = NULL
    WHERE status = 'pending' AND event_time < now() - ${maxAgeSeconds} * interval '1 second'`)
  ).rowCount;
}

/**
 * Delivery records (no user data left in them) are kept this long for the artist's summary, then deleted; a held
 * sign-up never confirmed within `heldDays` never happened and goes at once.
 */
export async function deleteOldConversionRecords(db: Db, days: number, heldDays: number): Promise<number> {
  return (
    await db.query(sql.unsafe`
    DELETE FROM conversion_events
    WHERE (status NOT IN ('pending', 'held') AND created_at < now() - ${days} * interval '1 day')
       OR (status = 'held' AND created_at < now() - ${heldDays} * interval '1 day')`)
  ).rowCount;
}

const pendingRow = z.object({
  id: z.string(),
  artistId: z.string(),
  pixelId: z.string(),
  testEventCode: z.string().nullable(),
  eventName: z.enum(['PageView', 'Lead', 'CompleteRegistration']),
  eventId: z.string(),
  eventTime: z.number(),
  eventSourceUrl: z.string(),
  userDataEnc: z.string(),
});
export interface PendingConversion extends Omit<z.infer<typeof pendingRow>, 'userDataEnc'> {
  userData: Record<string, unknown>;
}

/**
 * Locks (SKIP LOCKED) up to `limit` pending events of one artist whose pixel is still the one they were recorded
 * for, oldest first, skipping artists in `skipArtists`. Events of a pixel that was changed or removed are dropped.
 */
export async function claimConversionBatch(
  tx: DatabaseTransactionConnection,
  keyRing: KeyRing,
  input: { limit: number; skipArtists: string[]; minEventTime: number },
): Promise<PendingConversion[]> {
  await tx.query(sql.unsafe`
    UPDATE conversion_events e SET status = 'dropped', reason = 'the pixel was changed or removed', user_data_enc = NULL
    WHERE e.status = 'pending' AND NOT EXISTS (SELECT 1 FROM meta_pixels p WHERE p.artist_id = e.artist_id AND p.pixel_id = e.pixel_id)`);
  const first = await tx.maybeOneFirst(sql.type(z.object({ artistId: z.string() }))`
    SELECT artist_id AS "artistId" FROM conversion_events
    WHERE status = 'pending' AND artist_id <> ALL(${sql.array(input.skipArtists, 'uuid')})
    ORDER BY event_time LIMIT 1 FOR UPDATE SKIP LOCKED`);
  if (!first) return [];
  const rows = await tx.any(sql.type(pendingRow)`
    SELECT e.id, e.artist_id AS "artistId", e.pixel_id AS "pixelId", p.test_event_code AS "testEventCode", e.event_name AS "eventName",
           e.event_id AS "eventId", e.event_time AS "eventTime", e.event_source_url AS "eventSourceUrl", e.user_data_enc AS "userDataEnc"
    FROM conversion_events e JOIN meta_pixels p ON p.artist_id = e.artist_id AND p.pixel_id = e.pixel_id
    WHERE e.status = 'pending' AND e.artist_id = ${first} AND e.event_time >= to_timestamp(${input.minEventTime / 1000})
    ORDER BY e.event_time LIMIT ${input.limit} FOR UPDATE OF e SKIP LOCKED`);
  return rows.map(({ userDataEnc, ...row }) => ({
    ...row,
    userData: JSON.parse(keyRing.decrypt(userDataEnc, userDataAad(row.id))) as Record<string, unknown>,
  }));
}

export async function markConversionsSent(
  tx: DatabaseTransactionConnection,
  ids: string[],
  fbtraceId: string | null,
): Promise<void> {
  await tx.query(sql.unsafe`
    UPDATE conversion_events SET status = 'sent', sent_at = now(), attempts = attempts + 1, fbtrace_id = ${fbtraceId},
           last_error = NULL, user_data_enc = NULL
    WHERE id = ANY(${sql.array(ids, 'uuid')})`);
}

/** A refusal that retrying cannot fix (Meta rejected the events): failed for good, user data forgotten. */
export async function markConversionsFailed(
  tx: DatabaseTransactionConnection,
  ids: string[],
  reason: string,
): Promise<void> {
  await tx.query(sql.unsafe`
    UPDATE conversion_events SET status = 'failed', attempts = attempts + 1, reason = ${reason.slice(0, 500)}, user_data_enc = NULL
    WHERE id = ANY(${sql.array(ids, 'uuid')})`);
}

/** Still pending: tried again later (until the 7-day limit drops them). */
export async function noteConversionAttempt(
  tx: DatabaseTransactionConnection,
  ids: string[],
  error: string,
): Promise<void> {
  await tx.query(sql.unsafe`
    UPDATE conversion_events SET attempts = attempts + 1, last_error = ${error.slice(0, 500)} WHERE id = ANY(${sql.array(ids, 'uuid')})`);
}

export const conversionSummaryRow = z.object({ eventName: z.string(), status: z.string(), n: z.number() });

/** Counts per event and status, for the artist's view of a campaign. */
export async function conversionSummary(
  db: Db,
  campaignId: string,
): Promise<readonly z.infer<typeof conversionSummaryRow>[]> {
  return db.any(sql.type(conversionSummaryRow)`
    SELECT event_name AS "eventName", status, count(*)::int AS n FROM conversion_events WHERE campaign_id = ${campaignId}
    GROUP BY 1, 2 ORDER BY 1, 2`);
}
