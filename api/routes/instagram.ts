// Instagram for labels, behind the API key (docs/instagram.md): release-day posts of a campaign, the inbox of
// comments and messages (list and filter, reply, private reply, direct message, hide), and the counts that outlive
// the inbox. Connecting an account is POST /v1/connections/instagram (./connections.ts); the webhook that fills the
// inbox is ./instagram-webhooks.ts.
import { Router } from 'express';
import { findCampaign } from '../../db/campaigns';
import { engagementCounts, listInbox } from '../../db/instagram-inbox';
import { findInstagramPostOfAccount, listInstagramPosts } from '../../db/instagram-posts';
import { instagramPostWorkflowId } from '../../lib/starters/instagram-post';
import { auth } from '../auth';
import { type AppDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { createInboxActions } from '../instagram-inbox-actions';
import { cancelOwnInstagramPost, presentInstagramPost, scheduleInstagramPost } from '../instagram-posts';
import {
  createInstagramPostBody,
  instagramHideBody,
  instagramInboxQuery,
  instagramTextBody,
  uuidParam,
} from '../schemas';
import { parseBody, parseParams, parseQuery } from '../validation';

const cursorOf = (item: { receivedAt: number; id: string }) =>
  Buffer.from(`${item.receivedAt}:${item.id}`).toString('base64url');
function readCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  const m = /^(\d{1,15}):([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ApiError(400, 'invalid_cursor', 'cursor is not one this API gave');
  return { receivedAt: Number(m[1]), id: m[2] };
}

export function instagramRoutes(deps: AppDeps): Router {
  const { pool, keyRing } = deps;
  const router = Router();
  const inbox = createInboxActions(deps);

  const ownCampaign = async (accountId: string, id: string) => {
    const campaign = await findCampaign(pool, accountId, id);
    if (!campaign) throw notFound('campaign');
    return campaign;
  };

  router.post('/v1/campaigns/:id/instagram-posts', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const body = parseBody(createInstagramPostBody, req);
    const post = await scheduleInstagramPost(deps, auth(res).accountId, id, body);
    res.status(201).json(presentInstagramPost(post));
  });

  router.get('/v1/campaigns/:id/instagram-posts', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const { accountId } = auth(res);
    await ownCampaign(accountId, id);
    res.json({ items: (await listInstagramPosts(pool, accountId, id)).map(presentInstagramPost) });
  });

  router.get('/v1/instagram-posts/:id', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const post = await findInstagramPostOfAccount(pool, auth(res).accountId, id);
    if (!post) throw notFound('instagram post');
    res.json({ ...presentInstagramPost(post), workflowId: instagramPostWorkflowId(post.id) });
  });

  router.post('/v1/instagram-posts/:id/cancel', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    await cancelOwnInstagramPost(deps, auth(res).accountId, id);
    res.status(202).json({ id, state: 'cancelling' });
  });

  router.get('/v1/campaigns/:id/instagram-counts', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const { accountId } = auth(res);
    await ownCampaign(accountId, id);
    res.json({ items: await engagementCounts(pool, accountId, id) });
  });

  router.get('/v1/instagram/inbox', async (req, res) => {
    const q = parseQuery(instagramInboxQuery, req);
    const items = await listInbox(pool, keyRing, auth(res).accountId, { ...q, before: readCursor(q.cursor) });
    res.json({
      items: items.map((i) => ({
        id: i.id,
        kind: i.kind,
        connectionId: i.connectionId,
        campaignId: i.campaignId,
        postId: i.postId,
        from: { id: i.senderId, username: i.username },
        text: i.text,
        sentAt: new Date(i.sentAt).toISOString(),
        receivedAt: new Date(i.receivedAt).toISOString(),
        hidden: i.hidden,
        repliedAt: i.repliedAt === null ? null : new Date(i.repliedAt).toISOString(),
        privateRepliedAt: i.privateRepliedAt === null ? null : new Date(i.privateRepliedAt).toISOString(),
      })),
      nextCursor: items.length === q.limit ? cursorOf(items[items.length - 1]) : null,
    });
  });

  const answer = (path: string, run: (accountId: string, id: string, text: string) => Promise<void>) =>
    router.post(`/v1/instagram/inbox/:id/${path}`, async (req, res) => {
      const { id } = parseParams(uuidParam, req);
      const { text } = parseBody(instagramTextBody, req);
      await run(auth(res).accountId, id, text);
      res.json({ id, sent: true });
    });
  answer('reply', inbox.reply);
  answer('private-reply', inbox.privateReply);
  answer('message', inbox.message);

  router.post('/v1/instagram/inbox/:id/hide', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const { hidden } = parseBody(instagramHideBody, req);
    await inbox.hide(auth(res).accountId, id, hidden);
    res.json({ id, hidden });
  });

  return router;
}
