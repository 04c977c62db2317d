// The last two handlers of every simulator: an unknown route and an exception both answer in the provider's own
// JSON error envelope, never with Express's HTML page or a stack trace (an SDK parses the body it is given).
import { type ErrorRequestHandler, type Express, type Request } from 'express';

export interface JsonAnswer {
  status: number;
  body: unknown;
}

export interface ErrorEnvelope {
  /** No route matched the request. */
  notFound(req: Request): JsonAnswer;
  /** A handler threw, or a body parser refused the body (`error.status` is then 400 or 413). */
  failed(error: unknown, req: Request): JsonAnswer;
}

/** Express's body-parser errors carry a 4xx `status`; anything else is the simulator's own fault. */
export function clientErrorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

export function answerUnmatchedInJson(app: Express, envelope: ErrorEnvelope): void {
  app.use((req, res) => {
    const answer = envelope.notFound(req);
    res.status(answer.status).json(answer.body);
  });
  const onError: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const answer = envelope.failed(error, req);
    res.status(answer.status).json(answer.body);
  };
  app.use(onError);
}
