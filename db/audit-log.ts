// The audit log: what the system (or an ops user) did, by ids and counts only. It outlives the data it records
// the deletion of, so it must never hold personal data. The one writer of audit_log.
import { type DatabaseTransactionConnection } from 'slonik';
import { type DatabasePool, sql } from './pool';

/**
 * Ids and counts only: the audit log outlives the data it records the deletion of. Given the transaction of a
 * delete, the record commits with the delete or not at all (no deletion without its record, no record of one that
 * rolled back).
 */
export async function audit(
  db: DatabasePool | DatabaseTransactionConnection,
  entry: { action: string; target: string; actor?: string; accountId?: string },
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO audit_log (account_id, actor, action, target)
    VALUES (${entry.accountId ?? null}, ${entry.actor ?? 'system'}, ${entry.action}, ${entry.target})`);
}
