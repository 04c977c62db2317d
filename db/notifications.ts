// Notifications: alerts stored for an account (a release not found on Spotify, a connection to reconnect). Each
// has a dedupe key, so an activity retried after a crash stores it once. The one writer of notifications.
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;

export type NotificationKind = 'release_unresolved' | 'connection_needs_reconnect';

/** Stores the notification unless one with the same dedupe key exists. */
export async function notifyAccount(
  db: Db,
  input: { accountId: string; kind: NotificationKind; data: Record<string, string>; dedupeKey: string },
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO notifications (account_id, kind, data, dedupe_key)
    VALUES (${input.accountId}, ${input.kind}, ${sql.jsonb(input.data)}, ${input.dedupeKey})
    ON CONFLICT (dedupe_key) DO NOTHING`);
}

/** The alerts about one campaign (data.campaignId), newest first: the campaign page shows them. */
export async function campaignNotifications(db: Db, input: { accountId: string; campaignId: string }) {
  return db.any(sql.type(z.object({ kind: z.string(), createdAt: z.number() }))`
    SELECT kind, created_at AS "createdAt" FROM notifications
    WHERE account_id = ${input.accountId} AND data->>'campaignId' = ${input.campaignId}
    ORDER BY created_at DESC LIMIT 20`);
}
