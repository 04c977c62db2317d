import { timingSafeEqual } from 'node:crypto';
import { type Request, Router } from 'express';
import { pingDatabase } from '../../db/pool';
import { type Logger } from '../../lib/logger';
import { type AppDeps } from '../deps';
import { errorBody } from '../errors';

export function healthRoutes({ pool, temporal, metrics, config, logger }: AppDeps): Router {
  const router = Router();

  // Liveness: the process answers.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Readiness: the process can do its work — PostgreSQL and Temporal both answer.
  router.get('/readyz', async (_req, res) => {
    const checks = await Promise.all([
      check(logger, 'postgres', () => pingDatabase(pool)),
      check(logger, 'temporal', () => temporal.connection.workflowService.getSystemInfo({})),
    ]);
    const ready = checks.every((c) => c.ok);
    // Which dependency failed, never why: the error text (addresses, user names) goes to the log.
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'unavailable',
      checks: Object.fromEntries(checks.map((c) => [c.name, c.ok ? 'ok' : 'failed'])),
    });
  });

  // Operational figures are not public: a bearer token (METRICS_TOKEN) when set, otherwise loopback clients only
  // (req.ip, so a request relayed by a trusted proxy counts as the client it relays, not as loopback).
  router.get('/metrics', async (req, res) => {
    if (!metricsAllowed(req, config.METRICS_TOKEN)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(401).json(errorBody('unauthorized', 'metrics need Authorization: Bearer <METRICS_TOKEN>'));
      return;
    }
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  return router;
}

function metricsAllowed(req: Request, token: string | undefined): boolean {
  if (!token) return isLoopback(req.ip ?? req.socket.remoteAddress ?? '');
  const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const isLoopback = (ip: string) => /^(127\.|::ffff:127\.)/.test(ip) || ip === '::1';

async function check(
  logger: Logger,
  name: string,
  probe: () => Promise<unknown>,
): Promise<{ name: string; ok: boolean }> {
  try {
    await withTimeout(probe(), 3_000);
    return { name, ok: true };
  } catch (error) {
    logger.warn({ err: error, dependency: name }, 'readiness check failed');
    return { name, ok: false };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
