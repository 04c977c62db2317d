// The slonik pool. Queries declare their row shape with sql.type(zodSchema) (any Standard Schema); the interceptor below makes slonik
// validate every row against it, so a schema drift fails loudly instead of leaking wrong types.
import { createPgDriverFactory } from '@slonik/pg-driver';
import { z } from 'zod';
import {
  createPool,
  type DatabasePool,
  type DriverFactory,
  type Interceptor,
  SchemaValidationError,
  sql,
} from 'slonik';

const resultParser: Interceptor = {
  name: 'zod-result-parser',
  transformRowAsync: async (context, query, row) => {
    if (!context.resultParser) return row;
    const result = await context.resultParser['~standard'].validate(row);
    if (result.issues) throw new SchemaValidationError(query, row, result.issues);
    return result.value as typeof row;
  },
};

/**
 * slonik's pg driver, with one fix. When a connection dies (PostgreSQL restarting) while requests wait for one,
 * the pool opens a new connection for the first waiter and calls `acquire()` on it in an un-awaited `.then`
 * (slonik 49.10.9, createConnectionPool.js, onDestroy). Should the server end that new connection in the same
 * read as its ready message (a shutdown during start-up), the client is already being destroyed, `acquire()` throws
 * "Client is pending destroy.", and the rejection escapes: Node ends the process, and the waiter never hears back.
 * Here such a client is handed over as it is: the waiter's query fails with that error (a 5xx, a retried
 * activity) and the pool goes on.
 */
const handOverDeadClients: DriverFactory = async (options) => {
  const driver = await createPgDriverFactory()(options);
  return {
    ...driver,
    createClient: async () => {
      const client = await driver.createClient();
      return {
        ...client,
        acquire: () => {
          const state = client.state();
          if (state === 'PENDING_DESTROY' || state === 'DESTROYED') return;
          client.acquire();
        },
      };
    },
  };
};

export async function createDatabasePool(
  url: string,
  opts: {
    maximumPoolSize?: number;
    /** more interceptors, after the row parser (tests count queries) */ interceptors?: Interceptor[];
    /** ms, or no limit (benchmarks computing over millions of rows); slonik's default otherwise */
    statementTimeout?: number | 'DISABLE_TIMEOUT';
  } = {},
): Promise<DatabasePool> {
  return createPool(url, {
    interceptors: [resultParser, ...(opts.interceptors ?? [])],
    maximumPoolSize: opts.maximumPoolSize ?? 10,
    ...(opts.statementTimeout === undefined ? {} : { statementTimeout: opts.statementTimeout }),
    // Fail fast when the database is gone, rather than piling requests up.
    connectionTimeout: 5_000,
    // slonik sends DISCARD ALL every time a connection goes back to the pool: a second round trip for every query
    // made outside a transaction (a pre-save's capture paid it eight times). dropday keeps no session state on
    // pooled connections — settings are SET LOCAL, temporary tables ON COMMIT DROP, locks transaction-scoped, and
    // LISTEN and the migration lock have their own clients — so there is nothing to discard. (DISCARD ALL would
    // also drop the connection's prepared statements, below, behind the pg client's back.)
    resetConnection: async () => {},
    driverFactory: handOverDeadClients,
  });
}

/** Readiness: the database answers a query. */
export async function pingDatabase(pool: DatabasePool): Promise<void> {
  await pool.oneFirst(sql.unsafe`SELECT 1`);
}

/**
 * `sql.prepared(name, rowSchema)` is for the statements of the busiest paths (a pre-save's capture): PostgreSQL
 * parses such a statement once per connection, and plans it once too when a generic plan costs no more, instead of
 * on every run — most of the server's time for a short statement. A name stands for one text: a prepared statement
 * must not be built from fragments that vary (test/unit/prepared-statements.test.ts checks the names are unique).
 * `NO_ROWS` is the row schema of one that returns none.
 */
export const NO_ROWS = z.object({});

export { sql, type DatabasePool };
