// Killing the worker process mid-wave loses nothing and duplicates nothing: the batch's heartbeat stops, Temporal
// retries it on the next worker, which re-claims the rows and checks Spotify before saving again.
import { type ChildProcess } from 'node:child_process';
import { freePort } from '../../scripts/lib/ports';
import {
  accountWithLiveAlbumCampaign,
  campaignView,
  fanPresaves,
  http,
  savesOf,
  spawnWorkerProcess,
  useReleaseStack,
  waitFor,
} from '../helpers/release-stack';

let child: ChildProcess | undefined;
afterAll(() => child?.kill('SIGKILL')); // declared first: runs before the stack closes
const stack = useReleaseStack({ startWorker: false });

/** The production worker as its own process, slowed down so the wave takes a while. */
const spawnWorker = (metricsPort: number) =>
  spawnWorkerProcess(stack, { SPOTIFY_MAX_RPS: '4', WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}` });

const successfulSaves = (user: string) => savesOf(stack, user).length;

describe('a worker killed mid-wave', () => {
  it('delivers every fan exactly once after another worker takes over', async () => {
    const fans = Array.from({ length: 30 }, (_, i) => `fan-crash-${i}`);
    const { headers, campaign, release } = await accountWithLiveAlbumCampaign(stack, 'Crash', { secondsAhead: 20 });
    expect(campaign.status).toBe(201);
    for (const user of fans) await fanPresaves(stack, campaign.data.slug, { user });
    expect(Date.now()).toBeLessThan(release.at);

    const metricsPort = await freePort();
    child = spawnWorker(metricsPort);
    const view = () => campaignView(stack, campaign.data.id, headers);
    const partway = await waitFor('the wave to be under way', view, (r) => r.data.progress.done >= 4, 90_000);
    expect(partway.data.progress.done).toBeLessThan(30);
    // The worker's Prometheus endpoint: the SDK's runtime metrics and ours (outcomes, lateness, provider calls).
    const metrics = String((await http.get(`http://127.0.0.1:${metricsPort}/metrics`)).data);
    expect(metrics).toMatch(/^dropday_presaves\w*\{[^}]*outcome="done"[^}]*\} [1-9]/m);
    expect(metrics).toMatch(/^dropday_presave_lateness\w*_count\b/m);
    expect(metrics).toMatch(/^dropday_provider_calls\w*\{[^}]*provider="spotify"[^}]*status="200"/m);
    expect(metrics).toMatch(/^temporal_activity_execution_latency/m);
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));

    await stack.startWorker();
    const finished = await waitFor('every fan', view, (r) => r.data.progress.done === 30, 120_000);
    expect(finished.data.progress).toMatchObject({ total: 30, done: 30, failed: 0, revoked: 0, pending: 0 });
    for (const user of fans) expect({ user, saves: successfulSaves(user) }).toEqual({ user, saves: 1 });
    expect(stack.spotify.state.stats().duplicateSaves).toBe(0);
  });
});
