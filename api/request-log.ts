// What every request leaves behind: an id (a proxy's X-Request-Id, or a fresh one), echoed to the client; and when
// it ends, its metrics and one access-log line. One middleware and one end hook for all three: they run on every
// request, a viral burst on a smart link included, so they build nothing a quiet log level would throw away.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type RequestHandler } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';
import { type Logger } from '../lib/logger';

declare module 'node:http' {
  interface IncomingMessage {
    /** this request's id, in its log lines and its X-Request-Id response header */
    id?: string;
  }
}

/** Requests a load balancer or Prometheus makes all the time: counted in the metrics, not logged. */
const QUIET_PATHS = new Set(['/healthz', '/metrics']);

export function observeRequests(logger: Logger, registry: Registry): RequestHandler {
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return (req, res, next) => {
    const started = performance.now();
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    let ended = false;
    // 'finish' when the response went out, 'close' alone when the client left first: one line either way.
    const end = () => {
      if (ended) return;
      ended = true;
      const ms = performance.now() - started;
      const { method } = req;
      const finished = res.writableFinished;
      if (finished) {
        // The matched route pattern, never the raw path: ids in paths would explode label cardinality.
        const route = (req.route?.path as string | undefined) ?? 'unmatched';
        requests.inc({ method, route, status: String(res.statusCode) });
        duration.observe({ method, route }, ms / 1000);
      }
      const level = res.statusCode >= 500 ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      // The path only: OAuth callbacks carry codes and state in the query string.
      const path = req.originalUrl.split('?')[0];
      if (QUIET_PATHS.has(path)) return;
      logger[level](
        { req: { id, method, path }, res: { statusCode: res.statusCode }, responseTime: Math.round(ms) },
        finished ? 'request completed' : 'request aborted',
      );
    };
    res.once('finish', end);
    res.once('close', end);
    next();
  };
}
