// A new account gets a welcome e-mail. The workflow holds only the account id; the activity loads the rest.
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { queueWelcomeEmail } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export interface AccountWelcomeInput {
  accountId: string;
}

export async function accountWelcomeWorkflow(input: AccountWelcomeInput): Promise<{ outboxId: string }> {
  return { outboxId: await queueWelcomeEmail({ accountId: input.accountId }) };
}
