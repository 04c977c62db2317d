// Creating an account, the one way both sign-ups take (POST /v1/accounts with an API key, the app's sign-up with an
// owner who has a password): the account, what the caller adds in the same transaction, the verification e-mail and
// the welcome workflow, all or nothing.
import { type DatabaseTransactionConnection } from 'slonik';
import { type Account, insertAccount } from '../db/accounts';
import { startAccountWelcome } from '../lib/starters/account-welcome';
import { type AppDeps } from './deps';
import { type EmailVerification } from './email-verification';

export async function createAccount<T>(
  { pool, temporal, config }: Pick<AppDeps, 'pool' | 'temporal' | 'config'>,
  verification: EmailVerification,
  /** `addressVerified`: the sign-up proved the address already (Google vouched for it): no verification mail */
  input: { name: string; email: string; addressVerified?: boolean },
  /** the sign-in that comes with the account (an API key, an owner); may throw to create nothing */
  withAccount: (tx: DatabaseTransactionConnection, account: Account) => Promise<T>,
): Promise<{ account: Account; extra: T }> {
  return pool.transaction(async (tx) => {
    const account = await insertAccount(tx, { name: input.name, email: input.email });
    const extra = await withAccount(tx, account);
    if (!input.addressVerified) await verification.queue(tx, account);
    // Started inside the transaction: if Temporal is unreachable, the account is not created either.
    await startAccountWelcome(temporal, config.TEMPORAL_TASK_QUEUE, { accountId: account.id });
    return { account, extra };
  });
}
