// A deletion and its audit record commit together or not at all: a delete that fails leaves no record of itself,
// a record that cannot be written leaves the data in place (so the next attempt deletes and records it), and a
// repeated deletion records nothing twice. Real PostgreSQL; the failures are injected with triggers.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { z } from 'zod';
import { deleteAccountData } from '../../db/account-deletion';
import { eraseExpiredInbox, eraseInboxOfConnection } from '../../db/instagram-inbox';
import { sql } from '../../db/pool';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { usePerFile } from '../helpers/per-file';

const db: TestDatabase = usePerFile('the database', createTestDatabase, (d) => d.drop());

const auditLines = (like: string) =>
  db.pool.anyFirst(sql.type(z.object({ line: z.string() }))`
    SELECT action || ' ' || target AS line FROM audit_log WHERE target LIKE ${`%${like}%`} ORDER BY id`);
const count = (table: string, column: string, value: string) =>
  db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n FROM ${sql.identifier([table])} WHERE ${sql.identifier([column])} = ${value}`);

/** DDL the pool's typed templates do not take: one statement on a plain pg connection to the test database. */
async function ddl(statement: string) {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
async function failWhen(table: string, event: 'DELETE' | 'INSERT', condition: string) {
  await ddl(`
    CREATE OR REPLACE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF ${condition} THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN COALESCE(NEW, OLD); END $$;
    CREATE TRIGGER test_refuse BEFORE ${event} ON ${table} FOR EACH ROW EXECUTE FUNCTION test_refuse();`);
}
const stopFailing = (table: string) => ddl(`DROP TRIGGER test_refuse ON ${table}`);

async function accountWithInbox(items: { receivedDaysAgo: number }[]) {
  const accountId = await db.pool.oneFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO accounts (name, email) VALUES ('Label', ${`${randomUUID()}@example.test`}) RETURNING id`);
  const connectionId = await db.pool.oneFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO connections (account_id, provider, external_account_id, status, scopes)
    VALUES (${accountId}, 'instagram', ${randomUUID()}, 'active', 'instagram_business_basic') RETURNING id`);
  for (const [i, item] of items.entries())
    await db.pool.query(sql.unsafe`
      INSERT INTO instagram_inbox (account_id, connection_id, kind, external_id, sender_hash, sender_enc, text_enc,
                                   sent_at, received_at)
      VALUES (${accountId}, ${connectionId}, 'message', ${`m${i}-${connectionId}`}, 'h', 'enc:x', 'enc:y', now(),
              now() - ${item.receivedDaysAgo} * interval '1 day')`);
  return { accountId, connectionId };
}

describe('audit records written with the delete', () => {
  it('account deletion: a failed delete leaves no record; the retry records once; a repeat records nothing', async () => {
    const { accountId } = await accountWithInbox([]);
    await failWhen('accounts', 'DELETE', `OLD.id = '${accountId}'`);
    await expect(deleteAccountData(db.pool, accountId, 3)).rejects.toThrow(/refused by the test/);
    expect(await auditLines(accountId)).toEqual([]);
    expect(await count('accounts', 'id', accountId)).toBe(1);
    await stopFailing('accounts');

    await deleteAccountData(db.pool, accountId, 3);
    await deleteAccountData(db.pool, accountId, 3); // an activity retry after a lost commit
    expect(await count('accounts', 'id', accountId)).toBe(0);
    expect(await auditLines(accountId)).toEqual([
      `account_deleted account:${accountId} campaigns:0 fans:0 workflows:3`,
    ]);
  });

  it('inbox expiry: an audit record that cannot be written keeps the messages; the next sweep deletes and records', async () => {
    const { connectionId } = await accountWithInbox([{ receivedDaysAgo: 31 }, { receivedDaysAgo: 1 }]);
    await failWhen('audit_log', 'INSERT', `NEW.action = 'instagram_inbox_expired'`);
    await expect(eraseExpiredInbox(db.pool, 30 * 86_400)).rejects.toThrow(/refused by the test/);
    expect(await count('instagram_inbox', 'connection_id', connectionId)).toBe(2);
    await stopFailing('audit_log');

    const ids = await eraseExpiredInbox(db.pool, 30 * 86_400);
    expect(ids).toHaveLength(1);
    expect(await count('instagram_inbox', 'connection_id', connectionId)).toBe(1);
    expect(await auditLines(ids[0])).toEqual([`instagram_inbox_expired instagram_inbox:${ids[0]}`]);
  });

  it('disconnect: the erasure of a connection inbox and its record commit together', async () => {
    const { connectionId } = await accountWithInbox([{ receivedDaysAgo: 2 }, { receivedDaysAgo: 3 }]);
    await failWhen('audit_log', 'INSERT', `NEW.action = 'instagram_inbox_erased'`);
    await expect(eraseInboxOfConnection(db.pool, connectionId)).rejects.toThrow(/refused by the test/);
    expect(await count('instagram_inbox', 'connection_id', connectionId)).toBe(2);
    await stopFailing('audit_log');

    expect(await eraseInboxOfConnection(db.pool, connectionId)).toBe(2);
    expect(await eraseInboxOfConnection(db.pool, connectionId)).toBe(0);
    expect(await auditLines(connectionId)).toEqual([`instagram_inbox_erased connection:${connectionId} items:2`]);
  });
});
