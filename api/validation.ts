// One way in for request input: URLs, JSON and form bodies are refused with a 4xx when they carry text PostgreSQL
// and our pages cannot hold (a NUL character, bytes that are not UTF-8), before any route sees them; then each route
// parses its body, query and params with a zod schema.
import { isUtf8 } from 'node:buffer';
import express, { type Request, type RequestHandler } from 'express';
import { type z } from 'zod';
import { ApiError, fromZod } from './errors';

const invalidText = (where: string) =>
  Object.assign(new ApiError(400, 'invalid_characters', `${where} holds a NUL character or bytes that are not UTF-8`), {
    type: 'entity.invalid.characters',
    status: 400,
  });

/** Percent-decodes `text` (form rules: `+` is a space); null when it is not UTF-8 or holds a NUL. */
function decodedOrNull(text: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null; // a percent-encoded sequence that is not UTF-8 (or a stray %)
  }
  return decoded.includes('\u0000') ? null : decoded;
}

/**
 * Every request: a path or query with a percent-encoded NUL or non-UTF-8 sequence is a 400, whatever the route.
 * (A stray `%` that encodes nothing is left to the route, as Express leaves it.)
 */
export const refuseMalformedUrl: RequestHandler = (req, _res, next) => {
  const url = req.originalUrl;
  if (/%00/.test(url) || url.includes('\u0000')) return next(invalidText('the URL'));
  for (const part of url.split(/[/?&=]/)) {
    if (!part.includes('%')) continue;
    // Only the well-formed escapes: "%zz" is not an escape, and express decodes nothing of it either.
    if (/%[0-9A-Fa-f]{2}/.test(part) && decodedOrNull(part.replace(/%(?![0-9A-Fa-f]{2})/g, '%25')) === null)
      return next(invalidText('the URL'));
  }
  next();
};

/** NUL anywhere in a parsed JSON value (the escape \u0000 passes the UTF-8 check): the path to it, else null. */
function nulPath(value: unknown, path: (string | number)[] = [], depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') || '(root)' : null;
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, key].join('.');
    const found = nulPath(item, [...path, Array.isArray(value) ? Number(key) : key], depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** express.json with the body's bytes checked to be UTF-8. */
export function jsonBody(options: { limit: string }): ReturnType<typeof express.json> {
  return express.json({
    limit: options.limit,
    strict: true,
    verify: (_req, _res, buf) => {
      if (!isUtf8(buf)) throw invalidText('the request body');
    },
  });
}

/** express.urlencoded (flat fields) with the raw bytes and every percent-decoded field checked. */
export function formBody(options: { limit: string }): ReturnType<typeof express.urlencoded> {
  return express.urlencoded({
    extended: false,
    limit: options.limit,
    verify: (_req, _res, buf) => {
      if (!isUtf8(buf)) throw invalidText('the form');
      for (const pair of buf.toString('utf8').split('&'))
        if (pair.includes('%') && decodedOrNull(pair.replace(/%(?![0-9A-Fa-f]{2})/g, '%25')) === null)
          throw invalidText('the form');
    },
  });
}

export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  if (!req.is('application/json')) {
    throw new ApiError(415, 'unsupported_media_type', 'send the body as application/json');
  }
  const nul = nulPath(req.body);
  if (nul !== null) throw new ApiError(400, 'invalid_characters', 'a field holds a NUL character', [{ path: nul }]);
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
