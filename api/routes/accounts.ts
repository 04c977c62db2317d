import { Router } from 'express';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import { revokeAccountKeys } from '../../db/account-deletion';
import type { accountDeletionWorkflow } from '../../workflows/account-deletion';
import { auth } from '../auth';
import { unlinkedOrdersByEmailHash } from '../../db/billing';
import { createLookupHasher } from '../../lib/crypto/lookup-hash';
import { signalOrder } from '../../lib/temporal/order-signals';
import { insertAccount, insertApiKey } from '../../db/accounts';
import { generateApiKey, hashApiKey } from '../../lib/crypto/hash';
import { AccountId, Kind } from '../../lib/temporal/search-attributes';
import { accountWelcomeWorkflow } from '../../workflows';
import { type AppDeps } from '../deps';
import { createAccountBody } from '../schemas';
import { parseBody } from '../validation';

export function accountRoutes({ pool, temporal, config, logger }: AppDeps): Router {
  const router = Router();
  const hashEmail = createLookupHasher(config.STATE_SIGNING_SECRET);

  // Sign-up: the only unauthenticated /v1 route. The API key is shown here once; we keep its hash.
  router.post('/v1/accounts', async (req, res) => {
    const body = parseBody(createAccountBody, req);
    const apiKey = generateApiKey('artist');
    const account = await pool.transaction(async (tx) => {
      const created = await insertAccount(tx, body);
      await insertApiKey(tx, { accountId: created.id, role: 'artist', keyHash: hashApiKey(apiKey) });
      // Started inside the transaction: if Temporal is unreachable, the account is not created either.
      await temporal.workflow.start(accountWelcomeWorkflow, {
        workflowId: `account-welcome:${created.id}`,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: [{ accountId: created.id }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [
          { key: AccountId, value: created.id },
          { key: Kind, value: 'account-welcome' },
        ],
      });
      return created;
    });
    // Shop orders paid with this address wait for an account: tell them.
    const orders = await unlinkedOrdersByEmailHash(pool, hashEmail(`email:${account.email}`));
    for (const order of orders) await signalOrder(temporal, logger, order.checkoutSessionId, 'accountCreated');
    res.status(201).json({ account, apiKey });
  });

  return router;
}

/** Deleting one's own account: a durable workflow, and the account's keys stop working at once. */
export function accountDeletionRoutes({ pool, temporal, config }: AppDeps): Router {
  const router = Router();
  router.delete('/v1/accounts/me', async (_req, res) => {
    const { accountId } = auth(res);
    await temporal.workflow.start<typeof accountDeletionWorkflow>('accountDeletionWorkflow', {
      workflowId: `account-deletion:${accountId}`,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{ accountId }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      typedSearchAttributes: [
        { key: AccountId, value: accountId },
        { key: Kind, value: 'account-deletion' },
      ],
    });
    await revokeAccountKeys(pool, accountId); // after the start: a failed start leaves the account usable
    res.status(202).json({ status: 'deleting', workflowId: `account-deletion:${accountId}` });
  });
  return router;
}
