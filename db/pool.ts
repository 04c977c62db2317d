// The slonik pool. Queries declare their row shape with sql.type(zodSchema) (any Standard Schema); the interceptor below makes slonik
// validate every row against it, so a schema drift fails loudly instead of leaking wrong types.
import { createPool, type DatabasePool, type Interceptor, SchemaValidationError, sql } from 'slonik';

const resultParser: Interceptor = {
  name: 'zod-result-parser',
  transformRowAsync: async (context, query, row) => {
    if (!context.resultParser) return row;
    const result = await context.resultParser['~standard'].validate(row);
    if (result.issues) throw new SchemaValidationError(query, row, result.issues);
    return result.value as typeof row;
  },
};

export async function createDatabasePool(
  url: string,
  opts: {
    maximumPoolSize?: number;
    /** more interceptors, after the row parser (tests count queries) */ interceptors?: Interceptor[];
  } = {},
): Promise<DatabasePool> {
  return createPool(url, {
    interceptors: [resultParser, ...(opts.interceptors ?? [])],
    maximumPoolSize: opts.maximumPoolSize ?? 10,
    // Fail fast when the database is gone, rather than piling requests up.
    connectionTimeout: 5_000,
  });
}

/** Readiness: the database answers a query. */
export async function pingDatabase(pool: DatabasePool): Promise<void> {
  await pool.oneFirst(sql.unsafe`SELECT 1`);
}

export { sql, type DatabasePool };
