// The per-fan variant's worker process (bench:release starts it like workers/main.ts, so its memory is measured
// the same way): its own task queue, its own workflow bundle and activities.
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createDatabasePool } from '../../db/pool';
import { loadConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { createProviderClients } from '../../lib/providers';
import { databaseUrlFrom, keyRingFrom } from '../../lib/runtime';
import { createDataConverter } from '../../lib/temporal/client';
import { workerProviderMetrics } from '../../workers/provider-metrics';
import { createPerFanActivities } from './activities';
import { PER_FAN_TASK_QUEUE } from './starter';

async function main() {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'per-fan-worker' });
  Runtime.install({ logger: new DefaultLogger('WARN') }); // the SDK's state changes would flood the bench's stderr
  const pool = await createDatabasePool(databaseUrlFrom(config), { maximumPoolSize: config.DATABASE_POOL_SIZE });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const keyRing = keyRingFrom(config);
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: PER_FAN_TASK_QUEUE,
    // Prebuilt by bench/lib/stack.ts like the production worker's bundle, so both workers' memory compares.
    ...(process.env.PER_FAN_WORKFLOW_BUNDLE_PATH
      ? { workflowBundle: { codePath: process.env.PER_FAN_WORKFLOW_BUNDLE_PATH } }
      : { workflowsPath: require.resolve('./workflow') }),
    activities: createPerFanActivities({
      config,
      pool,
      keyRing,
      logger,
      providers: createProviderClients(config, { onCall: workerProviderMetrics() }),
    }),
    dataConverter: createDataConverter(keyRing),
  });
  logger.info({ taskQueue: PER_FAN_TASK_QUEUE }, 'worker started');
  try {
    await worker.run();
  } finally {
    await Promise.allSettled([pool.end(), connection.close()]);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
