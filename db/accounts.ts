import { z } from 'zod';
import { type DatabasePool, sql } from './pool';
import { type DatabaseTransactionConnection, UniqueIntegrityConstraintViolationError } from 'slonik';

/** `emailVerifiedAt`: when the account proved it reads its address (ms), null until then. */
const accountRow = z.object({
  id: z.string().uuid(),
  name: z.string(),
  email: z.string(),
  emailVerifiedAt: z.number().nullable(),
});
export type Account = z.infer<typeof accountRow>;
const ACCOUNT_COLUMNS = sql.fragment`id, name, email, email_verified_at AS "emailVerifiedAt"`;

const apiKeyRow = z.object({ id: z.string().uuid(), accountId: z.string().uuid(), role: z.enum(['artist', 'ops']) });

export async function insertAccount(
  tx: DatabaseTransactionConnection,
  input: { name: string; email: string },
): Promise<Account> {
  return tx.one(sql.type(accountRow)`
    INSERT INTO accounts (name, email) VALUES (${input.name}, ${input.email}) RETURNING ${ACCOUNT_COLUMNS}`);
}

export async function insertApiKey(
  tx: DatabaseTransactionConnection | DatabasePool,
  input: { accountId: string; role: 'artist' | 'ops'; keyHash: string; name?: string },
): Promise<void> {
  await tx.query(sql.unsafe`
    INSERT INTO api_keys (account_id, role, key_hash, name)
    VALUES (${input.accountId}, ${input.role}, ${input.keyHash}, ${input.name ?? null})`);
}

const listedKeyRow = z.object({ id: z.string().uuid(), name: z.string().nullable(), createdAt: z.number() });

/** The account's unrevoked artist keys (never their hashes), newest first. */
export async function listArtistKeys(pool: DatabasePool, accountId: string) {
  return pool.any(sql.type(listedKeyRow)`
    SELECT id, name, created_at AS "createdAt" FROM api_keys
    WHERE account_id = ${accountId} AND role = 'artist' AND revoked_at IS NULL ORDER BY created_at DESC`);
}

/** Revokes one artist key of the account; false when it has no such unrevoked key. */
export async function revokeArtistKey(pool: DatabasePool, input: { accountId: string; keyId: string }) {
  const result = await pool.query(sql.unsafe`
    UPDATE api_keys SET revoked_at = now()
    WHERE id = ${input.keyId} AND account_id = ${input.accountId} AND role = 'artist' AND revoked_at IS NULL`);
  return result.rowCount === 1;
}

/** An unrevoked key by its hash, with its own id (the dashboard session names the key, never the key itself). */
export async function findApiKeyByHash(pool: DatabasePool, keyHash: string) {
  return pool.maybeOne(sql.type(apiKeyRow)`
    SELECT id, account_id AS "accountId", role FROM api_keys WHERE key_hash = ${keyHash} AND revoked_at IS NULL`);
}

export async function findAccount(pool: DatabasePool, id: string): Promise<Account | null> {
  return pool.maybeOne(sql.type(accountRow)`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = ${id}`);
}

/** Whether an account other than this one has verified this address (it cannot be verified twice). */
export async function emailVerifiedByAnotherAccount(
  db: DatabasePool | DatabaseTransactionConnection,
  input: { accountId: string; email: string },
): Promise<boolean> {
  return db.exists(sql.unsafe`
    SELECT 1 FROM accounts
    WHERE lower(email) = lower(${input.email}) AND email_verified_at IS NOT NULL AND id <> ${input.accountId}`);
}

/** The one account that verified this address (never one that merely signed up with it), if any. */
export async function verifiedAccountByEmail(db: DatabasePool, email: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM accounts WHERE lower(email) = lower(${email}) AND email_verified_at IS NOT NULL`);
}

export type EmailVerificationOutcome = 'verified' | 'already_verified' | 'taken_by_another_account' | 'no_account';

/**
 * Marks the account's address verified, unless another account verified the same address first (the partial
 * unique index of migration 017 settles a race between two). Changes nothing but this one column.
 */
export async function markEmailVerified(pool: DatabasePool, accountId: string): Promise<EmailVerificationOutcome> {
  try {
    const updated = await pool.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
      UPDATE accounts a SET email_verified_at = now()
      WHERE a.id = ${accountId} AND a.email_verified_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM accounts o
                        WHERE lower(o.email) = lower(a.email) AND o.email_verified_at IS NOT NULL AND o.id <> a.id)
      RETURNING a.id`);
    if (updated) return 'verified';
  } catch (error) {
    if (error instanceof UniqueIntegrityConstraintViolationError) return 'taken_by_another_account';
    throw error;
  }
  const account = await findAccount(pool, accountId);
  if (!account) return 'no_account';
  return account.emailVerifiedAt === null ? 'taken_by_another_account' : 'already_verified';
}

export async function hasActiveOpsKey(pool: DatabasePool, accountId: string): Promise<boolean> {
  return pool.exists(
    sql.unsafe`SELECT 1 FROM api_keys WHERE account_id = ${accountId} AND role = 'ops' AND revoked_at IS NULL`,
  );
}

/** Whether this key of this account is an unrevoked artist key. */
export async function isActiveArtistKey(
  pool: DatabasePool,
  input: { keyId: string; accountId: string },
): Promise<boolean> {
  return pool.exists(sql.unsafe`
    SELECT 1 FROM api_keys WHERE id = ${input.keyId} AND account_id = ${input.accountId} AND role = 'artist' AND revoked_at IS NULL`);
}

export async function accountExists(pool: DatabasePool, id: string): Promise<boolean> {
  return pool.exists(sql.unsafe`SELECT 1 FROM accounts WHERE id = ${id}`);
}

/** Some account, for scripts that record fixtures on a stack with one account. */
export async function firstAccountId(pool: DatabasePool): Promise<string> {
  return pool.oneFirst(sql.type(z.object({ id: z.string() }))`SELECT id FROM accounts LIMIT 1`);
}

/** Keys stop working first, so nothing new happens in an account while it is being deleted. */
export async function revokeAccountKeys(pool: DatabasePool, accountId: string): Promise<void> {
  await pool.query(
    sql.unsafe`UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE account_id = ${accountId}`,
  );
}

/** The account row; it cascades to keys, artists, campaigns, outbox and notifications (see db/account-deletion.ts). */
/** True when the account existed (a repeated deletion finds nothing). */
export async function deleteAccount(tx: DatabaseTransactionConnection, id: string): Promise<boolean> {
  const deleted = await tx.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    DELETE FROM accounts WHERE id = ${id} RETURNING id`);
  return deleted !== null;
}
