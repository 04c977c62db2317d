import { Router } from 'express';
import { auth } from '../auth';
import { unlinkedOrdersByEmailHash } from '../../db/billing';
import { createLookupHasher, lookupHashSecret } from '../../lib/crypto/lookup-hash';
import { signalOrder } from '../../lib/starters/order';
import { insertAccount, insertApiKey, revokeAccountKeys } from '../../db/accounts';
import { generateApiKey, hashApiKey } from '../../lib/crypto/hash';
import { startAccountDeletion } from '../../lib/starters/account-deletion';
import { startAccountWelcome } from '../../lib/starters/account-welcome';
import { type AppDeps } from '../deps';
import { createAccountBody } from '../schemas';
import { parseBody } from '../validation';

export function accountRoutes({ pool, temporal, config, logger }: AppDeps): Router {
  const router = Router();
  const hashEmail = createLookupHasher(lookupHashSecret(config));

  // Sign-up: the only unauthenticated /v1 route. The API key is shown here once; we keep its hash.
  router.post('/v1/accounts', async (req, res) => {
    const body = parseBody(createAccountBody, req);
    const apiKey = generateApiKey('artist');
    const account = await pool.transaction(async (tx) => {
      const created = await insertAccount(tx, body);
      await insertApiKey(tx, { accountId: created.id, role: 'artist', keyHash: hashApiKey(apiKey) });
      // Started inside the transaction: if Temporal is unreachable, the account is not created either.
      await startAccountWelcome(temporal, config.TEMPORAL_TASK_QUEUE, { accountId: created.id });
      return created;
    });
    // Shop orders paid with this address wait for an account: tell them.
    const orders = await unlinkedOrdersByEmailHash(pool, hashEmail(`email:${account.email}`));
    for (const order of orders)
      await signalOrder(temporal, logger, { checkoutSessionId: order.checkoutSessionId, what: 'accountCreated' });
    res.status(201).json({ account, apiKey });
  });

  return router;
}

/** Deleting one's own account: a durable workflow, and the account's keys stop working at once. */
export function accountDeletionRoutes({ pool, temporal, config }: AppDeps): Router {
  const router = Router();
  router.delete('/v1/accounts/me', async (_req, res) => {
    const { accountId } = auth(res);
    const workflowId = await startAccountDeletion(temporal, config.TEMPORAL_TASK_QUEUE, { accountId });
    await revokeAccountKeys(pool, accountId); // after the start: a failed start leaves the account usable
    res.status(202).json({ status: 'deleting', workflowId });
  });
  return router;
}
