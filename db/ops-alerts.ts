import { z } from 'zod';
import { type DatabasePool, sql } from './pool';

const alertRow = z.object({
  workflowId: z.string(),
  kind: z.string(),
  detail: z.string(),
  firstSeen: z.number(),
  lastSeen: z.number(),
});

export async function openAlerts(pool: DatabasePool) {
  return pool.any(sql.type(alertRow)`
    SELECT workflow_id AS "workflowId", kind, detail, first_seen AS "firstSeen", last_seen AS "lastSeen"
    FROM ops_alerts WHERE resolved_at IS NULL ORDER BY last_seen DESC LIMIT 500`);
}

/** Records this round's findings; whatever was not seen again is resolved. */
export async function recordAlerts(
  pool: DatabasePool,
  seen: { workflowId: string; kind: 'activity_failing' | 'overdue'; detail: string }[],
): Promise<void> {
  await pool.transaction(async (tx) => {
    for (const alert of seen) {
      await tx.query(sql.unsafe`
        INSERT INTO ops_alerts (workflow_id, kind, detail) VALUES (${alert.workflowId}, ${alert.kind}, ${alert.detail})
        ON CONFLICT (workflow_id, kind) DO UPDATE SET detail = EXCLUDED.detail, last_seen = now(), resolved_at = NULL`);
    }
    await tx.query(sql.unsafe`
      UPDATE ops_alerts SET resolved_at = now()
      WHERE resolved_at IS NULL AND NOT (workflow_id || '/' || kind = ANY(${sql.array(
        seen.map((a) => `${a.workflowId}/${a.kind}`),
        'text',
      )}))`);
  });
}
