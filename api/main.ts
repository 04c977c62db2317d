// The API process: `npm run api`.
import { loadConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { databaseUrlFrom, keyRingFrom } from '../lib/runtime';
import { connectTemporalClient } from '../lib/temporal/client';
import { migrate } from '../db/migrate';
import { createDatabasePool } from '../db/pool';
import { createApp } from './app';
import { createMetricsRegistry, providerCallMetrics } from './metrics';
import { createReleaseEngine } from './release-engine';
import { EventBuffer } from './event-buffer';
import { CampaignCache } from './campaign-cache';
import { createProviderClients } from '../lib/providers';

async function main() {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'api' });
  const keyRing = keyRingFrom(config);
  const databaseUrl = databaseUrlFrom(config);
  await migrate(databaseUrl, (m) => logger.info(m));
  const pool = await createDatabasePool(databaseUrl, { maximumPoolSize: config.DATABASE_POOL_SIZE });
  const temporal = await connectTemporalClient({
    address: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    keyRing,
  });
  const events = new EventBuffer(pool, logger, {
    flushMs: config.EVENT_BUFFER_FLUSH_MS,
    maxBatch: config.EVENT_BUFFER_BATCH,
    maxQueued: config.EVENT_BUFFER_MAX,
  });
  const campaigns = new CampaignCache(pool, logger, config.CAMPAIGN_CACHE_MAX_AGE_MS);
  const metrics = createMetricsRegistry();
  const app = createApp({
    events,
    campaigns,
    config,
    pool,
    temporal,
    keyRing,
    logger,
    metrics,
    releaseEngine: createReleaseEngine(temporal, config.TEMPORAL_TASK_QUEUE),
    providers: createProviderClients(config, { onCall: providerCallMetrics(metrics) }),
  });
  const server = app.listen(config.PORT, config.LISTEN_HOST, () =>
    logger.info({ host: config.LISTEN_HOST, port: config.PORT }, `API listening on ${config.PUBLIC_URL}`),
  );

  const shutdown = () => {
    logger.info('API shutting down');
    server.close(() => {
      // Page views still in the buffer are written before the pool goes.
      void events
        .close()
        .catch((error: unknown) => logger.warn({ err: error }, 'could not write buffered events'))
        .then(() => Promise.allSettled([campaigns.close(), pool.end(), temporal.connection.close()]))
        .then(() => process.exit(0));
    });
    server.closeIdleConnections(); // keep-alive sockets would hold close() open
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
