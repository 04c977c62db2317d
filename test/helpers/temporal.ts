// Temporal for one test file: a client and worker connection to the run's dev server, a task queue of its own,
// and the real worker (every workflow and activity) built from the prebuilt bundle.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  NativeConnection,
  Runtime,
  DefaultLogger,
  type Worker,
  type WorkerOptions,
} from '@temporalio/worker';
import { type KeyRing } from '../../lib/crypto/keyring';
import { createDataConverter } from '../../lib/temporal/client';
import { createWorker, type WorkerDeps } from '../../workers/worker';

let runtimeInstalled = false;

export interface TestTemporal {
  address: string;
  taskQueue: string;
  client: Client;
  nativeConnection: NativeConnection;
  startWorker(deps: WorkerDeps, overrides?: Partial<WorkerOptions>): Promise<RunningWorker>;
  close(): Promise<void>;
}

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

let bundle: Promise<{ code: string }> | undefined;
export function workflowBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    failureConverterPath: require.resolve('../../lib/temporal/failure-converter'),
    logger: new DefaultLogger('WARN'),
  });
  return bundle;
}

/**
 * Connects to the run's dev server, or to `address` (a cluster a test file started itself). `runtimeLogger`: where
 * the SDK's own lines go in this file (the first connect of a file installs the runtime; default errors only).
 */
export async function connectTestTemporal(
  keyRing: KeyRing,
  address?: string,
  runtimeLogger?: DefaultLogger,
): Promise<TestTemporal> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: runtimeLogger ?? new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  address ??= process.env.DROPDAY_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('DROPDAY_TEST_TEMPORAL_ADDRESS is not set: run the tests through jest');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection, namespace: 'default', dataConverter: createDataConverter(keyRing) });
  const taskQueue = `test-${randomBytes(6).toString('hex')}`;
  const running = new Set<RunningWorker>();

  return {
    address,
    taskQueue,
    client,
    nativeConnection,
    async startWorker(deps, overrides) {
      const worker = await createWorker({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue,
        deps,
        workflowBundle: await workflowBundle(),
        overrides,
      });
      const done = worker.run();
      const handle: RunningWorker = {
        worker,
        stop: async () => {
          running.delete(handle);
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await done;
        },
      };
      running.add(handle);
      return handle;
    },
    async close() {
      for (const w of [...running]) await w.stop();
      await connection.close();
      await nativeConnection.close();
    },
  };
}
