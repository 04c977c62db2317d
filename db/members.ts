// The people of an account in the artist app: their role, their address (encrypted, found by its lookup hash), their
// password hash and sign-in failures. The one writer of members.
import { randomUUID } from 'node:crypto';
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type KeyRing } from '../lib/crypto/keyring';
import { type DatabasePool, sql } from './pool';

export const MEMBER_ROLES = ['owner', 'manager', 'viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

const memberRow = z.object({
  id: z.string().uuid(),
  accountId: z.string().uuid(),
  role: z.enum(MEMBER_ROLES),
  emailEnc: z.string(),
  passwordHash: z.string().nullable(),
  emailVerifiedAt: z.number().nullable(),
  lockedUntil: z.number().nullable(),
  /** whether a Google account signs in as this member (api/google-members.ts) */
  googleLinked: z.boolean(),
  createdAt: z.number(),
});
type MemberRow = z.infer<typeof memberRow>;
export type Member = Omit<MemberRow, 'emailEnc'> & { email: string };

const COLUMNS = sql.fragment`id, account_id AS "accountId", role, email_enc AS "emailEnc", password_hash AS "passwordHash",
  email_verified_at AS "emailVerifiedAt", locked_until AS "lockedUntil", google_sub_lookup IS NOT NULL AS "googleLinked",
  created_at AS "createdAt"`;
const emailContext = (id: string) => `members:${id}:email`;

function opened(keyRing: KeyRing, { emailEnc, ...row }: MemberRow): Member {
  return { ...row, email: keyRing.decrypt(emailEnc, emailContext(row.id)) };
}

/** A new member; null when the address already signs in somewhere (one account per address). */
export async function insertMember(
  db: DatabasePool | DatabaseTransactionConnection,
  keyRing: KeyRing,
  input: {
    accountId: string;
    role: MemberRole;
    email: string;
    emailLookup: string;
    passwordHash: string | null;
    /** a member who signs up with Google: the subject's lookup hash, and the address Google verified */
    googleSubLookup?: string;
  },
): Promise<Member | null> {
  const id = randomUUID();
  const google = input.googleSubLookup ?? null;
  const row = await db.maybeOne(sql.type(memberRow)`
    INSERT INTO members (id, account_id, role, email_enc, email_lookup, password_hash, google_sub_lookup, email_verified_at)
    VALUES (${id}, ${input.accountId}, ${input.role}, ${keyRing.encrypt(input.email, emailContext(id))},
            ${input.emailLookup}, ${input.passwordHash}, ${google}, CASE WHEN ${google}::text IS NULL THEN NULL ELSE now() END)
    ON CONFLICT (email_lookup) DO NOTHING
    RETURNING ${COLUMNS}`);
  return row ? opened(keyRing, row) : null;
}

export async function findMemberByLookup(pool: DatabasePool, keyRing: KeyRing, emailLookup: string) {
  const row = await pool.maybeOne(
    sql.type(memberRow)`SELECT ${COLUMNS} FROM members WHERE email_lookup = ${emailLookup}`,
  );
  return row ? opened(keyRing, row) : null;
}

/** The member a Google account signs in as, by the lookup hash of Google's subject id. */
export async function findMemberByGoogle(pool: DatabasePool, keyRing: KeyRing, googleSubLookup: string) {
  const row = await pool.maybeOne(
    sql.type(memberRow)`SELECT ${COLUMNS} FROM members WHERE google_sub_lookup = ${googleSubLookup}`,
  );
  return row ? opened(keyRing, row) : null;
}

/** Links a Google account to a member not linked yet; false when the member or the Google account is linked. */
export async function linkMemberToGoogle(pool: DatabasePool, id: string, googleSubLookup: string): Promise<boolean> {
  const linked = await pool.maybeOne(sql.type(z.object({ id: z.string() }))`
    UPDATE members SET google_sub_lookup = ${googleSubLookup}
    WHERE id = ${id} AND google_sub_lookup IS NULL
      AND NOT EXISTS (SELECT 1 FROM members WHERE google_sub_lookup = ${googleSubLookup})
    RETURNING id`);
  return linked !== null;
}

export async function findMember(pool: DatabasePool, keyRing: KeyRing, id: string): Promise<Member | null> {
  const row = await pool.maybeOne(sql.type(memberRow)`SELECT ${COLUMNS} FROM members WHERE id = ${id}`);
  return row ? opened(keyRing, row) : null;
}

/** The account's members, owners first. */
export async function listMembers(pool: DatabasePool, keyRing: KeyRing, accountId: string): Promise<Member[]> {
  const rows = await pool.any(sql.type(memberRow)`
    SELECT ${COLUMNS} FROM members WHERE account_id = ${accountId}
    ORDER BY array_position(ARRAY['owner','manager','viewer'], role), created_at`);
  return rows.map((r) => opened(keyRing, r));
}

/**
 * A wrong password: one more failure; the `maxFailures`-th in a row locks the member out for `lockMs` (and starts
 * the count again), so guessing a password costs days even from many addresses.
 */
export async function recordFailedSignIn(
  pool: DatabasePool,
  id: string,
  policy: { maxFailures: number; lockMs: number },
): Promise<void> {
  await pool.query(sql.unsafe`
    UPDATE members SET
      failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= ${policy.maxFailures} THEN 0 ELSE failed_sign_ins + 1 END,
      locked_until = CASE WHEN failed_sign_ins + 1 >= ${policy.maxFailures}
                          THEN now() + make_interval(secs => ${policy.lockMs / 1000}) ELSE locked_until END
    WHERE id = ${id}`);
}

export async function recordSignIn(pool: DatabasePool, id: string): Promise<void> {
  await pool.query(sql.unsafe`UPDATE members SET failed_sign_ins = 0, locked_until = NULL WHERE id = ${id}`);
}

/**
 * A new password, set from a link mailed to the member (a reset or an invitation): opening it proved the address,
 * and it ends any lock-out.
 */
export async function setMemberPassword(pool: DatabasePool, id: string, passwordHash: string): Promise<void> {
  await pool.query(sql.unsafe`
    UPDATE members SET password_hash = ${passwordHash}, email_verified_at = coalesce(email_verified_at, now()),
                       failed_sign_ins = 0, locked_until = NULL
    WHERE id = ${id}`);
}

/** The owner who signed up with the account's address proved it when the account did. */
export async function markMemberEmailVerified(pool: DatabasePool, id: string): Promise<void> {
  await pool.query(
    sql.unsafe`UPDATE members SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = ${id}`,
  );
}

/**
 * Changes a member's role within the account, or removes them; refused (false) when it would leave the account
 * without an owner. Both run under a lock of the account's member rows, so two owners cannot demote each other at
 * once.
 */
export async function changeMember(
  pool: DatabasePool,
  input: { accountId: string; memberId: string; role: MemberRole | 'removed' },
): Promise<'changed' | 'not_found' | 'last_owner'> {
  return pool.transaction(async (tx) => {
    const roles = await tx.any(sql.type(z.object({ id: z.string(), role: z.enum(MEMBER_ROLES) }))`
      SELECT id, role FROM members WHERE account_id = ${input.accountId} ORDER BY id FOR UPDATE`);
    const target = roles.find((r) => r.id === input.memberId);
    if (!target) return 'not_found';
    const ownersLeft = roles.filter((r) => r.role === 'owner' && r.id !== input.memberId).length;
    if (target.role === 'owner' && input.role !== 'owner' && ownersLeft === 0) return 'last_owner';
    if (input.role === 'removed')
      await tx.query(sql.unsafe`DELETE FROM members WHERE id = ${input.memberId} AND account_id = ${input.accountId}`);
    else
      await tx.query(
        sql.unsafe`UPDATE members SET role = ${input.role} WHERE id = ${input.memberId} AND account_id = ${input.accountId}`,
      );
    return 'changed';
  });
}
