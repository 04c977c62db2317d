// A database of its own for each test file, migrated, on the run's shared PostgreSQL.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../../db/migrate';
import { createDatabasePool, type DatabasePool } from '../../db/pool';

export interface TestDatabase {
  url: string;
  pool: DatabasePool;
  drop(): Promise<void>;
}

export function adminUrl(): string {
  const url = process.env.DROPDAY_TEST_PG_ADMIN_URL;
  if (!url) throw new Error('DROPDAY_TEST_PG_ADMIN_URL is not set: run the tests through jest (global setup)');
  return url;
}

/** One statement on the run's PostgreSQL as its superuser (CREATE / DROP DATABASE). */
export async function admin(statement: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `dropday_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const pool = await createDatabasePool(url.toString(), { maximumPoolSize: 10 });
  return {
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
