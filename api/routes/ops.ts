// Operator routes (ops API keys only).
import { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { keyRotationWorkflowId, queryKeyRotationProgress, startKeyRotation } from '../../lib/starters/key-rotation';
import { requireRole } from '../auth';
import { type AppDeps } from '../deps';
import { notFound } from '../errors';
import { parseParams } from '../validation';

export function opsRoutes(deps: AppDeps): Router {
  const { temporal, keyRing, config } = deps;
  const router = Router();
  router.use('/v1/ops', requireRole('ops'));

  /** Re-encrypts every stored secret under this process's active key. Starting it again while it runs is a no-op. */
  router.post('/v1/ops/key-rotations', async (_req, res) => {
    const keyId = keyRing.activeKeyId;
    const handle = await startKeyRotation(temporal, config.TEMPORAL_TASK_QUEUE, { keyId });
    res.status(202).json({ keyId, workflowId: handle.workflowId, statusUrl: `/v1/ops/key-rotations/${keyId}` });
  });

  router.get('/v1/ops/key-rotations/:keyId', async (req, res) => {
    const { keyId } = parseParams(z.object({ keyId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }), req);
    const handle = temporal.workflow.getHandle(keyRotationWorkflowId(keyId));
    try {
      const description = await handle.describe();
      res.json({ keyId, status: description.status.name, progress: await queryKeyRotationProgress(handle) });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw notFound('key rotation');
      throw error;
    }
  });

  return router;
}
