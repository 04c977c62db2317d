// The side effects of a release-day Instagram post (workflows/instagram-post.ts). Every one is safe to repeat: the
// container is recorded once made and made again only when Instagram says it is gone; publishing records when it
// started, so an attempt after a crash or a lost answer first looks whether the container was already published
// (and finds the media by its caption) instead of publishing twice. Errors are classified like the ad saga's:
// token → the connection needs reconnecting; rate limit → retried after Instagram's hint; invalid media →
// Instagram's own message, kept for the artist; publishing quota → the workflow waits and says so.
import { ApplicationFailure } from '@temporalio/common';
import { findCampaignById } from '../db/campaigns';
import { activeAccessToken, findConnection } from '../db/connections';
import {
  findInstagramPost,
  type InstagramPost,
  markPublishStarted,
  recordInstagramContainer,
  recordInstagramPublished,
  setInstagramPostState,
} from '../db/instagram-posts';
import { ProviderError } from '../lib/providers/errors';
import { connectionNeedsReconnect } from './connections';
import { type ActivityDeps } from './deps';

/** How long a post waits before reading the publishing limit again when it is spent. */
export const QUOTA_RECHECK_MS = 15 * 60_000;

export function createInstagramPostActivities({ pool, keyRing, providers }: ActivityDeps) {
  const { instagram } = providers;

  async function load(postId: string): Promise<InstagramPost> {
    const post = await findInstagramPost(pool, postId);
    if (!post) throw ApplicationFailure.nonRetryable('the Instagram post is gone', 'InstagramPostMissing');
    return post;
  }

  async function failureFor(post: InstagramPost, error: ProviderError): Promise<ApplicationFailure> {
    switch (error.kind) {
      case 'token_invalid': {
        await connectionNeedsReconnect(pool, post.connectionId);
        const message =
          'Instagram no longer accepts dropday access to this account. Reconnect it, then schedule the post again.';
        await setInstagramPostState(pool, post.id, 'failed', {
          error: { code: 'connection_needs_reconnect', message },
        });
        return ApplicationFailure.create({ message, type: 'InstagramNeedsReconnect', nonRetryable: true });
      }
      case 'rate_limited':
        return ApplicationFailure.create({
          message: `Instagram asked us to slow down: ${error.message}`,
          type: 'InstagramThrottled',
          nextRetryDelay: error.retryAfterMs,
        });
      case 'invalid_request': {
        const message = error.detail.userMessage ?? error.message;
        await setInstagramPostState(pool, post.id, 'failed', { error: { code: 'provider_rejected', message } });
        return ApplicationFailure.create({ message, type: 'InstagramRejected', nonRetryable: true });
      }
      default:
        return ApplicationFailure.create({ message: `Instagram: ${error.message}`, type: 'InstagramUnavailable' });
    }
  }

  /** A call with the post's account and token; a provider error becomes the failure the workflow acts on. */
  async function withAccount<T>(post: InstagramPost, call: (token: string, igId: string) => Promise<T>): Promise<T> {
    const connection = await findConnection(pool, post.connectionId);
    const token = await activeAccessToken(pool, keyRing, post.connectionId);
    if (!connection?.externalAccountId || !token) {
      const message =
        'The Instagram account of this post is not connected any more. Reconnect it, then schedule the post again.';
      await setInstagramPostState(pool, post.id, 'failed', { error: { code: 'connection_gone', message } });
      throw ApplicationFailure.nonRetryable(message, 'InstagramNeedsReconnect');
    }
    try {
      return await call(token, connection.externalAccountId);
    } catch (error) {
      if (error instanceof ProviderError) throw await failureFor(post, error);
      throw error;
    }
  }

  return {
    /** When the post goes out (the release instant), whether the release is live yet, and whether it was cancelled. */
    async instagramPostSchedule(input: {
      postId: string;
    }): Promise<{ campaignId: string; publishAt: number; live: boolean; cancelled: boolean; done: boolean }> {
      const post = await load(input.postId);
      const campaign = await findCampaignById(pool, post.campaignId);
      if (!campaign) throw ApplicationFailure.nonRetryable('the release campaign is gone', 'InstagramPostMissing');
      return {
        campaignId: campaign.id,
        publishAt: campaign.releaseAt,
        live: campaign.resolution === 'live',
        cancelled: campaign.status === 'cancelled',
        done: post.state === 'published' || post.state === 'cancelled',
      };
    },

    async recordInstagramPostState(input: {
      postId: string;
      state: 'scheduled' | 'preparing' | 'ready' | 'waiting' | 'failed' | 'cancelled';
      waitingReason?: string;
      error?: { code: string; message: string };
    }): Promise<void> {
      await setInstagramPostState(pool, input.postId, input.state, input);
    },

    /** The post's container: the recorded one, or a new one (recorded before this returns). */
    async prepareInstagramContainer(input: { postId: string }): Promise<{ containerId: string }> {
      const post = await load(input.postId);
      if (post.containerId) return { containerId: post.containerId };
      const containerId = await withAccount(post, (token, igId) =>
        instagram.createContainer(token, igId, post.media, post.caption),
      );
      await recordInstagramContainer(pool, post.id, containerId);
      await setInstagramPostState(pool, post.id, 'preparing');
      return { containerId };
    },

    /**
     * The container's processing: FINISHED (ready to publish), or EXPIRED / gone (the record is cleared, so the next
     * prepare makes a new one). IN_PROGRESS is retried by the activity's retry policy; ERROR fails the post with
     * Instagram's own words.
     */
    async instagramContainerReady(input: { postId: string }): Promise<'ready' | 'gone'> {
      const post = await load(input.postId);
      if (!post.containerId) return 'gone';
      const status = await withAccount(post, (token) => instagram.containerStatus(token, post.containerId!));
      if (status.statusCode === 'FINISHED' || status.statusCode === 'PUBLISHED') {
        await setInstagramPostState(pool, post.id, 'ready');
        return 'ready';
      }
      if (status.statusCode === 'EXPIRED') {
        await recordInstagramContainer(pool, post.id, null);
        return 'gone';
      }
      if (status.statusCode === 'ERROR') {
        const message = `Instagram could not process the media: ${status.status}`;
        await setInstagramPostState(pool, post.id, 'failed', { error: { code: 'media_error', message } });
        throw ApplicationFailure.nonRetryable(message, 'InstagramRejected');
      }
      throw ApplicationFailure.create({ message: 'the container is still being processed', type: 'InstagramNotReady' });
    },

    /**
     * Publishes the container once. The publishing limit is read first (never assumed): when it is spent the post
     * waits and the reason is recorded. A repeated attempt (crash, lost answer) looks before it publishes.
     */
    async publishInstagramPost(input: {
      postId: string;
    }): Promise<
      | { outcome: 'published'; permalink: string | null }
      | { outcome: 'wait'; waitMs: number; reason: string }
      | { outcome: 'new_container' }
    > {
      const post = await load(input.postId);
      if (post.state === 'published') return { outcome: 'published', permalink: post.permalink };
      if (!post.containerId) return { outcome: 'new_container' };
      return withAccount(post, async (token, igId) => {
        const started = await markPublishStarted(pool, post.id);
        if (!started.firstAttempt) {
          const { statusCode } = await instagram.containerStatus(token, post.containerId!).catch((error: unknown) => {
            if (error instanceof ProviderError && error.kind === 'not_found') return { statusCode: 'EXPIRED' as const };
            throw error;
          });
          if (statusCode === 'PUBLISHED') {
            const found = (await instagram.recentMedia(token, igId)).find(
              (m) => m.caption === post.caption && m.timestamp >= started.startedAt - 5 * 60_000,
            );
            if (found) return recordPublished(post, token, found.id);
          }
        }
        const limit = await instagram.publishingLimit(token, igId);
        if (limit.total > 0 && limit.usage >= limit.total) {
          const reason = `Instagram's publishing limit is reached (${limit.usage} of ${limit.total} posts in ${Math.round(limit.durationSeconds / 3600)} h): waiting for room`;
          await setInstagramPostState(pool, post.id, 'waiting', { waitingReason: reason });
          return { outcome: 'wait' as const, waitMs: QUOTA_RECHECK_MS, reason };
        }
        try {
          const mediaId = await instagram.publish(token, igId, post.containerId!);
          return await recordPublished(post, token, mediaId);
        } catch (error) {
          if (!(error instanceof ProviderError)) throw error;
          if (error.kind === 'not_found') {
            await recordInstagramContainer(pool, post.id, null);
            return { outcome: 'new_container' as const };
          }
          if (error.kind === 'quota_exhausted') {
            const reason = `Instagram's publishing limit is reached: waiting for room (${error.message})`;
            await setInstagramPostState(pool, post.id, 'waiting', { waitingReason: reason });
            return { outcome: 'wait' as const, waitMs: QUOTA_RECHECK_MS, reason };
          }
          throw error;
        }
      });
    },
  };

  async function recordPublished(post: InstagramPost, token: string, mediaId: string) {
    const permalink = await instagram.permalink(token, mediaId).catch(() => null); // the post is out either way
    await recordInstagramPublished(pool, post.id, mediaId, permalink);
    return { outcome: 'published' as const, permalink };
  }
}
