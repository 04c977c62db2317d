// The worker process: `npm run worker`. SIGINT/SIGTERM drain in-flight tasks before exiting (the SDK's default
// shutdown signals); a task cut off by a hard kill is retried elsewhere by Temporal.
import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { databaseUrlFrom, keyRingFrom } from '../lib/runtime';
import { migrate } from '../db/migrate';
import { createDatabasePool } from '../db/pool';
import { createWorker } from './worker';
import { connectTemporalClient } from '../lib/temporal/client';
import { sdkLogger } from '../lib/temporal/sdk-logger';
import { ensureSchedules } from '../lib/starters/schedules';

async function main() {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker' });
  // The SDK's own log lines follow LOG_LEVEL too, through pino (so they are redacted like ours).
  Runtime.install({
    ...(config.WORKER_METRICS_ADDRESS
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: config.WORKER_METRICS_ADDRESS } } } }
      : {}),
    logger: sdkLogger(logger, config.LOG_LEVEL),
  });
  const databaseUrl = databaseUrlFrom(config);
  await migrate(databaseUrl, (m) => logger.info(m));
  const pool = await createDatabasePool(databaseUrl, { maximumPoolSize: config.DATABASE_POOL_SIZE });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: { config, pool, keyRing: keyRingFrom(config), logger },
    workflowBundle: config.WORKFLOW_BUNDLE_PATH ? { codePath: config.WORKFLOW_BUNDLE_PATH } : undefined,
    overrides: { shutdownGraceTime: '20s' },
  });
  const client = await connectTemporalClient({
    address: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    keyRing: keyRingFrom(config),
  });
  await ensureSchedules(client, config.TEMPORAL_TASK_QUEUE);
  await client.connection.close();
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker started');
  try {
    await worker.run();
  } finally {
    await Promise.allSettled([pool.end(), connection.close()]);
    logger.info('worker stopped');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
