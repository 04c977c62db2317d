// The Instagram inbox on the real stack, deliveries signed by the simulator: a forged or unsigned delivery is
// refused and stores nothing; a duplicated one is stored once, sealed, tied to its post and campaign; a keyword
// comment gets exactly one private reply with the smart link; the artist replies, answers privately, writes back
// inside the window and hides; 30 days after arrival a message is gone (the audit keeps its id only); disconnecting
// erases the inbox at once; and no message text, comment text or token is readable in the database, the Temporal
// histories or the API's answers to another account.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { startInstagramAutoReply } from '../../lib/starters/instagram-auto-reply';
import { instagramPostWorkflowId } from '../../lib/starters/instagram-post';
import { instagramInboxRetentionWorkflow } from '../../workflows/instagram-inbox-retention';
import { INSTAGRAM_APP } from '../helpers/ad-simulators';
import { rawHistoryText } from '../helpers/raw-history';
import { connectInstagram, postView, schedulePost, useInstagramStack } from '../helpers/instagram';
import { addRelease, artistAccount, http, nextUpc, postCampaign, waitFor } from '../helpers/release-stack';
import { metaJson, signatureOf } from '../../simulators/instagram';

const { ig, stack } = useInstagramStack();
const WEBHOOK = () => `${stack.api.url}/webhooks/instagram`;

/** A label with a connected account and a published post carrying a keyword rule. */
async function labelWithPublishedPost(user: string) {
  const account = await artistAccount(stack);
  const connection = await connectInstagram(stack, ig, account, user);
  const upc = nextUpc();
  addRelease(stack, upc, Date.now() - 1000);
  const { campaign } = await postCampaign(stack, account, `Single of ${user}`, { upc, secondsAhead: 3 });
  const post = await schedulePost(stack, account.headers, campaign.data.id, {
    connectionId: connection.id,
    media: { kind: 'image', imageUrl: 'https://cdn.example/cover.jpg' },
    caption: 'Comment LINK for the presave',
    keyword: 'link',
    replyText: 'Here it is:',
  });
  const published = await waitFor(
    'published',
    () => postView(stack, account.headers, post.data.id),
    (r) => r.data.state === 'published',
    40_000,
  );
  const mediaId = [...ig.state.media.values()].find((m) => m.ownerId === connection.igUserId)!.id;
  return {
    account,
    connection,
    campaign: campaign.data as { id: string; slug: string },
    post: published.data,
    mediaId,
  };
}

const comment = (accountId: string, mediaId: string, text: string, extra: Record<string, unknown> = {}) =>
  http.post(`${ig.url}/__control/comments`, { accountId, mediaId, text, ...extra });
const inbox = (headers: Record<string, string>, query = '') =>
  http.get(`${stack.api.url}/v1/instagram/inbox${query}`, { headers });
const inboxRows = () =>
  stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM instagram_inbox`);

describe('webhook endpoint', () => {
  it('answers the subscribe handshake only with the verify token', async () => {
    const ok = await http.get(WEBHOOK(), {
      params: { 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': INSTAGRAM_APP.verifyToken },
    });
    expect([ok.status, ok.data]).toEqual([200, 1158201444]);
    const wrong = await http.get(WEBHOOK(), {
      params: { 'hub.mode': 'subscribe', 'hub.challenge': '1', 'hub.verify_token': 'nope' },
    });
    expect(wrong.status).toBe(403);
  });

  it('refuses forged and unsigned deliveries and stores nothing; a duplicated delivery is stored once', async () => {
    const { account, connection, mediaId } = await labelWithPublishedPost('label_signed');
    const before = await inboxRows();
    const forged = await comment(connection.igUserId, mediaId, 'forged', { secret: 'not-the-app-secret' });
    expect(forged.data.statuses).toEqual([401]);
    const body = metaJson({ object: 'instagram', entry: [{ id: connection.igUserId, time: 1, changes: [] }] });
    const unsigned = await http.post(WEBHOOK(), body, { headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    const tampered = await http.post(WEBHOOK(), body.replace('"time":1', '"time":2'), {
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signatureOf(INSTAGRAM_APP.appSecret, body),
      },
    });
    expect(tampered.status).toBe(401);
    expect(await inboxRows()).toBe(before);

    const twice = await comment(connection.igUserId, mediaId, 'so good ünïcode', { times: 2 });
    expect(twice.data.statuses).toEqual([200, 200]);
    const items = (await inbox(account.headers, '?kind=comment')).data.items as { text: string; postId: string }[];
    expect(items.filter((i) => i.text === 'so good ünïcode')).toHaveLength(1);
  });
});

describe('tenants', () => {
  it("answers 404 to every Instagram route called with another account's ids, and changes nothing", async () => {
    const a = await labelWithPublishedPost('label_tenant_a');
    await comment(a.connection.igUserId, a.mediaId, 'for A only');
    const [item] = (await inbox(a.account.headers)).data.items as { id: string }[];
    const b = await artistAccount(stack);
    const bConnection = await connectInstagram(stack, ig, b, 'label_tenant_b');
    const ids: Record<string, string> = { campaigns: a.campaign.id, 'instagram-posts': a.post.id, inbox: item.id };
    const bodies: Record<string, unknown> = {
      'instagram-posts': {
        connectionId: bConnection.id,
        media: { kind: 'image', imageUrl: 'https://cdn.example/b.jpg' },
        caption: 'B steals',
      },
      reply: { text: 'x' },
      'private-reply': { text: 'x' },
      message: { text: 'x' },
      hide: { hidden: true },
    };
    const doc = (await http.get(`${stack.api.url}/openapi.json`)).data as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(doc.paths)
      .filter(([path]) => path.includes('instagram') && path.includes('{id}'))
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method, path })));
    expect(routes.length).toBeGreaterThanOrEqual(9);
    const before = JSON.stringify((await inbox(a.account.headers)).data);
    for (const { method, path } of routes) {
      const segments = path.split('/');
      const collection = segments[segments.indexOf('{id}') - 1];
      const url = `${stack.api.url}${path.replace('{id}', ids[collection])}`;
      const res = await http.request({ method, url, headers: b.headers, data: bodies[segments.at(-1)!] ?? {} });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
    }
    expect(JSON.stringify((await inbox(a.account.headers)).data)).toBe(before);
    expect((await postView(stack, a.account.headers, a.post.id)).data.state).toBe('published');
    expect((await inbox(b.headers)).data.items).toEqual([]);
  });
});

describe('inbox', () => {
  it('a keyword comment gets exactly one private reply with the smart link, even delivered twice', async () => {
    const { account, connection, campaign, post, mediaId } = await labelWithPublishedPost('label_keyword');
    const c = await comment(connection.igUserId, mediaId, 'LINK please!', { times: 2 });
    const sent = await waitFor(
      'the private reply',
      async () => ig.state.sent.filter((m) => m.recipient.comment_id === c.data.id),
      (s) => s.length >= 1,
      30_000,
    );
    await new Promise((r) => setTimeout(r, 2000)); // a second one would have come by now
    expect(ig.state.sent.filter((m) => m.recipient.comment_id === c.data.id)).toHaveLength(1);
    expect(sent[0].text).toBe(`Here it is: ${stack.config.PUBLIC_URL}/l/${campaign.slug}`);
    const [item] = (await inbox(account.headers, `?postId=${post.id}`)).data.items;
    expect(item).toMatchObject({ campaignId: campaign.id, postId: post.id, text: 'LINK please!' });
    expect(item.privateRepliedAt).not.toBeNull();
    // and a start for the same comment again sends nothing more
    await startInstagramAutoReply(stack.temporal.client, stack.config.TEMPORAL_TASK_QUEUE, {
      inboxId: item.id,
      connectionId: connection.id,
      accountId: 'x',
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(ig.state.sent.filter((m) => m.recipient.comment_id === c.data.id)).toHaveLength(1);
    const none = await comment(connection.igUserId, mediaId, 'no keyword here');
    await new Promise((r) => setTimeout(r, 1500));
    expect(ig.state.sent.filter((m) => m.recipient.comment_id === none.data.id)).toHaveLength(0);
    // the account's own comment is not stored (no reply loops)
    await comment(connection.igUserId, mediaId, 'own link', {
      from: { id: connection.igUserId, username: 'label_keyword' },
    });
    expect((await inbox(account.headers)).data.items.map((i: { text: string }) => i.text)).not.toContain('own link');
    const counts = await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/instagram-counts`, {
      headers: account.headers,
    });
    expect(counts.data.items).toEqual(
      expect.arrayContaining([
        { postId: post.id, kind: 'comment', count: 2 },
        { postId: post.id, kind: 'private_reply', count: 1 },
      ]),
    );
  });

  it('replies, answers privately once, writes back inside the window, hides; other accounts see nothing', async () => {
    const { account, connection, mediaId } = await labelWithPublishedPost('label_answers');
    const c = await comment(connection.igUserId, mediaId, 'love it');
    await http.post(`${ig.url}/__control/messages`, {
      accountId: connection.igUserId,
      senderId: 'igsid-fan-1',
      text: 'when is the tour?',
    });
    const items = (await inbox(account.headers)).data.items as { id: string; kind: string }[];
    const commentItem = items.find((i) => i.kind === 'comment')!;
    const messageItem = items.find((i) => i.kind === 'message')!;
    const act = (id: string, what: string, body: unknown, headers = account.headers) =>
      http.post(`${stack.api.url}/v1/instagram/inbox/${id}/${what}`, body, { headers });

    const other = await artistAccount(stack);
    for (const [what, body] of [
      ['reply', { text: 'x' }],
      ['private-reply', { text: 'x' }],
      ['hide', { hidden: true }],
    ] as const)
      expect((await act(commentItem.id, what, body, other.headers)).status).toBe(404);
    expect((await inbox(other.headers)).data.items).toEqual([]);

    expect((await act(commentItem.id, 'reply', { text: 'thank you!' })).status).toBe(200);
    expect((await act(commentItem.id, 'private-reply', { text: 'a secret' })).status).toBe(200);
    const again = await act(commentItem.id, 'private-reply', { text: 'another' });
    expect([again.status, again.data.error.code]).toEqual([409, 'already_replied']);
    expect((await act(messageItem.id, 'message', { text: 'in May!' })).status).toBe(200);
    expect((await act(commentItem.id, 'hide', { hidden: true })).status).toBe(200);
    expect((await act(commentItem.id, 'message', { text: 'wrong kind' })).status).toBe(409);
    expect((await act(commentItem.id, 'reply', { text: '' })).status).toBe(400);
    const state = (await http.get(`${ig.url}/__control/state`)).data as {
      hidden: string[];
      replies: { text: string }[];
    };
    expect(state.hidden).toContain(c.data.id);
    expect(state.replies.map((r) => r.text)).toContain('thank you!');
    expect(ig.state.sent.map((m) => m.text)).toEqual(expect.arrayContaining(['a secret', 'in May!']));
  });

  it('forgets a message 30 days after arrival (the audit keeps its id only), and the inbox at once on disconnect', async () => {
    const { account, connection } = await labelWithPublishedPost('label_forget');
    await http.post(`${ig.url}/__control/messages`, {
      accountId: connection.igUserId,
      senderId: 'igsid-old',
      text: 'an old secret',
    });
    await http.post(`${ig.url}/__control/messages`, {
      accountId: connection.igUserId,
      senderId: 'igsid-new',
      text: 'a new one',
    });
    const [newest, oldest] = (await inbox(account.headers, '?kind=message')).data.items as { id: string }[];
    // arrival moved back 31 days (the only way to be 30 days old in a test)
    await stack.db.pool.query(
      sql.unsafe`UPDATE instagram_inbox SET received_at = now() - interval '31 days' WHERE id = ${oldest.id}`,
    );
    await stack.temporal.client.workflow.execute(instagramInboxRetentionWorkflow, {
      workflowId: `test-instagram-retention-${Date.now()}`,
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
    });
    const left = (await inbox(account.headers, '?kind=message')).data.items as { id: string }[];
    expect(left.map((i) => i.id)).toEqual([newest.id]);
    const audit = await stack.db.pool.any(sql.type(z.object({ action: z.string(), target: z.string() }))`
      SELECT action, target FROM audit_log WHERE target = ${`instagram_inbox:${oldest.id}`}`);
    expect(audit).toEqual([{ action: 'instagram_inbox_expired', target: `instagram_inbox:${oldest.id}` }]);
    expect(JSON.stringify(audit)).not.toContain('secret');

    const gone = await http.delete(`${stack.api.url}/v1/connections/${connection.id}`, { headers: account.headers });
    expect(gone.status).toBe(200);
    expect((await inbox(account.headers)).data.items).toEqual([]); // at once, not when the workflow gets to it
    const rows = await stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM instagram_inbox WHERE connection_id = ${connection.id}`);
    expect(rows).toBe(0);
    await waitFor(
      'webhooks off',
      async () => ig.state.subscribed.has(connection.igUserId),
      (on) => !on,
      20_000,
    );
  });

  it('keeps no message text, comment text or token in the clear in the database or the Temporal histories', async () => {
    const { connection, mediaId, post } = await labelWithPublishedPost('label_sealed');
    const secrets = ['MARKER-comment-text link', 'MARKER-message-text'];
    const c = await comment(connection.igUserId, mediaId, secrets[0], {
      from: { id: 'igsid-MARKER', username: 'MARKERfan' },
    });
    await http.post(`${ig.url}/__control/messages`, {
      accountId: connection.igUserId,
      senderId: 'igsid-MARKER2',
      text: secrets[1],
    });
    await waitFor(
      'private reply',
      async () => ig.state.sent.filter((m) => m.recipient.comment_id === c.data.id),
      (s) => s.length === 1,
      30_000,
    );
    const tables = await stack.db.pool.anyFirst(sql.type(z.object({ t: z.string() }))`
      SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`);
    let dump = '';
    for (const t of tables)
      dump += JSON.stringify(
        await stack.db.pool.any(sql.unsafe`SELECT * FROM ${sql.identifier([t])}`),
        (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v),
      );
    const histories = [await rawHistoryText(stack.temporal.client, instagramPostWorkflowId(post.id))];
    const { executions } = {
      executions: stack.temporal.client.workflow.list({ query: `WorkflowType = 'instagramAutoReplyWorkflow'` }),
    };
    for await (const execution of executions)
      histories.push(await rawHistoryText(stack.temporal.client, execution.workflowId));
    expect(histories.length).toBeGreaterThan(1);
    const tokens = [...ig.state.tokens.keys()];
    for (const secret of [...secrets, 'MARKERfan', 'igsid-MARKER', ...tokens]) {
      expect(dump).not.toContain(secret);
      for (const h of histories) expect(h).not.toContain(secret);
    }
  });
});
