// Comments and messages: list a media's comments (hidden ones left out), reply to a top-level comment, hide one,
// send a direct message inside the 24 h window after the person's last message (else 10/2534022), and send one
// private reply per comment within 7 days of it. Also /me and the per-account webhook subscription
// (`/me/subscribed_apps`). Facts: docs/providers/instagram.md.
import { type Router } from 'express';
import { graphErrorBody } from '../meta/graph-http';
import { callerOf, ownAccount } from './graph-auth';
import { DAY_MS, type InstagramSimState } from './state';

const MAX_MESSAGE_BYTES = 1000;

export function mountEngagement(graph: Router, state: InstagramSimState): void {
  graph.get('/me', (req, res) => {
    const caller = callerOf(state, req, res);
    if (!caller) return;
    const account = state.accountById(caller.userId)!;
    res.json({ id: `app-${account.userId}`, user_id: account.userId, username: account.username });
  });

  graph.post('/:igId/subscribed_apps', (req, res) => {
    const caller = callerOf(state, req, res);
    if (!caller || !ownAccount(caller, req.params.igId, res)) return;
    state.subscribed.add(caller.userId);
    res.json({ success: true });
  });
  graph.delete('/:igId/subscribed_apps', (req, res) => {
    const caller = callerOf(state, req, res);
    if (!caller || !ownAccount(caller, req.params.igId, res)) return;
    state.subscribed.delete(caller.userId);
    state.unsubscribed.push({ userId: caller.userId, at: state.now() });
    res.json({ success: true });
  });

  graph.get('/:mediaId/comments', (req, res) => {
    const caller = callerOf(state, req, res);
    if (!caller) return;
    const data = [...state.comments.values()]
      .filter((c) => c.mediaId === req.params.mediaId && c.ownerId === caller.userId && !c.hidden && !c.parentId)
      .map((c) => ({
        id: c.id,
        text: c.text,
        timestamp: new Date(c.timestamp).toISOString(),
        username: c.from.username,
        from: c.from,
        hidden: c.hidden,
      }));
    res.json({ data, paging: { cursors: { before: 'MA==', after: 'MA==' } } });
  });

  graph.post('/:commentId/replies', (req, res) => {
    const caller = callerOf(state, req, res);
    if (!caller) return;
    const parent = state.comments.get(req.params.commentId);
    const message = String(req.query.message ?? (req.body as Record<string, string>).message ?? '');
    if (!parent || parent.ownerId !== caller.userId)
      return res.status(400).json(graphErrorBody(100, 'Invalid parameter', { error_subcode: 33 }));
    if (!message) return res.status(400).json(graphErrorBody(100, 'The parameter message is required'));
    if (parent.hidden) return res.status(400).json(graphErrorBody(100, 'Cannot reply to a hidden comment'));
    const top = parent.parentId ? state.comments.get(parent.parentId)! : parent; // a reply to a reply lands on the top
    const account = state.accountById(caller.userId)!;
    const id = state.nextId();
    state.comments.set(id, {
      id,
      mediaId: top.mediaId,
      ownerId: caller.userId,
      from: { id: account.userId, username: account.username },
      text: message,
      timestamp: state.now(),
      hidden: false,
      parentId: top.id,
    });
    res.json({ id });
  });

  graph.post('/:commentId', (req, res, next) => {
    const comment = state.comments.get(req.params.commentId);
    const hide = req.query.hide ?? (req.body as Record<string, string>).hide;
    if (!comment || hide === undefined) return next();
    const caller = callerOf(state, req, res);
    if (!caller) return;
    if (comment.ownerId !== caller.userId)
      return res.status(400).json(graphErrorBody(100, 'Invalid parameter', { error_subcode: 33 }));
    comment.hidden = comment.from.id === caller.userId ? false : hide === 'true'; // the owner's own stay visible
    res.json({ success: true });
  });

  graph.post('/:igId/messages', (req, res) => {
    const caller = callerOf(state, req, res);
    if (!caller || !ownAccount(caller, req.params.igId, res)) return;
    const body = req.body as Record<string, string>;
    let recipient: { id?: string; comment_id?: string };
    let text: string;
    try {
      recipient = JSON.parse(body.recipient ?? '{}') as typeof recipient;
      text = String((JSON.parse(body.message ?? '{}') as { text?: unknown }).text ?? '');
    } catch {
      return res.status(400).json(graphErrorBody(100, 'Invalid parameter'));
    }
    if (!text || Buffer.byteLength(text) > MAX_MESSAGE_BYTES)
      return res.status(400).json(graphErrorBody(100, 'Message text is required and at most 1000 bytes'));
    if (recipient.comment_id) {
      const comment = state.comments.get(recipient.comment_id);
      if (!comment || comment.ownerId !== caller.userId)
        return res.status(400).json(graphErrorBody(100, 'Invalid parameter', { error_subcode: 2534014 }));
      if (state.now() - comment.timestamp > 7 * DAY_MS)
        return res
          .status(400)
          .json(graphErrorBody(10, 'This message is sent outside of allowed window.', { error_subcode: 2534022 }));
      if (state.privateReplied.has(comment.id))
        return res
          .status(400)
          .json(graphErrorBody(10, 'A private reply was already sent for this comment', { error_subcode: 2534023 }));
      state.privateReplied.add(comment.id);
    } else {
      const last = state.lastInbound.get(`${caller.userId}:${recipient.id ?? ''}`);
      if (last === undefined)
        return res.status(400).json(graphErrorBody(100, 'No matching user found', { error_subcode: 2534014 }));
      if (state.now() - last > DAY_MS)
        return res
          .status(400)
          .json(graphErrorBody(10, 'This message is sent outside of allowed window.', { error_subcode: 2534022 }));
    }
    const messageId = `aWdfZAG1f${state.nextId()}`;
    state.sent.push({ accountId: caller.userId, recipient, text, messageId, at: state.now() });
    res.json({ recipient_id: recipient.id ?? `igsid-of-${recipient.comment_id}`, message_id: messageId });
  });
}
