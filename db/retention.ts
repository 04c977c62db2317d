import { type DatabasePool, sql } from './pool';

/** Revocation: the tokens go at once (nothing may use them again). Returns whether there was a row. */
export async function deleteFanTokens(pool: DatabasePool, fanId: string): Promise<boolean> {
  const result = await pool.query(sql.unsafe`DELETE FROM fan_tokens WHERE fan_id = ${fanId}`);
  return result.rowCount > 0;
}

/**
 * The fan's engagement events, unless they consented again after the revocation (then they are a fan again and
 * their history stays). Returns how many events were deleted, or null when skipped.
 */
export async function deleteEngagementUnlessReconsented(pool: DatabasePool, fanId: string, revokedAt: number): Promise<number | null> {
  return pool.transaction(async (tx) => {
    const reconsented = await tx.exists(sql.unsafe`
      SELECT 1 FROM fan_tokens WHERE fan_id = ${fanId} AND consented_at > to_timestamp(${revokedAt / 1000})`);
    if (reconsented) return null;
    // Every event of the fan (STREAM, SAVE_TRACK, FOLLOW_ARTIST, AUTH, …) and where their history was read up to.
    const result = await tx.query(sql.unsafe`DELETE FROM events WHERE fan_id = ${fanId}`);
    await tx.query(sql.unsafe`DELETE FROM attribution_cursors WHERE fan_id = ${fanId}`);
    return result.rowCount;
  });
}

/** Ids and counts only: the audit log outlives the data it records the deletion of. */
export async function audit(pool: DatabasePool, entry: { action: string; target: string; actor?: string; accountId?: string }): Promise<void> {
  await pool.query(sql.unsafe`
    INSERT INTO audit_log (account_id, actor, action, target)
    VALUES (${entry.accountId ?? null}, ${entry.actor ?? 'system'}, ${entry.action}, ${entry.target})`);
}

/** Analytics older than the retention period keep their counts but lose the fan and the hashed client: anonymised, not deleted. */
export async function anonymiseEventsOlderThan(pool: DatabasePool, days: number): Promise<number> {
  const result = await pool.query(sql.unsafe`
    UPDATE events SET fan_id = NULL, ip_hash = NULL, ua_hash = NULL
    WHERE (fan_id IS NOT NULL OR ip_hash IS NOT NULL OR ua_hash IS NOT NULL) AND occurred_at < now() - ${days} * interval '1 day'`);
  return result.rowCount;
}

/** Sign-in states are worthless once expired; the sign-in path sweeps too, this catches quiet periods. */
export async function purgeExpiredOAuthStates(pool: DatabasePool): Promise<number> {
  const result = await pool.query(sql.unsafe`DELETE FROM oauth_states WHERE expires_at < now() - interval '1 hour'`);
  return result.rowCount;
}
