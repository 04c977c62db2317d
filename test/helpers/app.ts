// The real API on a loopback port, wired to the test file's database and Temporal.
import { type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import { type AppDeps } from '../../api/deps';
import { createMetricsRegistry, providerCallMetrics } from '../../api/metrics';
import { createReleaseEngine } from '../../api/release-engine';
import { createProviderClients } from '../../lib/providers';
import { type ReleaseTimings } from '../../workflows/release';
import { type Config } from '../../lib/config';
import { type KeyRing } from '../../lib/crypto/keyring';
import { createLogger, type Logger } from '../../lib/logger';
import { type DatabasePool } from '../../db/pool';

export interface TestApi {
  url: string;
  close(): Promise<void>;
}

export async function startTestApi(deps: {
  config: Config;
  pool: DatabasePool;
  temporal: Client;
  keyRing: KeyRing;
  timings?: Partial<ReleaseTimings>;
  /** listen here (PUBLIC_URL must name it for OAuth redirects); default: any free port */
  port?: number;
  /** default: silent */
  logger?: Logger;
}): Promise<TestApi> {
  const metrics = createMetricsRegistry();
  const appDeps: AppDeps = {
    ...deps,
    logger: deps.logger ?? createLogger({ level: 'silent' }),
    metrics,
    releaseEngine: createReleaseEngine(deps.temporal, deps.config.TEMPORAL_TASK_QUEUE, deps.timings),
    providers: createProviderClients(deps.config, { onCall: providerCallMetrics(metrics) }),
  };
  const app = createApp(appDeps);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(deps.port ?? 0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // The file's tests are over: a browser's spare socket (opened ahead, no request on it, so not idle to Node)
      // would otherwise hold close() until the server's headers timeout reaps it, 60 s and more.
      server.closeAllConnections();
      await closed;
      await appDeps.campaigns?.close(); // its LISTEN connection
    },
  };
}
