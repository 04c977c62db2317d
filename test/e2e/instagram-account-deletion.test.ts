// Deleting a dropday account turns its Instagram side off: the inbox of comments and messages is gone at once (in
// the request, before the workflow gets there), every connected professional account's webhooks are unsubscribed at
// Instagram (the simulator records it, and delivers nothing more), the accounts' post and token workflows go with
// the account, and the audit keeps ids and counts only. Another label's account stays as it was.
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { connectInstagram, postView, schedulePost, useInstagramStack } from '../helpers/instagram';
import { addRelease, artistAccount, http, nextUpc, postCampaign, waitFor } from '../helpers/release-stack';

const { ig, stack } = useInstagramStack();

const count = (query: ReturnType<typeof sql.unsafe>) =>
  stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT (${query})::int AS n`);

async function labelWithInbox(user: string) {
  const account = await artistAccount(stack);
  const connection = await connectInstagram(stack, ig, account, user);
  const upc = nextUpc();
  addRelease(stack, upc, Date.now() - 1000);
  const { campaign } = await postCampaign(stack, account, `Single of ${user}`, { upc, secondsAhead: 3 });
  const post = await schedulePost(stack, account.headers, campaign.data.id, {
    connectionId: connection.id,
    media: { kind: 'image', imageUrl: 'https://cdn.example/cover.jpg' },
    caption: `New from ${user}`,
  });
  await waitFor(
    'published',
    () => postView(stack, account.headers, post.data.id),
    (r) => r.data.state === 'published',
    40_000,
  );
  const mediaId = [...ig.state.media.values()].find((m) => m.ownerId === connection.igUserId)!.id;
  await http.post(`${ig.url}/__control/comments`, { accountId: connection.igUserId, mediaId, text: `hi ${user}` });
  await http.post(`${ig.url}/__control/messages`, {
    accountId: connection.igUserId,
    senderId: `igsid-${user}`,
    text: `a message for ${user}`,
  });
  const accountId = await stack.db.pool.oneFirst(sql.type(z.object({ id: z.string() }))`
    SELECT account_id AS id FROM connections WHERE id = ${connection.id}`);
  return { account, accountId, connection, mediaId, postId: post.data.id as string };
}

describe('deleting an account with Instagram connected', () => {
  it('erases the inbox at once, unsubscribes the webhooks at Instagram, and leaves other labels alone', async () => {
    const leaving = await labelWithInbox('label_leaving');
    const staying = await labelWithInbox('label_staying');
    const inboxOf = (accountId: string) =>
      count(sql.unsafe`SELECT count(*) FROM instagram_inbox WHERE account_id = ${accountId}`);
    expect(await inboxOf(leaving.accountId)).toBe(2);
    expect(ig.state.subscribed.has(leaving.connection.igUserId)).toBe(true);

    const res = await http.delete(`${stack.api.url}/v1/accounts/me`, { headers: leaving.account.headers });
    expect(res.status).toBe(202);
    expect(await inboxOf(leaving.accountId)).toBe(0); // at once: before the workflow's answer

    const result = await stack.temporal.client.workflow.getHandle(res.data.workflowId).result();
    expect(result).toMatchObject({ instagramWebhooksStopped: 1 });
    expect(ig.state.subscribed.has(leaving.connection.igUserId)).toBe(false);
    expect(ig.state.unsubscribed.map((u) => u.userId)).toContain(leaving.connection.igUserId);

    // Instagram delivers nothing more for it; nothing is stored for an account that is gone.
    const late = await http.post(`${ig.url}/__control/comments`, {
      accountId: leaving.connection.igUserId,
      mediaId: leaving.mediaId,
      text: 'too late',
    });
    expect(late.data.statuses).toEqual([]);
    expect(await inboxOf(leaving.accountId)).toBe(0);

    // Its post and token workflows went with it: closed at once, their histories deleted by the server
    // asynchronously (its own system workflow, which can lag behind a loaded machine by tens of seconds).
    const stateOf = (id: string) =>
      stack.temporal.client.workflow
        .getHandle(id)
        .describe()
        .then(
          (d) => d.status.name,
          (e: unknown) => (e instanceof WorkflowNotFoundError ? 'gone' : String(e)),
        );
    for (const id of [`instagram-post:${leaving.postId}`, `connection:${leaving.connection.id}`]) {
      await waitFor(
        `${id} closed`,
        () => stateOf(id),
        (s) => s !== 'RUNNING',
        30_000,
      );
      await waitFor(
        `${id} deleted`,
        () => stateOf(id),
        (s) => s === 'gone',
        120_000,
      );
    }

    const audit = await stack.db.pool.anyFirst(sql.type(z.object({ line: z.string() }))`
      SELECT action || ' ' || target AS line FROM audit_log
      WHERE target LIKE ${`%${leaving.accountId}%`} OR target LIKE ${`%${leaving.connection.id}%`} ORDER BY id`);
    expect(audit).toEqual([
      `instagram_inbox_erased account:${leaving.accountId} items:2`,
      `instagram_webhooks_stopped connection:${leaving.connection.id}`,
      expect.stringMatching(new RegExp(`^account_deleted account:${leaving.accountId} `)),
    ]);
    expect(audit.join(' ')).not.toMatch(/label_leaving|hi |message for/);

    // The other label: inbox, webhooks and post untouched.
    expect(await inboxOf(staying.accountId)).toBe(2);
    expect(ig.state.subscribed.has(staying.connection.igUserId)).toBe(true);
    expect((await postView(stack, staying.account.headers, staying.postId)).data.state).toBe('published');
  }, 300_000); // the histories' deletion may lag (above)
});
