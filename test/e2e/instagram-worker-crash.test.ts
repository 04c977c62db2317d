// A worker killed between the container and the publish: the next worker reuses the recorded container (no second
// one is made), publishes at the release instant, and the post goes out exactly once.
import { type ChildProcess } from 'node:child_process';
import { instagramEnv } from '../helpers/ad-simulators';
import { connectInstagram, postView, schedulePost, useInstagramStack } from '../helpers/instagram';
import {
  addRelease,
  artistAccount,
  nextUpc,
  postCampaign,
  spawnWorkerProcess,
  waitFor,
} from '../helpers/release-stack';

let child: ChildProcess | undefined;
afterAll(() => child?.kill('SIGKILL')); // declared first: runs before the stack closes
const LEAD = { INSTAGRAM_CONTAINER_LEAD_SECONDS: '25', INSTAGRAM_LIVE_CHECK_MS: '300' };
const { ig, stack } = useInstagramStack({ startWorker: false, env: LEAD });

it('publishes once, with the container made before the crash, at the release instant', async () => {
  const account = await artistAccount(stack);
  const connection = await connectInstagram(stack, ig, account, 'label_crash');
  const upc = nextUpc();
  addRelease(stack, upc, Date.now() - 1000);
  const { campaign, release } = await postCampaign(stack, account, 'Crash single', { upc, secondsAhead: 50 });
  const post = await schedulePost(stack, account.headers, campaign.data.id, {
    connectionId: connection.id,
    media: { kind: 'image', imageUrl: 'https://cdn.example/cover.jpg' },
    caption: 'Crash-proof',
  });
  expect(post.status).toBe(201);
  child = spawnWorkerProcess(stack, { ...instagramEnv(ig), ...LEAD });
  await waitFor(
    'the container ready',
    () => postView(stack, account.headers, post.data.id),
    (r) => r.data.state === 'ready',
    60_000,
  );
  expect(Date.now()).toBeLessThan(release.at);
  child.kill('SIGKILL');
  await new Promise((resolve) => child!.once('exit', resolve));
  const containers = () => [...ig.state.containers.values()].filter((c) => c.ownerId === connection.igUserId);
  expect(containers()).toHaveLength(1);

  await stack.startWorker();
  const done = await waitFor(
    'published',
    () => postView(stack, account.headers, post.data.id),
    (r) => r.data.state === 'published',
    90_000,
  );
  const media = [...ig.state.media.values()].filter((m) => m.ownerId === connection.igUserId);
  expect(media).toHaveLength(1);
  expect(media[0].publishedAt).toBeGreaterThanOrEqual(release.at);
  expect(containers()).toHaveLength(1);
  expect(done.data.permalink).toBe(media[0].permalink);
});
