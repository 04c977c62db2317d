// A Temporal cluster of a test file's own (scripts/lib/temporal-cluster.ts) on the run's PostgreSQL, in databases
// of its own that are dropped when it stops.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTemporalCluster, type TemporalCluster } from '../../scripts/lib/temporal-cluster';
import { resolveTemporalClusterTools } from '../../scripts/lib/temporal-server';
import { admin, adminUrl } from './database';
import { usePerFile } from './per-file';
import { type ReleaseStack, type ReleaseStackOptions, startReleaseStack } from './release-stack';

export async function startTestCluster(): Promise<TemporalCluster> {
  const suffix = randomBytes(4).toString('hex');
  const databases = { temporal: `temporal_${suffix}`, visibility: `temporal_visibility_${suffix}` };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dropday-test-cluster-'));
  const log = (m: string) => process.stderr.write(`[test cluster] ${m}\n`);
  // Small pools: the run's PostgreSQL is shared with the other test files.
  const cluster = await startTemporalCluster({
    ...(await resolveTemporalClusterTools(log)),
    postgresUrl: adminUrl(),
    databases,
    dir,
    sqlMaxConns: 6,
    log,
  });
  return {
    ...cluster,
    async stop() {
      await cluster.stop();
      for (const name of Object.values(databases)) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const CLUSTER_FIRST_START_MS = 45 * 60_000;

/**
 * One cluster and a release stack on it for every test of a file: the stack stops before the cluster does (its
 * worker drains against a live server), so both are one per-file resource.
 */
export function useClusterReleaseStack(opts: ReleaseStackOptions = {}): {
  cluster: TemporalCluster;
  stack: ReleaseStack;
} {
  return usePerFile(
    'the Temporal cluster and its release stack',
    async () => {
      const cluster = await startTestCluster();
      try {
        return { cluster, stack: await startReleaseStack({ ...opts, temporalAddress: cluster.address }) };
      } catch (error) {
        await cluster.stop();
        throw error;
      }
    },
    async ({ cluster, stack }) => {
      await stack.close();
      await cluster.stop();
    },
    // On a fresh machine the first start builds the server and its SQL tool with Go (tens of minutes on 2 cores);
    // the other test files go on meanwhile in the other jest worker.
    CLUSTER_FIRST_START_MS,
  );
}
