// Every column that holds a key-ring ciphertext, with the associated data that binds each value to its row.
// Key rotation walks this list; a new encrypted column must be added here (the rotation test checks them all).
// The one exception to one writer per table: resealBatch rewrites these ciphertext columns in place (same
// plaintext, new key), generically, so that no table's module has to know about key rotation.
import { z } from 'zod';
import { type KeyRing } from '../lib/crypto/keyring';
import { orderEmailContext } from './billing';
import { type DatabasePool, sql } from './pool';

export interface EncryptedTable {
  table: string;
  key: string;
  columns: { name: string; aad: (key: string) => string }[];
}

export const ENCRYPTED_TABLES: EncryptedTable[] = [
  {
    table: 'instagram_inbox',
    key: 'id',
    columns: [
      { name: 'sender_enc', aad: (id) => `instagram_inbox:${id}:sender` },
      { name: 'username_enc', aad: (id) => `instagram_inbox:${id}:username` },
      { name: 'text_enc', aad: (id) => `instagram_inbox:${id}:text` },
    ],
  },
  {
    table: 'fan_tokens',
    key: 'fan_id',
    columns: [
      { name: 'access_token_enc', aad: (id) => `fan_tokens:${id}:access` },
      { name: 'refresh_token_enc', aad: (id) => `fan_tokens:${id}:refresh` },
    ],
  },
  {
    table: 'apple_music_tokens',
    key: 'fan_id',
    columns: [{ name: 'user_token_enc', aad: (id) => `apple_music_tokens:${id}:user` }],
  },
  {
    table: 'subscribers',
    key: 'id',
    columns: [
      { name: 'email_enc', aad: (id) => `subscribers:${id}:email` },
      { name: 'phone_enc', aad: (id) => `subscribers:${id}:phone` },
    ],
  },
  {
    table: 'connections',
    key: 'id',
    columns: [
      { name: 'access_token_enc', aad: (id) => `connections:${id}:access` },
      { name: 'refresh_token_enc', aad: (id) => `connections:${id}:refresh` },
    ],
  },
  {
    table: 'sandbox_mailbox',
    key: 'outbox_id',
    columns: [{ name: 'to_address_enc', aad: (id) => `sandbox_mailbox:${id}` }],
  },
  {
    table: 'meta_pixels',
    key: 'artist_id',
    columns: [{ name: 'access_token_enc', aad: (id) => `meta_pixels:${id}:access` }],
  },
  {
    table: 'conversion_events',
    key: 'id',
    columns: [{ name: 'user_data_enc', aad: (id) => `conversion_events:${id}:user_data` }],
  },
  {
    table: 'google_click_conversions',
    key: 'id',
    columns: [{ name: 'gclid_enc', aad: (id) => `google_click_conversions:${id}:gclid` }],
  },
  { table: 'orders', key: 'id', columns: [{ name: 'email_enc', aad: orderEmailContext }] },
  { table: 'members', key: 'id', columns: [{ name: 'email_enc', aad: (id) => `members:${id}:email` }] },
];

export interface ResealProgress {
  /** last row key handled in this table; the next batch starts after it */
  after: string | null;
  scanned: number;
  resealed: number;
  done: boolean;
}

/**
 * Re-encrypts one batch of a table's rows under the active key, in key order. A row rewritten meanwhile (a token
 * refresh) is left alone: its writer sealed it under the active key already.
 */
export async function resealBatch(
  pool: DatabasePool,
  keyRing: KeyRing,
  input: { table: EncryptedTable; after: string | null; limit: number },
): Promise<ResealProgress> {
  const { table } = input;
  const rows = await pool.any(sql.type(z.object({ k: z.string(), v: z.array(z.string().nullable()) }))`
    SELECT ${sql.identifier([table.key])}::text AS k,
           ARRAY[${sql.join(
             table.columns.map((c) => sql.identifier([c.name])),
             sql.fragment`, `,
           )}] AS v
    FROM ${sql.identifier([table.table])}
    ${input.after === null ? sql.fragment`` : sql.fragment`WHERE ${sql.identifier([table.key])}::text > ${input.after}`}
    ORDER BY 1 LIMIT ${input.limit}`);
  let resealed = 0;
  for (const row of rows) {
    const fresh = table.columns.map((c, i) => (row.v[i] === null ? null : keyRing.reseal(row.v[i]!, c.aad(row.k))));
    if (fresh.every((v) => v === null)) continue;
    const result = await pool.query(sql.unsafe`
      UPDATE ${sql.identifier([table.table])}
      SET ${sql.join(
        table.columns.map((c, i) => sql.fragment`${sql.identifier([c.name])} = ${fresh[i] ?? row.v[i]}`),
        sql.fragment`, `,
      )}
      WHERE ${sql.identifier([table.key])}::text = ${row.k}
        AND ${sql.join(
          table.columns.map((c, i) => sql.fragment`${sql.identifier([c.name])} IS NOT DISTINCT FROM ${row.v[i]}`),
          sql.fragment` AND `,
        )}`);
    resealed += result.rowCount;
  }
  return { after: rows.at(-1)?.k ?? input.after, scanned: rows.length, resealed, done: rows.length < input.limit };
}

/** How many rows the table holds (a rotation's progress bar). */
export async function countEncryptedRows(pool: DatabasePool, table: EncryptedTable): Promise<number> {
  return pool.oneFirst(
    sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM ${sql.identifier([table.table])}`,
  );
}

/** How many stored ciphertexts are sealed under another key than the active one. */
export async function countStaleCiphertexts(pool: DatabasePool, activeKeyId: string): Promise<number> {
  let stale = 0;
  for (const table of ENCRYPTED_TABLES) {
    for (const column of table.columns) {
      stale += await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM ${sql.identifier([table.table])}
        WHERE split_part(${sql.identifier([column.name])}, ':', 3) <> ${activeKeyId}`);
    }
  }
  return stale;
}
