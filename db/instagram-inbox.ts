// The Instagram inbox: comments and messages as webhooks delivered them, sealed (who wrote, their @username, the
// text) and stored once per Instagram id; the counts per post and campaign that outlive them (analytics); and the
// spacing of keyword private replies per connection. Forgotten 30 days after arrival and at once on disconnect.
// The one writer of instagram_inbox, instagram_engagement_counts and instagram_reply_slots.
import { randomUUID } from 'node:crypto';
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type KeyRing } from '../lib/crypto/keyring';
import { audit } from './audit-log';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;
type Field = 'sender' | 'username' | 'text';
const aad = (id: string, field: Field) => `instagram_inbox:${id}:${field}`;

export type InboxKind = 'comment' | 'message';

export interface NewInboxEvent {
  accountId: string;
  connectionId: string;
  campaignId: string | null;
  postId: string | null;
  kind: InboxKind;
  externalId: string;
  mediaId: string | null;
  parentExternalId: string | null;
  senderId: string;
  /** keyed hash of the sender's id for this connection (db never sees the id in the clear) */
  senderHash: string;
  username: string | null;
  text: string;
  sentAt: number;
}

/** Stores one event unless it is already stored (Meta delivers some twice), and counts it. */
export async function storeInboxEvent(
  pool: DatabasePool,
  keyRing: KeyRing,
  e: NewInboxEvent,
): Promise<{ id: string; stored: boolean }> {
  return pool.transaction(async (tx) => {
    const newId = randomUUID();
    const seal = (field: Field, value: string) => keyRing.encrypt(value, aad(newId, field));
    const id = await tx.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
      INSERT INTO instagram_inbox (id, account_id, connection_id, campaign_id, post_id, kind, external_id, media_id,
                                   parent_external_id, sender_hash, sender_enc, username_enc, text_enc, sent_at)
      VALUES (${newId}, ${e.accountId}, ${e.connectionId}, ${e.campaignId}, ${e.postId}, ${e.kind}, ${e.externalId}, ${e.mediaId},
              ${e.parentExternalId}, ${e.senderHash}, ${seal('sender', e.senderId)},
              ${e.username ? seal('username', e.username) : null}, ${seal('text', e.text)},
              to_timestamp(${e.sentAt} / 1000.0))
      ON CONFLICT (connection_id, kind, external_id) DO NOTHING RETURNING id`);
    if (!id) {
      const existing = await tx.oneFirst(sql.type(z.object({ id: z.string() }))`
        SELECT id FROM instagram_inbox
        WHERE connection_id = ${e.connectionId} AND kind = ${e.kind} AND external_id = ${e.externalId}`);
      return { id: existing, stored: false };
    }
    await countEngagement(tx, { ...e, kind: e.kind });
    return { id, stored: true };
  });
}

export async function countEngagement(
  db: Db,
  e: { accountId: string; connectionId: string; campaignId: string | null; postId: string | null; kind: string },
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO instagram_engagement_counts (connection_id, campaign_id, post_id, account_id, kind, count)
    VALUES (${e.connectionId}, ${e.campaignId}, ${e.postId}, ${e.accountId}, ${e.kind}, 1)
    ON CONFLICT (connection_id, coalesce(post_id, '00000000-0000-0000-0000-000000000000'), kind)
    DO UPDATE SET count = instagram_engagement_counts.count + 1`);
}

const sealedRow = z.object({
  id: z.string(),
  connectionId: z.string(),
  campaignId: z.string().nullable(),
  postId: z.string().nullable(),
  kind: z.enum(['comment', 'message']),
  externalId: z.string(),
  mediaId: z.string().nullable(),
  parentExternalId: z.string().nullable(),
  senderHash: z.string(),
  senderEnc: z.string(),
  usernameEnc: z.string().nullable(),
  textEnc: z.string(),
  sentAt: z.number(),
  receivedAt: z.number(),
  hidden: z.boolean(),
  repliedAt: z.number().nullable(),
  privateRepliedAt: z.number().nullable(),
});

export interface InboxItem extends Omit<z.infer<typeof sealedRow>, 'senderEnc' | 'usernameEnc' | 'textEnc'> {
  senderId: string;
  username: string | null;
  text: string;
}

const columns = sql.fragment`id, connection_id AS "connectionId", campaign_id AS "campaignId", post_id AS "postId", kind,
  external_id AS "externalId", media_id AS "mediaId", parent_external_id AS "parentExternalId",
  sender_hash AS "senderHash", sender_enc AS "senderEnc", username_enc AS "usernameEnc", text_enc AS "textEnc",
  sent_at AS "sentAt", received_at AS "receivedAt", hidden, replied_at AS "repliedAt",
  private_replied_at AS "privateRepliedAt"`;

function open(keyRing: KeyRing, row: z.infer<typeof sealedRow>): InboxItem {
  const { senderEnc, usernameEnc, textEnc, ...rest } = row;
  const unseal = (field: Field, value: string) => keyRing.decrypt(value, aad(row.id, field));
  return {
    ...rest,
    senderId: unseal('sender', senderEnc),
    username: usernameEnc ? unseal('username', usernameEnc) : null,
    text: unseal('text', textEnc),
  };
}

export interface InboxFilter {
  kind?: InboxKind;
  connectionId?: string;
  campaignId?: string;
  postId?: string;
  /** the receivedAt/id of the last item of the previous page */
  before?: { receivedAt: number; id: string };
  limit: number;
}

export async function listInbox(db: Db, keyRing: KeyRing, accountId: string, f: InboxFilter): Promise<InboxItem[]> {
  const conditions = [sql.fragment`account_id = ${accountId}`];
  if (f.kind) conditions.push(sql.fragment`kind = ${f.kind}`);
  if (f.connectionId) conditions.push(sql.fragment`connection_id = ${f.connectionId}`);
  if (f.campaignId) conditions.push(sql.fragment`campaign_id = ${f.campaignId}`);
  if (f.postId) conditions.push(sql.fragment`post_id = ${f.postId}`);
  if (f.before)
    conditions.push(
      sql.fragment`(received_at, id) < (to_timestamp(${f.before.receivedAt} / 1000.0), ${f.before.id}::uuid)`,
    );
  const rows = await db.any(sql.type(sealedRow)`
    SELECT ${columns} FROM instagram_inbox WHERE ${sql.join(conditions, sql.fragment` AND `)}
    ORDER BY received_at DESC, id DESC LIMIT ${f.limit}`);
  return rows.map((row) => open(keyRing, row));
}

export async function findInboxItem(
  db: Db,
  keyRing: KeyRing,
  id: string,
): Promise<(InboxItem & { accountId: string }) | null> {
  const row = await db.maybeOne(sql.type(sealedRow.extend({ accountId: z.string() }))`
    SELECT ${columns}, account_id AS "accountId" FROM instagram_inbox WHERE id = ${id}`);
  return row ? { ...open(keyRing, row), accountId: row.accountId } : null;
}

/** Once per comment: true for the one caller that claimed its private reply. */
export async function claimPrivateReply(db: Db, id: string): Promise<boolean> {
  const claimed = await db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    UPDATE instagram_inbox SET private_replied_at = now()
    WHERE id = ${id} AND kind = 'comment' AND private_replied_at IS NULL RETURNING id`);
  return claimed !== null;
}

/** Instagram refused the private reply for good: it was not sent, the claim is given back. */
export async function releasePrivateReply(db: Db, id: string): Promise<void> {
  await db.query(sql.unsafe`UPDATE instagram_inbox SET private_replied_at = NULL WHERE id = ${id}`);
}

export async function markInboxReplied(db: Db, id: string): Promise<void> {
  await db.query(sql.unsafe`UPDATE instagram_inbox SET replied_at = now() WHERE id = ${id}`);
}

export async function markInboxHidden(db: Db, id: string, hidden: boolean): Promise<void> {
  await db.query(sql.unsafe`UPDATE instagram_inbox SET hidden = ${hidden} WHERE id = ${id}`);
}

/** When the sender last wrote to this connection (the messaging window opens from it), or null. */
export async function lastMessageFrom(db: Db, connectionId: string, senderHash: string): Promise<number | null> {
  return db.maybeOneFirst(sql.type(z.object({ at: z.number().nullable() }))`
    SELECT max(sent_at) AS at FROM instagram_inbox
    WHERE connection_id = ${connectionId} AND sender_hash = ${senderHash} AND kind = 'message'`);
}

/**
 * Every event of a connection, at once (disconnect): the audit record (ids and the count only) commits with the
 * delete. Returns how many went.
 */
export async function eraseInboxOfConnection(pool: DatabasePool, connectionId: string): Promise<number> {
  return pool.transaction(async (tx) => {
    const ids = await tx.anyFirst(sql.type(z.object({ id: z.string() }))`
      DELETE FROM instagram_inbox WHERE connection_id = ${connectionId} RETURNING id`);
    if (ids.length)
      await audit(tx, { action: 'instagram_inbox_erased', target: `connection:${connectionId} items:${ids.length}` });
    return ids.length;
  });
}

/** Every event of an account, at once (account deletion), with its audit record in the same transaction. */
export async function eraseInboxOfAccount(pool: DatabasePool, accountId: string): Promise<number> {
  return pool.transaction(async (tx) => {
    const ids = await tx.anyFirst(sql.type(z.object({ id: z.string() }))`
      DELETE FROM instagram_inbox WHERE account_id = ${accountId} RETURNING id`);
    if (ids.length)
      await audit(tx, { action: 'instagram_inbox_erased', target: `account:${accountId} items:${ids.length}` });
    return ids.length;
  });
}

/**
 * One batch of events that arrived more than `olderThanSeconds` ago, each with its audit record (its id only) in
 * the delete's transaction; returns the ids deleted (none left: empty).
 */
export async function eraseExpiredInbox(
  pool: DatabasePool,
  olderThanSeconds: number,
  batch = 1000,
): Promise<readonly string[]> {
  return pool.transaction(async (tx) => {
    const ids = await tx.anyFirst(sql.type(z.object({ id: z.string() }))`
      DELETE FROM instagram_inbox WHERE id IN (
        SELECT id FROM instagram_inbox WHERE received_at < now() - ${olderThanSeconds} * interval '1 second'
        ORDER BY received_at LIMIT ${batch} FOR UPDATE SKIP LOCKED)
      RETURNING id`);
    for (const id of ids) await audit(tx, { action: 'instagram_inbox_expired', target: `instagram_inbox:${id}` });
    return ids;
  });
}

const countRow = z.object({ postId: z.string().nullable(), kind: z.string(), count: z.number() });

/** Counts per post (null: not tied to one of dropday's posts) and kind, of one campaign or every campaign. */
export async function engagementCounts(db: Db, accountId: string, campaignId?: string) {
  return db.any(sql.type(countRow)`
    SELECT post_id AS "postId", kind, sum(count)::float8 AS count FROM instagram_engagement_counts
    WHERE account_id = ${accountId} ${campaignId ? sql.fragment`AND campaign_id = ${campaignId}` : sql.fragment``}
    GROUP BY post_id, kind ORDER BY post_id, kind`);
}

/** The next instant this connection may send a keyword private reply; later callers get later slots. */
export async function reserveReplySlot(db: Db, connectionId: string, spacingMs: number): Promise<number> {
  return db.oneFirst(sql.type(z.object({ at: z.number() }))`
    INSERT INTO instagram_reply_slots AS s (connection_id, next_at)
    VALUES (${connectionId}, clock_timestamp() + ${spacingMs} * interval '1 millisecond')
    ON CONFLICT (connection_id) DO UPDATE
      SET next_at = greatest(s.next_at, clock_timestamp()) + ${spacingMs} * interval '1 millisecond'
    RETURNING next_at - ${spacingMs} * interval '1 millisecond' AS at`);
}
