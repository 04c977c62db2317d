import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type KeyRing } from '../lib/crypto/keyring';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;
const aad = (id: string, which: 'access' | 'refresh') => `connections:${id}:${which}`;

export const connectionRow = z.object({
  id: z.string().uuid(),
  accountId: z.string().uuid(),
  provider: z.enum(['google', 'meta', 'spotify']),
  status: z.enum(['active', 'needs_reconnect', 'disconnected']),
  accessExpiresAt: z.number().nullable(),
  scopes: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Connection = z.infer<typeof connectionRow>;

const columns = sql.fragment`id, account_id AS "accountId", provider, status, access_expires_at AS "accessExpiresAt", scopes,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** A new connection (a reconnect replaces the provider's previous live one, which is marked disconnected). */
export async function createConnection(
  pool: DatabasePool,
  keyRing: KeyRing,
  input: { accountId: string; provider: 'google'; accessToken: string; refreshToken: string; expiresInSeconds: number; scope: string },
): Promise<{ id: string; replaced: string | null }> {
  return pool.transaction(async (tx) => {
    const replaced = await tx.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
      UPDATE connections SET status = 'disconnected', access_token_enc = NULL, refresh_token_enc = NULL, updated_at = now()
      WHERE account_id = ${input.accountId} AND provider = ${input.provider} AND status <> 'disconnected' RETURNING id`);
    const id = await tx.oneFirst(sql.type(z.object({ id: z.string() }))`SELECT gen_random_uuid() AS id`);
    await tx.query(sql.unsafe`
      INSERT INTO connections (id, account_id, provider, access_token_enc, refresh_token_enc, access_expires_at, scopes)
      VALUES (${id}, ${input.accountId}, ${input.provider}, ${keyRing.encrypt(input.accessToken, aad(id, 'access'))},
              ${keyRing.encrypt(input.refreshToken, aad(id, 'refresh'))}, clock_timestamp() + ${input.expiresInSeconds} * interval '1 second', ${input.scope})`);
    return { id, replaced };
  });
}

export async function findConnection(db: Db, id: string): Promise<Connection | null> {
  return db.maybeOne(sql.type(connectionRow)`SELECT ${columns} FROM connections WHERE id = ${id}`);
}

export async function listConnections(db: Db, accountId: string): Promise<readonly Connection[]> {
  return db.any(sql.type(connectionRow)`
    SELECT ${columns} FROM connections WHERE account_id = ${accountId} AND status <> 'disconnected' ORDER BY created_at`);
}

/** The refresh token, read under the row's lock (one refresh at a time). */
export async function lockedRefreshToken(tx: DatabaseTransactionConnection, keyRing: KeyRing, id: string) {
  const row = await tx.maybeOne(sql.type(z.object({ status: z.string(), enc: z.string().nullable() }))`
    SELECT status, refresh_token_enc AS enc FROM connections WHERE id = ${id} FOR UPDATE`);
  if (!row || row.status !== 'active' || !row.enc) return null;
  return keyRing.decrypt(row.enc, aad(id, 'refresh'));
}

export async function storeRefreshedAccess(tx: DatabaseTransactionConnection, keyRing: KeyRing, id: string, t: { accessToken: string; expiresInSeconds: number }) {
  await tx.query(sql.unsafe`
    UPDATE connections SET access_token_enc = ${keyRing.encrypt(t.accessToken, aad(id, 'access'))},
           access_expires_at = clock_timestamp() + ${t.expiresInSeconds} * interval '1 second', updated_at = now()
    WHERE id = ${id}`);
}

export async function markNeedsReconnect(db: Db, id: string): Promise<void> {
  await db.query(sql.unsafe`UPDATE connections SET status = 'needs_reconnect', updated_at = now() WHERE id = ${id} AND status = 'active'`);
}

/** Disconnect: no token is kept. Returns the refresh token (to revoke at the provider) if there was one. */
export async function disconnect(pool: DatabasePool, keyRing: KeyRing, id: string): Promise<string | null> {
  return pool.transaction(async (tx) => {
    const row = await tx.maybeOne(sql.type(z.object({ enc: z.string().nullable() }))`
      SELECT refresh_token_enc AS enc FROM connections WHERE id = ${id} FOR UPDATE`);
    await tx.query(sql.unsafe`
      UPDATE connections SET status = 'disconnected', access_token_enc = NULL, refresh_token_enc = NULL, updated_at = now() WHERE id = ${id}`);
    return row?.enc ? keyRing.decrypt(row.enc, aad(id, 'refresh')) : null;
  });
}

export async function markDisconnected(db: Db, id: string): Promise<void> {
  await db.query(sql.unsafe`UPDATE connections SET status = 'disconnected', updated_at = now() WHERE id = ${id} AND status <> 'disconnected'`);
}
