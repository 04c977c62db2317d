// Builds the worker: every workflow (prebuilt bundle when there is one) and every activity, with the encrypting
// data converter. Separate from main.ts so that tests run exactly this worker against their own task queue.
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { createProviderClients, type ProviderClients } from '../lib/providers';
import { createDataConverter } from '../lib/temporal/client';
import { workerProviderMetrics } from './provider-metrics';

/** The activities' deps; the provider clients are built here (counted in the worker's metrics) unless given. */
export type WorkerDeps = Omit<ActivityDeps, 'providers'> & { providers?: ProviderClients };

export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: WorkerDeps;
  /** A prebuilt bundle (`npm run bundle` in images; tests build one per file). Without it the worker bundles the
   * workflow sources at start, so it can never run stale workflow code. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  overrides?: Partial<WorkerOptions>;
}): Promise<Worker> {
  const workflowSource: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = opts.workflowBundle
    ? { workflowBundle: opts.workflowBundle }
    : { workflowsPath: require.resolve('../workflows') };
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...workflowSource,
    activities: createActivities({
      ...opts.deps,
      providers: opts.deps.providers ?? createProviderClients(opts.deps.config, { onCall: workerProviderMetrics() }),
    }),
    dataConverter: createDataConverter(opts.deps.keyRing),
    ...opts.overrides,
  });
}
