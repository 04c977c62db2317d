// Release-day Instagram posts (workflows/instagram-post.ts): what to post, with which connected account, and where
// its publication stands — the container, the moment publishing started (so a retry looks before it publishes
// again), the media and its permalink. The one writer of instagram_posts.
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;

export const instagramMediaSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('image'), imageUrl: z.string(), altText: z.string().optional() }),
  z.object({ kind: z.literal('reel'), videoUrl: z.string(), coverUrl: z.string().optional() }),
  z.object({ kind: z.literal('carousel'), imageUrls: z.array(z.string()) }),
]);

export const POST_STATES = ['scheduled', 'preparing', 'ready', 'waiting', 'published', 'failed', 'cancelled'] as const;
export type PostState = (typeof POST_STATES)[number];

export const instagramPostRow = z.object({
  id: z.string(),
  accountId: z.string(),
  campaignId: z.string(),
  connectionId: z.string(),
  media: instagramMediaSchema,
  caption: z.string(),
  keyword: z.string().nullable(),
  replyText: z.string().nullable(),
  state: z.enum(POST_STATES),
  waitingReason: z.string().nullable(),
  containerId: z.string().nullable(),
  containerCreatedAt: z.number().nullable(),
  publishStartedAt: z.number().nullable(),
  mediaId: z.string().nullable(),
  permalink: z.string().nullable(),
  publishedAt: z.number().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  createdAt: z.number(),
});
export type InstagramPost = z.infer<typeof instagramPostRow>;

const columns = sql.fragment`id, account_id AS "accountId", campaign_id AS "campaignId", connection_id AS "connectionId",
  media, caption, keyword, reply_text AS "replyText", state, waiting_reason AS "waitingReason",
  container_id AS "containerId", container_created_at AS "containerCreatedAt", publish_started_at AS "publishStartedAt",
  media_id AS "mediaId", permalink, published_at AS "publishedAt", error_code AS "errorCode",
  error_message AS "errorMessage", created_at AS "createdAt"`;

/** `id` is chosen ahead by a caller that may make the same post twice (a release plan's item): inserted once. */
export async function insertInstagramPost(
  db: Db,
  input: Pick<
    InstagramPost,
    'accountId' | 'campaignId' | 'connectionId' | 'media' | 'caption' | 'keyword' | 'replyText'
  > & { id?: string },
): Promise<InstagramPost> {
  const inserted = await db.maybeOne(sql.type(instagramPostRow)`
    INSERT INTO instagram_posts (id, account_id, campaign_id, connection_id, media, caption, keyword, reply_text)
    VALUES (coalesce(${input.id ?? null}::uuid, gen_random_uuid()), ${input.accountId}, ${input.campaignId},
            ${input.connectionId}, ${sql.jsonb(input.media)}, ${input.caption}, ${input.keyword}, ${input.replyText})
    ON CONFLICT (id) DO NOTHING
    RETURNING ${columns}`);
  return inserted ?? db.one(sql.type(instagramPostRow)`SELECT ${columns} FROM instagram_posts WHERE id = ${input.id!}`);
}

export async function findInstagramPost(db: Db, id: string): Promise<InstagramPost | null> {
  return db.maybeOne(sql.type(instagramPostRow)`SELECT ${columns} FROM instagram_posts WHERE id = ${id}`);
}

/** The account's own post, or null (another account's is not found). */
export async function findInstagramPostOfAccount(db: Db, accountId: string, id: string) {
  return db.maybeOne(
    sql.type(instagramPostRow)`SELECT ${columns} FROM instagram_posts WHERE id = ${id} AND account_id = ${accountId}`,
  );
}

export async function listInstagramPosts(db: Db, accountId: string, campaignId?: string) {
  return db.any(sql.type(instagramPostRow)`
    SELECT ${columns} FROM instagram_posts
    WHERE account_id = ${accountId} ${campaignId ? sql.fragment`AND campaign_id = ${campaignId}` : sql.fragment``}
    ORDER BY created_at DESC LIMIT 200`);
}

/** Posts of a release that have not ended: they follow a reschedule or cancel. */
export async function openInstagramPostIds(db: Db, campaignId: string): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM instagram_posts
    WHERE campaign_id = ${campaignId} AND state NOT IN ('published', 'failed', 'cancelled')`);
}

/** Every post of the account (their workflows go with the account). */
export async function instagramPostIdsOfAccount(db: Db, accountId: string): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM instagram_posts WHERE account_id = ${accountId}`);
}

/** Posts of a connection that have not ended (a disconnect waits for them, or cancels them). */
export async function openInstagramPostIdsOfConnection(db: Db, connectionId: string): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM instagram_posts
    WHERE connection_id = ${connectionId} AND state NOT IN ('published', 'failed', 'cancelled')`);
}

export async function setInstagramPostState(
  db: Db,
  id: string,
  state: PostState,
  detail: { waitingReason?: string | null; error?: { code: string; message: string } } = {},
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE instagram_posts SET state = ${state}, waiting_reason = ${detail.waitingReason ?? null},
           error_code = coalesce(${detail.error?.code ?? null}, error_code),
           error_message = coalesce(${detail.error?.message ?? null}, error_message), updated_at = now()
    WHERE id = ${id} AND state NOT IN ('published', 'cancelled')`);
}

/**
 * An approved caption draft becomes the post's caption while the post has no container yet (a container carries
 * its caption; once it exists or publishing started, the caption stays). True when it was changed.
 */
export async function setCaptionOfUnpreparedPost(db: Db, id: string, caption: string): Promise<boolean> {
  const changed = await db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    UPDATE instagram_posts SET caption = ${caption}, updated_at = now()
    WHERE id = ${id} AND container_id IS NULL AND publish_started_at IS NULL
      AND state NOT IN ('published', 'failed', 'cancelled')
    RETURNING id`);
  return changed !== null;
}

export async function recordInstagramContainer(db: Db, id: string, containerId: string | null): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE instagram_posts SET container_id = ${containerId},
           container_created_at = CASE WHEN ${containerId}::text IS NULL THEN NULL ELSE now() END, updated_at = now()
    WHERE id = ${id}`);
}

/** The first attempt to publish records when it started; a later attempt reads it, and must look before publishing. */
export async function markPublishStarted(db: Db, id: string): Promise<{ firstAttempt: boolean; startedAt: number }> {
  const row = await db.one(sql.type(z.object({ before: z.number().nullable(), startedAt: z.number() }))`
    UPDATE instagram_posts p SET publish_started_at = coalesce(p.publish_started_at, now()), updated_at = now()
    FROM instagram_posts old WHERE p.id = ${id} AND old.id = p.id
    RETURNING old.publish_started_at AS before, p.publish_started_at AS "startedAt"`);
  return { firstAttempt: row.before === null, startedAt: row.startedAt };
}

export async function recordInstagramPublished(db: Db, id: string, mediaId: string, permalink: string | null) {
  await db.query(sql.unsafe`
    UPDATE instagram_posts SET state = 'published', media_id = ${mediaId}, permalink = ${permalink},
           published_at = coalesce(published_at, now()), waiting_reason = NULL, updated_at = now()
    WHERE id = ${id}`);
}

/** Which post (and campaign) an Instagram media id belongs to, for a comment's webhook. */
export async function postOfMedia(db: Db, connectionId: string, mediaId: string) {
  return db.maybeOne(sql.type(z.object({ id: z.string(), campaignId: z.string() }))`
    SELECT id, campaign_id AS "campaignId" FROM instagram_posts
    WHERE connection_id = ${connectionId} AND media_id = ${mediaId}`);
}
