// A database and Temporal with the real worker, and no API: for integration tests that drive workflows directly.
import { type Config } from '../../lib/config';
import { type KeyRing } from '../../lib/crypto/keyring';
import { createLogger } from '../../lib/logger';
import { createTestDatabase, type TestDatabase } from './database';
import { lazyProxy, usePerFile } from './per-file';
import { connectTestTemporal, type TestTemporal } from './temporal';

async function startWorkerEnvironment(config: Config, keyRing: KeyRing) {
  const db = await createTestDatabase();
  const temporal = await connectTestTemporal(keyRing);
  await temporal.startWorker({
    config: { ...config, TEMPORAL_TASK_QUEUE: temporal.taskQueue },
    pool: db.pool,
    keyRing,
    logger: createLogger({ level: 'silent' }),
  });
  return { db, temporal };
}

/** One environment for every test of a file (see usePerFile): Temporal closes, then the database is dropped. */
export function useWorkerEnvironment(test: { config: Config; keyRing: KeyRing }): {
  db: TestDatabase;
  temporal: TestTemporal;
} {
  const env = usePerFile(
    'the worker environment',
    () => startWorkerEnvironment(test.config, test.keyRing),
    async ({ db, temporal }) => {
      await temporal.close();
      await db.drop();
    },
  );
  return { db: lazyProxy(() => env.db), temporal: lazyProxy(() => env.temporal) };
}
