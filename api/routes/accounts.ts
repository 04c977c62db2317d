import { Router } from 'express';
import { auth } from '../auth';
import { type Account, findAccount, insertApiKey, revokeAccountKeys } from '../../db/accounts';
import { revokeAccountMemberSessions } from '../../db/member-sessions';
import { createAccount } from '../account-creation';
import { generateApiKey, hashApiKey } from '../../lib/crypto/hash';
import { eraseInboxOfAccount } from '../../db/instagram-inbox';
import { startAccountDeletion } from '../../lib/starters/account-deletion';
import { type AppDeps } from '../deps';
import { type EmailVerification } from '../email-verification';
import { ApiError, notFound } from '../errors';
import { createAccountBody } from '../schemas';
import { parseBody } from '../validation';

/** The account as the API shows it: DESIGN.md's {id, name, email}, and whether the address is verified. */
const accountView = (account: Account) => ({
  id: account.id,
  name: account.name,
  email: account.email,
  emailVerified: account.emailVerifiedAt !== null,
  emailVerifiedAt: account.emailVerifiedAt === null ? null : new Date(account.emailVerifiedAt).toISOString(),
});

export function accountRoutes(deps: AppDeps, verification: EmailVerification): Router {
  const router = Router();

  // Sign-up: the only unauthenticated /v1 route. The API key is shown here once; we keep its hash. The address is
  // unverified until its owner opens the e-mailed link: until then it claims no shop order.
  router.post('/v1/accounts', async (req, res) => {
    const body = parseBody(createAccountBody, req);
    const apiKey = generateApiKey('artist');
    const { account } = await createAccount(deps, verification, body, (tx, created) =>
      insertApiKey(tx, { accountId: created.id, role: 'artist', keyHash: hashApiKey(apiKey) }),
    );
    res.status(201).json({ account: accountView(account), apiKey });
  });

  return router;
}

/** The signed-in account itself: read it, have its verification e-mail sent again, delete it. */
export function ownAccountRoutes({ pool, temporal, config }: AppDeps, verification: EmailVerification): Router {
  const router = Router();
  const ownAccount = async (accountId: string) => {
    const account = await findAccount(pool, accountId);
    if (!account) throw notFound('account'); // deleted while its key still worked
    return account;
  };

  router.get('/v1/accounts/me', async (_req, res) => {
    res.json({ account: accountView(await ownAccount(auth(res).accountId)) });
  });

  // The same answer whether or not a mail went out (another account may hold the address verified).
  router.post('/v1/accounts/me/verification', async (_req, res) => {
    const account = await ownAccount(auth(res).accountId);
    if (account.emailVerifiedAt !== null)
      throw new ApiError(409, 'already_verified', 'this account has verified its e-mail address already');
    await verification.queue(pool, account);
    res.status(202).json({ status: 'sent' });
  });

  // Deleting one's own account: a durable workflow, and the account's keys stop working at once.
  router.delete('/v1/accounts/me', async (_req, res) => {
    const { accountId } = auth(res);
    const workflowId = await startAccountDeletion(temporal, config.TEMPORAL_TASK_QUEUE, { accountId });
    await revokeAccountKeys(pool, accountId); // after the start: a failed start leaves the account usable
    await revokeAccountMemberSessions(pool, accountId); // the app's sessions end too
    await eraseInboxOfAccount(pool, accountId); // comments and messages go at once, not when the workflow gets there
    res.status(202).json({ status: 'deleting', workflowId });
  });
  return router;
}
