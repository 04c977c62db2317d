// One error shape for every client-facing failure: {"error":{"code","message","details"?}}.
import { type ErrorRequestHandler, type RequestHandler } from 'express';
import { ZodError } from 'zod';
import { type Logger } from '../lib/logger';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what = 'resource') => new ApiError(404, 'not_found', `${what} not found`);

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function fromZod(error: ZodError, where: 'body' | 'query' | 'params'): ApiError {
  return new ApiError(
    400,
    'validation_failed',
    `invalid request ${where}`,
    error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}

/** body-parser and friends signal client errors through `type`/`status` on the error object. */
function fromHttpError(error: { type?: string; status?: number; message?: string }): ApiError | null {
  switch (error.type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'malformed_json', 'request body is not valid JSON');
    case 'entity.invalid.characters':
      return new ApiError(400, 'invalid_characters', error.message ?? 'the request holds invalid characters');
    case 'entity.too.large':
      return new ApiError(413, 'payload_too_large', 'request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'unsupported_media_type', error.message ?? 'unsupported encoding');
  }
  if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
    return new ApiError(error.status, 'bad_request', error.message ?? 'bad request');
  }
  return null;
}

export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const apiError =
      error instanceof ApiError
        ? error
        : error instanceof ZodError
          ? fromZod(error, 'body')
          : fromHttpError(error as { type?: string; status?: number });
    if (apiError) {
      res.status(apiError.status).json(errorBody(apiError.code, apiError.message, apiError.details));
      return;
    }
    logger.error({ err: error, req: { id: req.id, method: req.method, path: req.path } }, 'unhandled error');
    res.status(500).json(errorBody('internal', 'internal error'));
  };
}
