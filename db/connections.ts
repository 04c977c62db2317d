import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type KeyRing } from '../lib/crypto/keyring';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;
export const CONNECTION_PROVIDER_NAMES = ['google', 'meta', 'spotify', 'instagram'] as const;
export type ConnectionProviderName = (typeof CONNECTION_PROVIDER_NAMES)[number];
const aad = (id: string, which: 'access' | 'refresh') => `connections:${id}:${which}`;

export const connectionRow = z.object({
  id: z.string().uuid(),
  accountId: z.string().uuid(),
  provider: z.enum(CONNECTION_PROVIDER_NAMES),
  status: z.enum(['active', 'needs_reconnect', 'disconnected']),
  accessExpiresAt: z.number().nullable(),
  scopes: z.string(),
  externalAccountId: z.string().nullable(),
  displayName: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Connection = z.infer<typeof connectionRow>;

const columns = sql.fragment`id, account_id AS "accountId", provider, status, access_expires_at AS "accessExpiresAt", scopes,
  external_account_id AS "externalAccountId", display_name AS "displayName", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** A new connection (a reconnect replaces the provider's previous live one, which is marked disconnected). */
export async function createConnection(
  pool: DatabasePool,
  keyRing: KeyRing,
  input: {
    accountId: string;
    provider: ConnectionProviderName;
    /** the provider's own account id where one artist account may connect several (Instagram) */
    externalAccountId?: string;
    displayName?: string;
    accessToken: string;
    refreshToken?: string;
    expiresInSeconds: number;
    scope: string;
    /** the lookup hash of the provider's user who granted it (Meta), for that user's data deletion */
    providerUserHash?: string;
  },
): Promise<{ id: string; replaced: string | null }> {
  return pool.transaction(async (tx) => {
    const replaced = await tx.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
      UPDATE connections SET status = 'disconnected', access_token_enc = NULL, refresh_token_enc = NULL, provider_user_hash = NULL,
          updated_at = now()
      WHERE account_id = ${input.accountId} AND provider = ${input.provider} AND status <> 'disconnected'
        AND coalesce(external_account_id, '') = ${input.externalAccountId ?? ''} RETURNING id`);
    const id = await tx.oneFirst(sql.type(z.object({ id: z.string() }))`SELECT gen_random_uuid() AS id`);
    await tx.query(sql.unsafe`
      INSERT INTO connections (id, account_id, provider, access_token_enc, refresh_token_enc, access_expires_at, scopes,
                               provider_user_hash, external_account_id, display_name)
      VALUES (${id}, ${input.accountId}, ${input.provider}, ${keyRing.encrypt(input.accessToken, aad(id, 'access'))},
              ${input.refreshToken ? keyRing.encrypt(input.refreshToken, aad(id, 'refresh')) : null}, clock_timestamp() + ${input.expiresInSeconds} * interval '1 second', ${input.scope},
              ${input.providerUserHash ?? null}, ${input.externalAccountId ?? null}, ${input.displayName ?? null})`);
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

export interface ConnectionCredentials {
  provider: Connection['provider'];
  accessToken: string | null;
  refreshToken: string | null;
}

const credentialsRow = z.object({
  provider: z.enum(CONNECTION_PROVIDER_NAMES),
  status: z.string(),
  access: z.string().nullable(),
  refresh: z.string().nullable(),
});

function open(keyRing: KeyRing, id: string, row: z.infer<typeof credentialsRow>): ConnectionCredentials {
  return {
    provider: row.provider,
    accessToken: row.access ? keyRing.decrypt(row.access, aad(id, 'access')) : null,
    refreshToken: row.refresh ? keyRing.decrypt(row.refresh, aad(id, 'refresh')) : null,
  };
}

/** An active connection's tokens, read under the row's lock (one refresh at a time). */
export async function lockedCredentials(
  tx: DatabaseTransactionConnection,
  keyRing: KeyRing,
  id: string,
): Promise<ConnectionCredentials | null> {
  const row = await tx.maybeOne(sql.type(credentialsRow)`
    SELECT provider, status, access_token_enc AS access, refresh_token_enc AS refresh FROM connections WHERE id = ${id} FOR UPDATE`);
  return row && row.status === 'active' ? open(keyRing, id, row) : null;
}

/** After a refresh; a rotated refresh token (Spotify PKCE rotates on every refresh) is stored with it. */
export async function storeRefreshedAccess(
  tx: DatabaseTransactionConnection,
  keyRing: KeyRing,
  id: string,
  t: { accessToken: string; refreshToken?: string; expiresInSeconds: number },
) {
  await tx.query(sql.unsafe`
    UPDATE connections SET access_token_enc = ${keyRing.encrypt(t.accessToken, aad(id, 'access'))},
           refresh_token_enc = coalesce(${t.refreshToken ? keyRing.encrypt(t.refreshToken, aad(id, 'refresh')) : null}, refresh_token_enc),
           access_expires_at = clock_timestamp() + ${t.expiresInSeconds} * interval '1 second', updated_at = now()
    WHERE id = ${id}`);
}

/** The access token of an active connection (null when it is not active any more). */
export async function activeAccessToken(db: Db, keyRing: KeyRing, id: string): Promise<string | null> {
  const row = await db.maybeOne(sql.type(credentialsRow)`
    SELECT provider, status, access_token_enc AS access, refresh_token_enc AS refresh FROM connections WHERE id = ${id}`);
  return row && row.status === 'active' ? open(keyRing, id, row).accessToken : null;
}

/** Every connection of the account, disconnected ones too (their token workflows go with the account). */
export async function connectionIdsOfAccount(db: Db, accountId: string): Promise<readonly string[]> {
  return db.anyFirst(
    sql.type(z.object({ id: z.string() }))`SELECT id FROM connections WHERE account_id = ${accountId}`,
  );
}

/**
 * The account's Instagram connections that still hold a token (active or needing reconnect), with it: an account
 * deletion turns their webhooks off at Instagram before the rows go.
 */
export async function instagramTokensOfAccount(
  db: Db,
  keyRing: KeyRing,
  accountId: string,
): Promise<{ connectionId: string; accessToken: string }[]> {
  const rows = await db.any(sql.type(credentialsRow.extend({ id: z.string() }))`
    SELECT id, provider, status, access_token_enc AS access, refresh_token_enc AS refresh FROM connections
    WHERE account_id = ${accountId} AND provider = 'instagram' AND access_token_enc IS NOT NULL`);
  return rows.flatMap((row) => {
    const { accessToken } = open(keyRing, row.id, row);
    return accessToken ? [{ connectionId: row.id, accessToken }] : [];
  });
}

export async function markNeedsReconnect(db: Db, id: string): Promise<void> {
  await db.query(
    sql.unsafe`UPDATE connections SET status = 'needs_reconnect', updated_at = now() WHERE id = ${id} AND status = 'active'`,
  );
}

/** Disconnect: no token is kept, nor which provider user made it. Returns what was held, so the caller can revoke it at the provider. */
export async function disconnect(
  pool: DatabasePool,
  keyRing: KeyRing,
  id: string,
): Promise<ConnectionCredentials | null> {
  return pool.transaction(async (tx) => {
    const row = await tx.maybeOne(sql.type(credentialsRow)`
      SELECT provider, status, access_token_enc AS access, refresh_token_enc AS refresh FROM connections WHERE id = ${id} FOR UPDATE`);
    await tx.query(sql.unsafe`
      UPDATE connections SET status = 'disconnected', access_token_enc = NULL, refresh_token_enc = NULL, provider_user_hash = NULL,
          updated_at = now() WHERE id = ${id}`);
    return row ? open(keyRing, id, row) : null;
  });
}

export async function markDisconnected(db: Db, id: string): Promise<void> {
  await db.query(
    sql.unsafe`UPDATE connections SET status = 'disconnected', updated_at = now() WHERE id = ${id} AND status <> 'disconnected'`,
  );
}

/**
 * A Meta user's data deletion: every connection that Meta user made loses its tokens and the link to the user, and
 * is disconnected (in one statement). Returns the connections, so their token workflows can be told. Safe to repeat.
 */
export async function forgetMetaUserConnections(db: Db, providerUserHash: string): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ id: z.string() }))`
    UPDATE connections SET status = 'disconnected', access_token_enc = NULL, refresh_token_enc = NULL,
           provider_user_hash = NULL, updated_at = now()
    WHERE provider = 'meta' AND provider_user_hash = ${providerUserHash} RETURNING id`);
}

/** The live connections of a provider's account (an Instagram professional account named by a webhook). */
export async function connectionsOfExternalAccount(
  db: Db,
  provider: ConnectionProviderName,
  externalAccountId: string,
): Promise<readonly { id: string; accountId: string }[]> {
  return db.any(sql.type(z.object({ id: z.string(), accountId: z.string() }))`
    SELECT id, account_id AS "accountId" FROM connections
    WHERE provider = ${provider} AND external_account_id = ${externalAccountId} AND status = 'active'`);
}
