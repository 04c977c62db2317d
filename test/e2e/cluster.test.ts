// The core release path on the production topology (TEMPORAL_MODE=cluster, as docker-compose.yml deploys it): the
// Temporal server built from source on PostgreSQL, schema and namespace set up by deploy/setup-temporal-schema.sh,
// frontend, history, matching and worker as separate processes. A fan pre-saves over HTTP and the release is in
// their library at the release instant, with the worker polling the cluster, and a history restart on the way.
import {
  addRelease,
  artistAccount,
  fanPresaves,
  nextUpc,
  postCampaign,
  releaseInSeconds,
  savesOf,
  waitFor,
  waitForCampaign,
} from '../helpers/release-stack';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { useClusterReleaseStack } from '../helpers/temporal-cluster';
import { TEMPORAL_SERVICES } from '../../scripts/lib/temporal-cluster';
import { TEMPORAL_SERVER_VERSION } from '../../scripts/lib/temporal-server';

const running = useClusterReleaseStack();
const ROOT = path.resolve(__dirname, '..', '..');

describe('the release path on a Temporal cluster', () => {
  it('runs each service as its own process', async () => {
    const { cluster, stack } = running;
    const pids = TEMPORAL_SERVICES.map((service) => cluster.services[service].process.pid);
    expect(new Set(pids).size).toBe(4);
    for (const service of TEMPORAL_SERVICES) expect(cluster.services[service].process.exitCode).toBeNull();
    const info = await stack.temporal.client.workflowService.getSystemInfo({});
    expect(info.serverVersion).toBe(TEMPORAL_SERVER_VERSION);
  });

  it('is what docker-compose.yml deploys: the same server version, schema script and dynamic config', async () => {
    const compose = await readFile(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain(`image: temporalio/server:${TEMPORAL_SERVER_VERSION}\n`);
    expect(compose).toContain(`image: temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}\n`);
    expect(compose).toContain('./deploy/setup-temporal-schema.sh:/deploy/setup-temporal-schema.sh:ro');
    expect(compose).toContain(
      './deploy/temporal-dynamicconfig.yaml:/etc/temporal/config/dynamicconfig/dropday.yaml:ro',
    );
    const serverConfig = await readFile(path.join(running.cluster.dir, 'temporal-server.yaml'), 'utf8');
    expect(serverConfig).toContain(`filepath: "${path.join(ROOT, 'deploy', 'temporal-dynamicconfig.yaml')}"`);
    expect(serverConfig).not.toContain(new URL(process.env.DROPDAY_TEST_PG_ADMIN_URL!).password);
  });

  it('delivers a pre-save at the release instant, once, through a history restart', async () => {
    const { cluster, stack } = running;
    const account = await artistAccount(stack);
    const upc = nextUpc();
    const release = releaseInSeconds(12);
    const created = addRelease(stack, upc, release.at);
    const { campaign } = await postCampaign(stack, account, 'Cluster Sun', { upc, release });
    expect(campaign.status).toBe(201);

    const { callback } = await fanPresaves(stack, campaign.data.slug, { user: 'cluster-fan', tz: 'Europe/Paris' });
    expect(callback.status).toBe(303);

    // Visibility on PostgreSQL with the search attributes the namespace step registered.
    const listed = await waitFor(
      'the release workflow in visibility',
      async () => {
        const ids: string[] = [];
        for await (const run of stack.temporal.client.workflow.list({
          query: `CampaignId = '${campaign.data.id}'`,
        }))
          ids.push(run.workflowId);
        return ids;
      },
      (ids) => ids.length > 0,
      20_000,
    );
    expect(listed).toEqual([`release:${campaign.data.id}`]);

    // The history service dies and comes back while the release timer is all that is pending: the timer still
    // fires. (Killed mid-activity instead, the activity's completion can be lost with it and the workflow waits for
    // the activity's timeout, a minute: correct, but the chaos run's business, not this test's.)
    const handle = stack.temporal.client.workflow.getHandle(`release:${campaign.data.id}`);
    await waitFor(
      'the release workflow to wait on its timer alone',
      () => handle.describe(),
      ({ raw }) => !raw.pendingWorkflowTask && (raw.pendingActivities ?? []).length === 0,
      20_000,
    );
    await cluster.services.history.restart('SIGKILL');

    const done = await waitForCampaign(
      stack,
      campaign.data.id,
      account.headers,
      'delivery',
      (view) => view.data.progress.done === 1,
      60_000,
    );
    expect(done.data.progress).toMatchObject({ total: 1, done: 1, pending: 0 });
    const saves = savesOf(stack, 'cluster-fan');
    expect(saves).toHaveLength(1);
    expect(saves[0].at).toBeGreaterThanOrEqual(release.at);
    expect(stack.spotify.state.libraryOf('cluster-fan').items.map((item) => item.uri)).toContain(created.album.uri);
    expect(stack.spotify.state.stats().duplicateSaves).toBe(0);
  });
});
