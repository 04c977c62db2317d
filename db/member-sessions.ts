// Server-side sessions of the artist app's members: the signed cookie names a row here, and only an unrevoked,
// unexpired row of a member who still exists signs the browser in. The one writer of member_sessions.
import { z } from 'zod';
import { MEMBER_ROLES } from './members';
import { type DatabasePool, sql } from './pool';

const activeRow = z.object({ memberId: z.string().uuid(), accountId: z.string().uuid(), role: z.enum(MEMBER_ROLES) });

export async function insertMemberSession(pool: DatabasePool, input: { memberId: string; ttlMs: number }) {
  return pool.oneFirst(sql.type(z.object({ id: z.string().uuid() }))`
    INSERT INTO member_sessions (member_id, expires_at)
    VALUES (${input.memberId}, now() + make_interval(secs => ${input.ttlMs / 1000})) RETURNING id`);
}

/** The member (with the account and role they have now) of a live session, or null. */
export async function activeMemberSession(pool: DatabasePool, sessionId: string) {
  return pool.maybeOne(sql.type(activeRow)`
    SELECT m.id AS "memberId", m.account_id AS "accountId", m.role
    FROM member_sessions s JOIN members m ON m.id = s.member_id
    WHERE s.id = ${sessionId} AND s.revoked_at IS NULL AND s.expires_at > now()`);
}

export async function revokeMemberSession(pool: DatabasePool, sessionId: string): Promise<void> {
  await pool.query(
    sql.unsafe`UPDATE member_sessions SET revoked_at = coalesce(revoked_at, now()) WHERE id = ${sessionId}`,
  );
}

/** Sign out everywhere, and what a password reset does: every session of the member ends. */
export async function revokeAllMemberSessions(pool: DatabasePool, memberId: string): Promise<number> {
  const result = await pool.query(sql.unsafe`
    UPDATE member_sessions SET revoked_at = now() WHERE member_id = ${memberId} AND revoked_at IS NULL`);
  return result.rowCount;
}

/** How many sessions the member has signed in (shown beside "sign out everywhere"). */
export async function countActiveMemberSessions(pool: DatabasePool, memberId: string): Promise<number> {
  return Number(
    await pool.oneFirst(sql.type(z.object({ n: z.union([z.number(), z.bigint()]) }))`
      SELECT count(*) AS n FROM member_sessions WHERE member_id = ${memberId} AND revoked_at IS NULL AND expires_at > now()`),
  );
}

/** Every session of every member of the account (its deletion has begun: nothing new may happen in it). */
export async function revokeAccountMemberSessions(pool: DatabasePool, accountId: string): Promise<void> {
  await pool.query(sql.unsafe`
    UPDATE member_sessions SET revoked_at = now()
    WHERE revoked_at IS NULL AND member_id IN (SELECT id FROM members WHERE account_id = ${accountId})`);
}
