// What an artist does with an inbox item (routes/instagram.ts): answer a comment in public, answer it privately (one
// private reply per comment, within 7 days of it), write to a person inside the 24 h messaging window after their
// last message, hide or show a comment. dropday checks the windows first (a clear 409 instead of Instagram's
// refusal); Instagram's refusals become 4xx answers with its own words.
import { activeAccessToken, findConnection } from '../db/connections';
import {
  claimPrivateReply,
  findInboxItem,
  type InboxItem,
  lastMessageFrom,
  markInboxHidden,
  markInboxReplied,
  releasePrivateReply,
} from '../db/instagram-inbox';
import { ProviderError } from '../lib/providers/errors';
import { type AppDeps } from './deps';
import { ApiError, notFound } from './errors';

const DAY_MS = 86_400_000;
export const PRIVATE_REPLY_WINDOW_MS = 7 * DAY_MS;
export const MESSAGING_WINDOW_MS = DAY_MS;

type Deps = Pick<AppDeps, 'pool' | 'keyRing' | 'providers'>;

export function toApiError(error: unknown): unknown {
  if (!(error instanceof ProviderError)) return error;
  switch (error.kind) {
    case 'token_invalid':
      return new ApiError(409, 'connection_needs_reconnect', 'Instagram refused the token: reconnect the account');
    case 'rate_limited':
    case 'quota_exhausted':
      return new ApiError(429, 'provider_rate_limited', `Instagram asked us to slow down: ${error.message}`, {
        retryAfterMs: error.retryAfterMs ?? null,
      });
    case 'invalid_request':
    case 'not_found':
      return new ApiError(422, 'provider_rejected', error.detail.userMessage ?? error.message);
    default:
      return new ApiError(502, 'provider_unavailable', `Instagram did not answer: ${error.message}`);
  }
}

export function createInboxActions({ pool, keyRing, providers: { instagram } }: Deps) {
  async function load(accountId: string, id: string, kind: InboxItem['kind']) {
    const item = await findInboxItem(pool, keyRing, id);
    if (!item || item.accountId !== accountId) throw notFound('inbox item');
    if (item.kind !== kind) throw new ApiError(409, 'wrong_kind', `this works on a ${kind} only`);
    const connection = await findConnection(pool, item.connectionId);
    const token = await activeAccessToken(pool, keyRing, item.connectionId);
    if (!connection?.externalAccountId || !token)
      throw new ApiError(409, 'connection_not_active', 'reconnect this Instagram account first');
    return { item, token, igId: connection.externalAccountId };
  }
  const call = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (error) {
      throw toApiError(error);
    }
  };

  return {
    async reply(accountId: string, id: string, text: string): Promise<void> {
      const { item, token } = await load(accountId, id, 'comment');
      await call(instagram.replyToComment(token, item.externalId, text));
      await markInboxReplied(pool, item.id);
    },

    async privateReply(accountId: string, id: string, text: string): Promise<void> {
      const { item, token, igId } = await load(accountId, id, 'comment');
      if (Date.now() - item.sentAt > PRIVATE_REPLY_WINDOW_MS)
        throw new ApiError(409, 'outside_window', 'a private reply must be sent within 7 days of the comment');
      if (!(await claimPrivateReply(pool, item.id)))
        throw new ApiError(409, 'already_replied', 'this comment already had its one private reply');
      try {
        await instagram.sendMessage(token, igId, { commentId: item.externalId }, text);
      } catch (error) {
        // A lost answer may have been delivered: the claim stays (one private reply at most).
        if (!(error instanceof ProviderError) || error.kind !== 'outcome_unknown')
          await releasePrivateReply(pool, item.id);
        throw toApiError(error);
      }
    },

    async message(accountId: string, id: string, text: string): Promise<void> {
      const { item, token, igId } = await load(accountId, id, 'message');
      const last = (await lastMessageFrom(pool, item.connectionId, item.senderHash)) ?? item.sentAt;
      if (Date.now() - last > MESSAGING_WINDOW_MS)
        throw new ApiError(409, 'outside_window', 'Instagram allows answers within 24 hours of the last message');
      await call(instagram.sendMessage(token, igId, { recipientId: item.senderId }, text));
      await markInboxReplied(pool, item.id);
    },

    async hide(accountId: string, id: string, hidden: boolean): Promise<void> {
      const { item, token } = await load(accountId, id, 'comment');
      await call(instagram.hideComment(token, item.externalId, hidden));
      await markInboxHidden(pool, item.id, hidden);
    },
  };
}
