// A pooled query is one round trip to PostgreSQL: slonik's default sends DISCARD ALL whenever a connection goes back
// to the pool, which doubled the statements of every query made outside a transaction (db/pool.ts says why dropday
// has nothing to discard). Read from the server's side: after a query, the backend's last statement is that query.
import { Client } from 'pg';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

async function lastStatementOf(pid: number): Promise<string> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ query: string }>('SELECT query FROM pg_stat_activity WHERE pid = $1', [pid]);
    return rows[0]!.query;
  } finally {
    await client.end();
  }
}

it('sends nothing after a pooled query: the connection goes back to the pool as it is', async () => {
  const pid = await db.pool.oneFirst(sql.type(z.object({ pid: z.number() }))`SELECT pg_backend_pid() AS pid`);
  await new Promise((resolve) => setTimeout(resolve, 200)); // a reset would be sent just after the release
  expect(await lastStatementOf(pid)).toBe('SELECT pg_backend_pid() AS pid');
  // and the same connection serves the next query
  const again = await db.pool.oneFirst(sql.type(z.object({ pid: z.number() }))`SELECT pg_backend_pid() AS pid`);
  expect(again).toBe(pid);
});
