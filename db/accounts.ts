import { z } from 'zod';
import { type DatabasePool, sql } from './pool';
import { type DatabaseTransactionConnection } from 'slonik';

const accountRow = z.object({ id: z.string().uuid(), name: z.string(), email: z.string() });
export type Account = z.infer<typeof accountRow>;

const apiKeyRow = z.object({ id: z.string().uuid(), accountId: z.string().uuid(), role: z.enum(['artist', 'ops']) });

export async function insertAccount(
  tx: DatabaseTransactionConnection,
  input: { name: string; email: string },
): Promise<Account> {
  return tx.one(sql.type(accountRow)`
    INSERT INTO accounts (name, email) VALUES (${input.name}, ${input.email}) RETURNING id, name, email`);
}

export async function insertApiKey(
  tx: DatabaseTransactionConnection | DatabasePool,
  input: { accountId: string; role: 'artist' | 'ops'; keyHash: string },
): Promise<void> {
  await tx.query(sql.unsafe`
    INSERT INTO api_keys (account_id, role, key_hash) VALUES (${input.accountId}, ${input.role}, ${input.keyHash})`);
}

/** An unrevoked key by its hash, with its own id (the dashboard session names the key, never the key itself). */
export async function findApiKeyByHash(pool: DatabasePool, keyHash: string) {
  return pool.maybeOne(sql.type(apiKeyRow)`
    SELECT id, account_id AS "accountId", role FROM api_keys WHERE key_hash = ${keyHash} AND revoked_at IS NULL`);
}

export async function findAccount(pool: DatabasePool, id: string): Promise<Account | null> {
  return pool.maybeOne(sql.type(accountRow)`SELECT id, name, email FROM accounts WHERE id = ${id}`);
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
export async function deleteAccount(tx: DatabaseTransactionConnection, id: string): Promise<void> {
  await tx.query(sql.unsafe`DELETE FROM accounts WHERE id = ${id}`);
}
