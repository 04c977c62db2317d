// The audit log: what the system (or an ops user) did, by ids and counts only. It outlives the data it records
// the deletion of, so it must never hold personal data. The one writer of audit_log.
import { type DatabasePool, sql } from './pool';

/** Ids and counts only: the audit log outlives the data it records the deletion of. */
export async function audit(
  pool: DatabasePool,
  entry: { action: string; target: string; actor?: string; accountId?: string },
): Promise<void> {
  await pool.query(sql.unsafe`
    INSERT INTO audit_log (account_id, actor, action, target)
    VALUES (${entry.accountId ?? null}, ${entry.actor ?? 'system'}, ${entry.action}, ${entry.target})`);
}
