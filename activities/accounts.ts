import { ApplicationFailure } from '@temporalio/common';
import { findAccount } from '../db/accounts';
import { queueEmail } from '../db/outbox';
import { type ActivityDeps } from './deps';

export function createAccountActivities({ pool }: ActivityDeps) {
  return {
    async queueWelcomeEmail(input: { accountId: string }): Promise<string> {
      const account = await findAccount(pool, input.accountId);
      if (!account) throw ApplicationFailure.nonRetryable(`account ${input.accountId} does not exist`, 'NotFound');
      return queueEmail(pool, {
        accountId: account.id,
        template: 'welcome',
        data: { accountName: account.name },
        dedupeKey: `welcome:${account.id}`,
      });
    },
  };
}
