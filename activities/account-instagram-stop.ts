// Before an account is deleted (workflows/account-deletion.ts), its Instagram side stops: the inbox of comments and
// messages is erased at once (audited in the same transaction), and every connected professional account's webhooks
// are turned off at Instagram (DELETE /me/subscribed_apps) while its token still exists — after the rows are gone
// nothing could. A token Instagram already refuses has nothing left to turn off. A transient error is retried; on the
// last attempt the connection is reported (audit) instead, so the deletion never blocks on Instagram.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { audit } from '../db/audit-log';
import { instagramTokensOfAccount } from '../db/connections';
import { eraseInboxOfAccount } from '../db/instagram-inbox';
import { ProviderError } from '../lib/providers/errors';
import { type ActivityDeps } from './deps';

/** Attempts of stopAccountInstagram (the workflow's retry policy says the same); the last one reports, never throws. */
export const STOP_INSTAGRAM_ATTEMPTS = 5;

export function createAccountInstagramStopActivities({ pool, keyRing, providers }: ActivityDeps) {
  return {
    async stopAccountInstagram(input: {
      accountId: string;
    }): Promise<{ inboxErased: number; webhooksStopped: number; webhooksNotStopped: number }> {
      const inboxErased = await eraseInboxOfAccount(pool, input.accountId);
      const lastAttempt = Context.current().info.attempt >= STOP_INSTAGRAM_ATTEMPTS;
      let webhooksStopped = 0;
      let webhooksNotStopped = 0;
      for (const { connectionId, accessToken } of await instagramTokensOfAccount(pool, keyRing, input.accountId)) {
        try {
          await providers.instagram.unsubscribeWebhooks(accessToken); // a refused token counts as done
          webhooksStopped++;
          await audit(pool, { action: 'instagram_webhooks_stopped', target: `connection:${connectionId}` });
        } catch (error) {
          if (!(error instanceof ProviderError)) throw error;
          if (!lastAttempt) throw ApplicationFailure.retryable(error.message, 'InstagramUnavailable');
          webhooksNotStopped++;
          await audit(pool, {
            action: 'instagram_webhooks_not_stopped',
            target: `connection:${connectionId} reason:${error.kind}`,
          });
        }
      }
      return { inboxErased, webhooksStopped, webhooksNotStopped };
    },
  };
}
