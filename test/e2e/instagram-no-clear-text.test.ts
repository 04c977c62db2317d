// No clear text of the inbox leaves the encrypted paths. The whole inbox path runs on the real stack — connect
// (code exchange, long-lived token, a refresh), a webhook comment and message, the artist's reply, private reply and
// message (one of them refused by Instagram), a keyword comment answered automatically (after a throttled first
// try) — while every line the API and the worker log is captured (our logger, and the Temporal SDK's runtime logger
// through it, at debug). Then no message text, comment text, access token or app secret may appear in those lines,
// in a text read of every table (every row cast to text, as pg_dump would write it), or in the raw history events
// of the file's workflows (read from the server without the codec, every payload's bytes read as text).
import { Writable } from 'node:stream';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { createLogger } from '../../lib/logger';
import { sdkLogger } from '../../lib/temporal/sdk-logger';
import { LONG_TOKEN_SECONDS } from '../../simulators/instagram/state';
import { rawHistoryText } from '../helpers/raw-history';
import { connectInstagram, postView, schedulePost, useInstagramStack } from '../helpers/instagram';
import { addRelease, artistAccount, http, nextUpc, postCampaign, waitFor } from '../helpers/release-stack';

const APP_SECRET = 'MARKER-app-secret-5b1f0c2e';
const lines: string[] = [];
const logger = createLogger({
  level: 'debug',
  name: 'captured',
  destination: new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  }),
});
const { ig, stack } = useInstagramStack({
  appSecret: APP_SECRET,
  // The first refresh a few seconds after connecting (the long-lived token lasts LONG_TOKEN_SECONDS).
  env: { CONNECTION_REFRESH_MARGIN_SECONDS: String(LONG_TOKEN_SECONDS - 4) },
  logging: { logger, runtimeLogger: sdkLogger(logger, 'debug') },
});
const consoleLines: string[] = [];
beforeAll(() => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleLines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    });
});
afterAll(() => jest.restoreAllMocks());

async function databaseText(): Promise<string> {
  const tables = await stack.db.pool.anyFirst(sql.type(z.object({ t: z.string() }))`
    SELECT table_name AS t FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`);
  let dump = '';
  for (const t of tables)
    dump += (
      await stack.db.pool.anyFirst(sql.type(z.object({ row: z.string() }))`
        SELECT r::text AS row FROM ${sql.identifier([t])} r`)
    ).join('\n');
  return dump;
}

describe('the inbox path in clear text', () => {
  it('writes no message text, comment text, token or app secret to the logs, the database or the histories', async () => {
    const account = await artistAccount(stack);
    const connection = await connectInstagram(stack, ig, account, 'label_cleartext');
    // Instagram refreshes only tokens a day old: the simulator's clock moves a day on, the workflow refreshes.
    const longLived = () => [...ig.state.tokens.values()].filter((t) => t.longLived).length;
    await http.post(`${ig.url}/__control/clock`, { advanceMs: 25 * 3_600_000 });
    await waitFor(
      'a refreshed token',
      async () => longLived(),
      (n) => n >= 2,
      30_000,
    );
    await http.post(`${ig.url}/__control/clock`, { advanceMs: -25 * 3_600_000 });

    const upc = nextUpc();
    addRelease(stack, upc, Date.now() - 1000);
    const { campaign } = await postCampaign(stack, account, 'Single in clear', { upc, secondsAhead: 3 });
    const post = await schedulePost(stack, account.headers, campaign.data.id, {
      connectionId: connection.id,
      media: { kind: 'image', imageUrl: 'https://cdn.example/cover.jpg' },
      caption: 'Comment LINK for the pre-save',
      keyword: 'link',
      replyText: 'Here it is:',
    });
    await waitFor(
      'published',
      () => postView(stack, account.headers, post.data.id),
      (r) => r.data.state === 'published',
      40_000,
    );
    const mediaId = [...ig.state.media.values()].find((m) => m.ownerId === connection.igUserId)!.id;

    const secrets = {
      comment: 'MARKER-comment-body-4411',
      keywordComment: 'MARKER-keyword-comment link please',
      message: 'MARKER-message-body-9027',
      reply: 'MARKER-public-reply-3310',
      privateReply: 'MARKER-private-reply-6620',
      answer: 'MARKER-direct-answer-7781',
      refused: 'MARKER-refused-reply-1207',
      username: 'MARKERfanname',
    };
    const comment = await http.post(`${ig.url}/__control/comments`, {
      accountId: connection.igUserId,
      mediaId,
      text: secrets.comment,
      from: { id: 'igsid-marker-1', username: secrets.username },
    });
    await http.post(`${ig.url}/__control/messages`, {
      accountId: connection.igUserId,
      senderId: 'igsid-marker-2',
      text: secrets.message,
    });
    // The keyword reply's first try is throttled by Instagram (logged by the worker), the retry sends it.
    await http.post(`${ig.url}/__control/faults`, {
      kind: 'graph',
      path: '/messages',
      status: 400,
      code: -1,
      isTransient: true,
      message: 'An unexpected error has occurred. Please retry your request later.',
    });
    const keyword = await http.post(`${ig.url}/__control/comments`, {
      accountId: connection.igUserId,
      mediaId,
      text: secrets.keywordComment,
    });
    await waitFor(
      'the keyword private reply',
      async () => ig.state.sent.filter((m) => m.recipient.comment_id === keyword.data.id),
      (sent) => sent.length === 1,
      40_000,
    );

    const items = (await http.get(`${stack.api.url}/v1/instagram/inbox`, { headers: account.headers })).data.items as {
      id: string;
      kind: string;
      text: string;
    }[];
    const commentItem = items.find((i) => i.text === secrets.comment)!;
    const messageItem = items.find((i) => i.text === secrets.message)!;
    const act = (id: string, what: string, text: string) =>
      http.post(`${stack.api.url}/v1/instagram/inbox/${id}/${what}`, { text }, { headers: account.headers });
    expect((await act(commentItem.id, 'reply', secrets.reply)).status).toBe(200);
    expect((await act(commentItem.id, 'private-reply', secrets.privateReply)).status).toBe(200);
    expect((await act(messageItem.id, 'message', secrets.answer)).status).toBe(200);
    await http.post(`${ig.url}/__control/faults`, {
      kind: 'graph',
      path: '/messages',
      status: 400,
      code: 100,
      message: 'Invalid parameter',
      userMessage: 'The message could not be sent.',
    });
    expect((await act(messageItem.id, 'message', secrets.refused)).status).toBe(422);
    expect(comment.status).toBe(200);

    const tokens = [...ig.state.tokens.keys()];
    expect(tokens.length).toBeGreaterThanOrEqual(3); // short-lived, long-lived, refreshed
    const forbidden = [...Object.values(secrets), ...tokens, APP_SECRET];

    // The capture saw the path: the API's request lines and the worker's, the refused first try among them.
    const logText = [...lines, ...consoleLines].join('\n');
    expect(logText).toContain('/webhooks/instagram');
    expect(logText).toContain('/v1/instagram/inbox/');
    expect(logText).toContain('sendKeywordPrivateReply');
    for (const secret of forbidden)
      expect({ where: 'logs', secret, found: logText.includes(secret) }).toMatchObject({ found: false });

    const dump = await databaseText();
    expect(dump).toContain(connection.id); // the read sees the rows
    for (const secret of forbidden)
      expect({ where: 'database', secret, found: dump.includes(secret) }).toMatchObject({ found: false });

    const histories: string[] = [];
    const types = new Set<string>();
    for await (const execution of stack.temporal.client.workflow.list({
      query: `TaskQueue = '${stack.config.TEMPORAL_TASK_QUEUE}'`,
    })) {
      types.add(execution.type);
      histories.push(await rawHistoryText(stack.temporal.client, execution.workflowId));
    }
    expect([...types]).toEqual(
      expect.arrayContaining(['connectionTokenWorkflow', 'instagramPostWorkflow', 'instagramAutoReplyWorkflow']),
    );
    const historyAll = histories.join('\n');
    expect(historyAll).toContain('binary/encrypted'); // payloads are there, sealed
    for (const secret of forbidden)
      expect({ where: 'histories', secret, found: historyAll.includes(secret) }).toMatchObject({ found: false });
  });
});
