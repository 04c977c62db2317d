import { type Request } from 'express';
import { type z } from 'zod';
import { ApiError, fromZod } from './errors';

export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  if (!req.is('application/json')) {
    throw new ApiError(415, 'unsupported_media_type', 'send the body as application/json');
  }
  const result = schema.safeParse(req.body ?? {});
  if (!result.success) throw fromZod(result.error, 'body');
  return result.data;
}

export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const result = schema.safeParse(req.query);
  if (!result.success) throw fromZod(result.error, 'query');
  return result.data;
}

export function parseParams<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const result = schema.safeParse(req.params);
  if (!result.success) throw new ApiError(404, 'not_found', 'resource not found');
  return result.data;
}
