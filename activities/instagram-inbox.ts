// The inbox's worker side: keyword private replies (spaced per connection, at most one per comment) and forgetting
// (comments and messages deleted 30 days after arrival; the audit keeps their ids only).
import { ApplicationFailure } from '@temporalio/common';
import { audit } from '../db/audit-log';
import { findCampaignById } from '../db/campaigns';
import { activeAccessToken, findConnection } from '../db/connections';
import {
  claimPrivateReply,
  countEngagement,
  eraseExpiredInbox,
  findInboxItem,
  releasePrivateReply,
  reserveReplySlot,
} from '../db/instagram-inbox';
import { findInstagramPost } from '../db/instagram-posts';
import { ProviderError } from '../lib/providers/errors';
import { type ActivityDeps } from './deps';

/** Meta allows 750 private replies an hour per account: one every 4.8 s. */
export const PRIVATE_REPLY_SPACING_MS = 3_600_000 / 750;

export function createInstagramInboxActivities({ pool, keyRing, providers, config }: ActivityDeps) {
  const { instagram } = providers;
  return {
    async reserveInstagramReplySlot(input: { connectionId: string }): Promise<number> {
      return reserveReplySlot(pool, input.connectionId, PRIVATE_REPLY_SPACING_MS);
    },

    /** The post's keyword reply with the smart link, once per comment ('skipped' when it was already answered). */
    async sendKeywordPrivateReply(input: { inboxId: string }): Promise<'sent' | 'skipped'> {
      const item = await findInboxItem(pool, keyRing, input.inboxId);
      if (!item || item.kind !== 'comment' || !item.postId) return 'skipped';
      const post = await findInstagramPost(pool, item.postId);
      const campaign = post && (await findCampaignById(pool, post.campaignId));
      const connection = await findConnection(pool, item.connectionId);
      const token = await activeAccessToken(pool, keyRing, item.connectionId);
      if (!post?.keyword || !campaign || !connection?.externalAccountId || !token) return 'skipped';
      if (!(await claimPrivateReply(pool, item.id))) return 'skipped';
      const text = `${post.replyText ?? ''} ${config.PUBLIC_URL}/l/${campaign.slug}`.trim();
      try {
        await instagram.sendMessage(token, connection.externalAccountId, { commentId: item.externalId }, text);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        // A lost answer may have been delivered: keep the claim (at most one reply). A sure refusal frees it.
        if (error.kind === 'outcome_unknown') return 'skipped';
        await releasePrivateReply(pool, item.id);
        if (error.kind === 'invalid_request' || error.kind === 'token_invalid' || error.kind === 'not_found')
          throw ApplicationFailure.nonRetryable(error.message, 'InstagramRejected');
        throw ApplicationFailure.create({ message: error.message, nextRetryDelay: error.retryAfterMs });
      }
      await countEngagement(pool, { ...item, accountId: post.accountId, kind: 'private_reply' });
      await audit(pool, {
        action: 'instagram_private_reply',
        target: `instagram_inbox:${item.id}`,
        accountId: post.accountId,
      });
      return 'sent';
    },

    /** Comments and messages older than the retention period, deleted in batches; the audit keeps their ids
     * (written with each batch's delete). */
    async eraseExpiredInstagramInbox(): Promise<{ deleted: number }> {
      let deleted = 0;
      for (;;) {
        const ids = await eraseExpiredInbox(pool, config.INSTAGRAM_INBOX_RETENTION_SECONDS);
        deleted += ids.length;
        if (ids.length === 0) return { deleted };
      }
    },
  };
}
