// What an Instagram webhook delivery becomes, once its signature is checked (routes/instagram-webhooks.ts): each
// comment and message of a connected account is stored sealed, at most once (Meta delivers some twice), tied to the
// post and campaign of the media it is under; the account's own comments and echoes of its own messages are
// skipped (no reply loops); a new comment containing its post's keyword starts one keyword private reply.
// Payload shapes: docs/providers/instagram.md (comments as `changes[]`, or `field`/`value` straight in the entry).
import { z } from 'zod';
import { connectionsOfExternalAccount } from '../db/connections';
import { storeInboxEvent, type NewInboxEvent } from '../db/instagram-inbox';
import { findInstagramPost, postOfMedia } from '../db/instagram-posts';
import { createLookupHasher, lookupHashSecret } from '../lib/crypto/lookup-hash';
import { startInstagramAutoReply } from '../lib/starters/instagram-auto-reply';
import { type AppDeps } from './deps';

const id = z.union([z.string(), z.number()]).transform(String);
const commentValue = z.object({
  id,
  text: z.string().max(10_000).default(''),
  from: z.object({ id, username: z.string().max(100).optional() }),
  media: z.object({ id }).optional(),
  parent_id: id.optional(),
});
const change = z.object({ field: z.string(), value: z.unknown() });
const messaging = z.object({
  sender: z.object({ id }),
  recipient: z.object({ id }),
  timestamp: z.number(),
  message: z
    .object({ mid: z.string().max(500), text: z.string().max(10_000).optional(), is_echo: z.boolean().optional() })
    .optional(),
});
export const instagramDelivery = z.object({
  object: z.literal('instagram'),
  entry: z
    .array(
      z.object({
        id,
        time: z.number().optional(),
        changes: z.array(change).max(1000).optional(),
        field: z.string().optional(),
        value: z.unknown().optional(),
        messaging: z.array(messaging).max(1000).optional(),
      }),
    )
    .max(1000),
});
export type InstagramDelivery = z.infer<typeof instagramDelivery>;

export function createInstagramIntake({
  pool,
  keyRing,
  config,
  temporal,
}: Pick<AppDeps, 'pool' | 'keyRing' | 'config' | 'temporal'>) {
  const hash = createLookupHasher(lookupHashSecret(config));

  async function store(
    event: Omit<NewInboxEvent, 'accountId' | 'connectionId' | 'senderHash' | 'campaignId' | 'postId'>,
    igAccountId: string,
  ) {
    let stored = 0;
    for (const connection of await connectionsOfExternalAccount(pool, 'instagram', igAccountId)) {
      const post = event.mediaId ? await postOfMedia(pool, connection.id, event.mediaId) : null;
      const saved = await storeInboxEvent(pool, keyRing, {
        ...event,
        accountId: connection.accountId,
        connectionId: connection.id,
        campaignId: post?.campaignId ?? null,
        postId: post?.id ?? null,
        senderHash: hash(`instagram:${connection.id}:${event.senderId}`),
      });
      if (!saved.stored) continue;
      stored++;
      if (event.kind === 'comment' && post && (await matchesKeyword(post.id, event.text)))
        await startInstagramAutoReply(temporal, config.TEMPORAL_TASK_QUEUE, {
          inboxId: saved.id,
          connectionId: connection.id,
          accountId: connection.accountId,
        });
    }
    return stored;
  }

  async function matchesKeyword(postId: string, text: string): Promise<boolean> {
    const keyword = (await findInstagramPost(pool, postId))?.keyword;
    return Boolean(keyword && text.toLocaleLowerCase().includes(keyword.toLocaleLowerCase()));
  }

  /** Returns how many new events were stored (0 for a repeated delivery). */
  return async function intake(delivery: InstagramDelivery): Promise<number> {
    let stored = 0;
    for (const entry of delivery.entry) {
      const changes = entry.changes ?? (entry.field ? [{ field: entry.field, value: entry.value }] : []);
      for (const c of changes) {
        if (c.field !== 'comments') continue;
        const comment = commentValue.safeParse(c.value);
        if (!comment.success || comment.data.from.id === entry.id) continue; // the account's own comment
        stored += await store(
          {
            kind: 'comment',
            externalId: comment.data.id,
            mediaId: comment.data.media?.id ?? null,
            parentExternalId: comment.data.parent_id ?? null,
            senderId: comment.data.from.id,
            username: comment.data.from.username ?? null,
            text: comment.data.text,
            sentAt: (entry.time ?? Date.now() / 1000) * 1000,
          },
          entry.id,
        );
      }
      for (const m of entry.messaging ?? []) {
        if (!m.message || m.message.is_echo || m.sender.id === entry.id) continue;
        stored += await store(
          {
            kind: 'message',
            externalId: m.message.mid,
            mediaId: null,
            parentExternalId: null,
            senderId: m.sender.id,
            username: null,
            text: m.message.text ?? '',
            sentAt: m.timestamp,
          },
          entry.id,
        );
      }
    }
    return stored;
  };
}
