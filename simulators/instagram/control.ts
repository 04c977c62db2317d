// The simulator's control endpoints (/__control/*), for tests and the sandbox: register the webhook callback (with
// Meta's verification call), make a fan comment or write (delivered signed, `times` times, or signed with a wrong
// secret), queue faults, move the clock, revoke an account's grant, set the publishing quota, read what happened.
import express, { type Express } from 'express';
import { type InstagramFault, type InstagramFaults } from './faults';
import { type InstagramSimState } from './state';
import { type WebhookSender } from './webhooks';

export function mountControl(app: Express, state: InstagramSimState, faults: InstagramFaults, webhooks: WebhookSender) {
  const control = express.Router();
  control.use(express.json());

  control.post('/webhook', async (req, res) => {
    const { callbackUrl, verifyToken } = req.body as { callbackUrl: string; verifyToken: string };
    res.json(await webhooks.register({ callbackUrl, verifyToken }));
  });

  control.post('/accounts/:username', (req, res) => res.json(state.account(req.params.username)));

  control.post('/comments', async (req, res) => {
    const b = req.body as {
      accountId: string;
      mediaId: string;
      text: string;
      from?: { id: string; username: string };
      parentId?: string;
      times?: number;
      secret?: string;
    };
    const id = state.nextId();
    const comment = {
      id,
      mediaId: b.mediaId,
      ownerId: b.accountId,
      from: b.from ?? { id: `igsid-${state.nextId()}`, username: 'a_fan' },
      text: b.text,
      timestamp: state.now(),
      hidden: false,
      parentId: b.parentId ?? null,
    };
    state.comments.set(id, comment);
    const statuses = await webhooks.deliver(b.accountId, webhooks.commentPayload(comment), b);
    res.json({ id, from: comment.from, statuses });
  });

  control.post('/messages', async (req, res) => {
    const b = req.body as { accountId: string; senderId: string; text: string; times?: number; secret?: string };
    const timestamp = state.now();
    state.lastInbound.set(`${b.accountId}:${b.senderId}`, timestamp);
    const mid = `aWdfZAG1${state.nextId()}`;
    const payload = webhooks.messagePayload({
      accountId: b.accountId,
      senderId: b.senderId,
      mid,
      text: b.text,
      timestamp,
    });
    res.json({ mid, statuses: await webhooks.deliver(b.accountId, payload, b) });
  });

  control.post('/faults', (req, res) => {
    faults.add(req.body as InstagramFault);
    res.status(201).json({ queued: true });
  });
  control.delete('/faults', (_req, res) => {
    faults.clear();
    res.json({ cleared: true });
  });
  control.post('/clock', (req, res) => {
    state.offsetMs += Number((req.body as { advanceMs?: number }).advanceMs ?? 0);
    res.json({ now: state.now() });
  });
  control.post('/quota', (req, res) => {
    state.quotaTotal = Number((req.body as { total: number }).total);
    res.json({ quotaTotal: state.quotaTotal });
  });
  control.post('/users/:userId/revoke', (req, res) => {
    state.revokedUsers.add(req.params.userId);
    res.json({ revoked: true });
  });
  control.get('/calls', (_req, res) => res.json(state.calls));
  control.get('/state', (_req, res) =>
    res.json({
      media: [...state.media.values()],
      containers: [...state.containers.values()].map((c) => ({ ...c, status: state.statusOf(c) })),
      sent: state.sent,
      subscribed: [...state.subscribed],
      unsubscribed: state.unsubscribed,
      hidden: [...state.comments.values()].filter((c) => c.hidden).map((c) => c.id),
      replies: [...state.comments.values()].filter((c) => c.parentId),
    }),
  );
  app.use('/__control', control);
}
