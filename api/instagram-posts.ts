// Release-day Instagram posts as the API offers them (routes/instagram.ts): schedule one for a campaign with one of
// the label's connected accounts, read where it stands, cancel it; and the release's posts follow it when it moves
// or is cancelled (routes/campaigns.ts calls that, so routers need not import each other).
import { type Client } from '@temporalio/client';
import { findCampaign } from '../db/campaigns';
import { findConnection } from '../db/connections';
import {
  findInstagramPostOfAccount,
  insertInstagramPost,
  type InstagramPost,
  openInstagramPostIds,
} from '../db/instagram-posts';
import { type DatabasePool } from '../db/pool';
import { instagramPostFollowsRelease, startInstagramPost } from '../lib/starters/instagram-post';
import { type AppDeps } from './deps';
import { ApiError, notFound } from './errors';
import { type createInstagramPostBody } from './schemas';
import type { z } from 'zod';

export function presentInstagramPost(p: InstagramPost) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: p.id,
    campaignId: p.campaignId,
    connectionId: p.connectionId,
    media: p.media,
    caption: p.caption,
    keyword: p.keyword,
    replyText: p.replyText,
    state: p.state,
    waitingReason: p.waitingReason,
    permalink: p.permalink,
    publishedAt: iso(p.publishedAt),
    error: p.errorCode ? { code: p.errorCode, message: p.errorMessage } : null,
    createdAt: iso(p.createdAt),
  };
}

export async function scheduleInstagramPost(
  { pool, temporal, config }: Pick<AppDeps, 'pool' | 'temporal' | 'config'>,
  accountId: string,
  campaignId: string,
  body: z.infer<typeof createInstagramPostBody>,
  /** chosen ahead by a caller that may ask twice for the same post (a release plan's accept): inserted once */
  { id }: { id?: string } = {},
): Promise<InstagramPost> {
  const start = (post: InstagramPost) =>
    startInstagramPost(temporal, config.TEMPORAL_TASK_QUEUE, {
      postId: post.id,
      campaignId,
      accountId,
      containerLeadMs: config.INSTAGRAM_CONTAINER_LEAD_SECONDS * 1000,
      liveCheckMs: config.INSTAGRAM_LIVE_CHECK_MS,
    });
  const made = id ? await findInstagramPostOfAccount(pool, accountId, id) : null;
  if (made) {
    await start(made); // asked again after a cut-short accept: only make sure its workflow was started
    return made;
  }
  const campaign = await findCampaign(pool, accountId, campaignId);
  if (!campaign) throw notFound('campaign');
  if (campaign.status === 'cancelled') throw new ApiError(409, 'campaign_cancelled', 'the campaign is cancelled');
  const connection = await findConnection(pool, body.connectionId);
  if (!connection || connection.accountId !== accountId || connection.provider !== 'instagram')
    throw notFound('instagram connection');
  if (connection.status !== 'active')
    throw new ApiError(409, 'connection_not_active', 'reconnect this Instagram account first');
  const post = await insertInstagramPost(pool, {
    id,
    accountId,
    campaignId,
    connectionId: connection.id,
    media: body.media,
    caption: body.caption,
    keyword: body.keyword ?? null,
    replyText: body.replyText ?? null,
  });
  await start(post);
  return post;
}

export async function cancelOwnInstagramPost(
  { pool, temporal }: Pick<AppDeps, 'pool' | 'temporal'>,
  accountId: string,
  postId: string,
): Promise<void> {
  const post = await findInstagramPostOfAccount(pool, accountId, postId);
  if (!post) throw notFound('instagram post');
  if (post.state === 'published') throw new ApiError(409, 'already_published', 'the post is already published');
  await instagramPostFollowsRelease(temporal, post.id, 'cancelled');
}

/** The release moved or was cancelled: its posts that have not gone out follow. */
export async function instagramPostsFollowRelease(
  temporal: Client,
  pool: DatabasePool,
  campaignId: string,
  change: 'rescheduled' | 'cancelled',
): Promise<void> {
  for (const postId of await openInstagramPostIds(pool, campaignId))
    await instagramPostFollowsRelease(temporal, postId, change);
}
