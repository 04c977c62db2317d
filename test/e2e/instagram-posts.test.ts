// Release-day Instagram posts on the real stack, the Instagram simulator at the HTTP boundary: a label connects
// several professional accounts (tokens sealed); a post goes live at the release instant and not before, follows a
// reschedule, is cancelled with its campaign, waits for a release that is late, waits visibly on a spent
// publishing limit, shows Instagram's own words for invalid media, and is published once even when the answer to
// the publish is lost (the retry looks before publishing again).
import { z } from 'zod';
import { sql } from '../../db/pool';
import { connectInstagram, postView, schedulePost, useInstagramStack } from '../helpers/instagram';
import {
  addRelease,
  artistAccount,
  http,
  nextUpc,
  postCampaign,
  releaseInSeconds,
  waitFor,
} from '../helpers/release-stack';

const { ig, stack } = useInstagramStack();
const IMAGE = { kind: 'image', imageUrl: 'https://cdn.example/cover.jpg' };

async function labelWithCampaign(user: string, opts: { secondsAhead: number; live?: number }) {
  const account = await artistAccount(stack);
  const connection = await connectInstagram(stack, ig, account, user);
  const upc = nextUpc();
  addRelease(stack, upc, opts.live ?? Date.now() - 1000);
  const { campaign, release } = await postCampaign(stack, account, `Single of ${user}`, {
    upc,
    secondsAhead: opts.secondsAhead,
  });
  expect(campaign.status).toBe(201);
  return { account, connection, campaign: campaign.data as { id: string; slug: string }, release };
}

const mediaOf = (igUserId: string) => [...ig.state.media.values()].filter((m) => m.ownerId === igUserId);
const publishCalls = () => ig.state.calls.filter((c) => c.path.endsWith('/media_publish') && c.status === 200);

function waitForState(headers: Record<string, string>, id: string, states: string[], timeoutMs = 40_000) {
  return waitFor(
    `post ${id} in ${states.join('/')}`,
    () => postView(stack, headers, id),
    (r) => states.includes(r.data.state),
    timeoutMs,
  );
}

describe('connecting Instagram', () => {
  it('connects several professional accounts per label, each with its own sealed long-lived token', async () => {
    const account = await artistAccount(stack);
    const first = await connectInstagram(stack, ig, account, 'label_main');
    const second = await connectInstagram(stack, ig, account, 'label_sub');
    expect(first.id).not.toBe(second.id);
    const list = await http.get(`${stack.api.url}/v1/connections`, { headers: account.headers });
    expect(list.data.items.filter((c: { provider: string }) => c.provider === 'instagram')).toHaveLength(2);
    const rows = await stack.db.pool.any(sql.type(z.object({ access: z.string() }))`
      SELECT access_token_enc AS access FROM connections WHERE id IN (${first.id}, ${second.id})`);
    const tokens = [...ig.state.tokens.keys()];
    for (const row of rows) {
      expect(row.access).toMatch(/^enc:v1:/);
      for (const token of tokens) expect(row.access).not.toContain(token);
    }
    expect(ig.state.subscribed.has(first.igUserId)).toBe(true); // webhooks on for the account
  });
});

describe('release-day post', () => {
  it('goes live at the release instant and not before, with its permalink recorded', async () => {
    const { account, connection, campaign, release } = await labelWithCampaign('label_live', { secondsAhead: 6 });
    const created = await schedulePost(stack, account.headers, campaign.id, {
      connectionId: connection.id,
      media: IMAGE,
      caption: `Out now! ${campaign.slug}`,
    });
    expect(created.status).toBe(201);
    const done = await waitForState(account.headers, created.data.id, ['published']);
    const [media] = mediaOf(connection.igUserId);
    // The simulator's own clocks, not a poll that a loaded machine can make late: the container was made ahead of
    // the instant and the media published at or after it.
    const container = ig.state.containers.get(media.containerId);
    expect(container?.createdAt).toBeLessThan(release.at);
    expect(media.publishedAt).toBeGreaterThanOrEqual(release.at);
    expect(done.data.permalink).toBe(media.permalink);
    expect(mediaOf(connection.igUserId)).toHaveLength(1);
  });

  it('follows a reschedule, and is cancelled with its campaign', async () => {
    const moved = await labelWithCampaign('label_moved', { secondsAhead: 5 });
    const post = await schedulePost(stack, moved.account.headers, moved.campaign.id, {
      connectionId: moved.connection.id,
      media: IMAGE,
      caption: 'Moved',
    });
    const later = releaseInSeconds(12);
    const patch = await http.patch(
      `${stack.api.url}/v1/campaigns/${moved.campaign.id}`,
      { releaseDate: later.releaseDate, releaseTime: later.releaseTime, timeZone: 'UTC' },
      { headers: moved.account.headers },
    );
    expect(patch.status).toBe(200);
    await waitForState(moved.account.headers, post.data.id, ['published']);
    expect(mediaOf(moved.connection.igUserId)[0].publishedAt).toBeGreaterThanOrEqual(later.at);

    const cancelled = await labelWithCampaign('label_cancelled', { secondsAhead: 5 });
    const doomed = await schedulePost(stack, cancelled.account.headers, cancelled.campaign.id, {
      connectionId: cancelled.connection.id,
      media: IMAGE,
      caption: 'Never',
    });
    const cancel = await http.post(
      `${stack.api.url}/v1/campaigns/${cancelled.campaign.id}/cancel`,
      {},
      {
        headers: cancelled.account.headers,
      },
    );
    expect(cancel.status).toBe(200);
    await waitForState(cancelled.account.headers, doomed.data.id, ['cancelled']);
    await new Promise((r) => setTimeout(r, 6000)); // past the old instant
    expect(mediaOf(cancelled.connection.igUserId)).toHaveLength(0);
  });

  it('waits for a release that is late, saying so', async () => {
    const liveAt = Date.now() + 9_000;
    const late = await labelWithCampaign('label_late', { secondsAhead: 3, live: liveAt });
    const post = await schedulePost(stack, late.account.headers, late.campaign.id, {
      connectionId: late.connection.id,
      media: IMAGE,
      caption: 'Late',
    });
    const waiting = await waitForState(late.account.headers, post.data.id, ['waiting']);
    expect(waiting.data.waitingReason).toMatch(/not live yet/);
    expect(mediaOf(late.connection.igUserId)).toHaveLength(0);
    await waitForState(late.account.headers, post.data.id, ['published'], 60_000);
    expect(mediaOf(late.connection.igUserId)[0].publishedAt).toBeGreaterThanOrEqual(liveAt);
  });

  it('publishes once when the answer to media_publish is lost (the retry looks first)', async () => {
    const { account, connection, campaign } = await labelWithCampaign('label_lost', { secondsAhead: 4 });
    await http.post(`${ig.url}/__control/faults`, { kind: 'lost-answer', path: '/media_publish' });
    const before = publishCalls().length;
    const post = await schedulePost(stack, account.headers, campaign.id, {
      connectionId: connection.id,
      media: IMAGE,
      caption: 'Once only',
    });
    const done = await waitForState(account.headers, post.data.id, ['published']);
    expect(mediaOf(connection.igUserId)).toHaveLength(1);
    expect(done.data.permalink).toBe(mediaOf(connection.igUserId)[0].permalink);
    expect(publishCalls().length - before).toBeLessThanOrEqual(1);
  });

  it('waits on a spent publishing limit with a visible reason, and shows Instagram words for invalid media', async () => {
    const { account, connection, campaign } = await labelWithCampaign('label_quota', { secondsAhead: 3 });
    try {
      await http.post(`${ig.url}/__control/quota`, { total: 1 });
      const first = await schedulePost(stack, account.headers, campaign.id, {
        connectionId: connection.id,
        media: IMAGE,
        caption: 'one',
      });
      await waitForState(account.headers, first.data.id, ['published']);
      const second = await schedulePost(stack, account.headers, campaign.id, {
        connectionId: connection.id,
        media: IMAGE,
        caption: 'two',
      });
      const waiting = await waitForState(account.headers, second.data.id, ['waiting']);
      expect(waiting.data.waitingReason).toMatch(/publishing limit is reached \(1 of 1/);
      expect(mediaOf(connection.igUserId)).toHaveLength(1);
    } finally {
      await http.post(`${ig.url}/__control/quota`, { total: 50 });
    }
    const png = await schedulePost(stack, account.headers, campaign.id, {
      connectionId: connection.id,
      media: { kind: 'image', imageUrl: 'https://cdn.example/cover.png' },
      caption: 'png',
    });
    const failed = await waitForState(account.headers, png.data.id, ['failed']);
    expect(failed.data.error.message).toMatch(/Only JPEG images are supported/);
  });

  it('refuses bad input and changes nothing', async () => {
    const { account, connection, campaign } = await labelWithCampaign('label_input', { secondsAhead: 3600 });
    const bad = [
      { connectionId: connection.id, media: IMAGE, caption: 'x'.repeat(2201) },
      { connectionId: connection.id, media: IMAGE, caption: Array.from({ length: 31 }, (_, i) => `#t${i}`).join(' ') },
      {
        connectionId: connection.id,
        media: { kind: 'carousel', imageUrls: ['https://cdn.example/a.jpg'] },
        caption: 'c',
      },
      { connectionId: connection.id, media: { kind: 'image', imageUrl: 'http://cdn.example/a.jpg' }, caption: 'c' },
    ];
    for (const body of bad) expect((await schedulePost(stack, account.headers, campaign.id, body)).status).toBe(400);
    const other = await artistAccount(stack);
    const foreign = await connectInstagram(stack, ig, other, 'label_foreign');
    const stolen = await schedulePost(stack, account.headers, campaign.id, {
      connectionId: foreign.id,
      media: IMAGE,
      caption: 'c',
    });
    expect(stolen.status).toBe(404);
    const list = await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/instagram-posts`, {
      headers: account.headers,
    });
    expect(list.data.items).toEqual([]);
  });
});
