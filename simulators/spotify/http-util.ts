import type { Request } from 'express';

/** One string value of a query parameter (first one if repeated). */
export function queryParam(req: Request, name: string): string | undefined {
  const value: unknown = (req.query as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** Form or JSON body field as a string ('' when absent or not a string). */
export function bodyField(req: Request, name: string): string {
  const body: unknown = req.body;
  if (body && typeof body === 'object') {
    const value = (body as Record<string, unknown>)[name];
    if (typeof value === 'string') return value;
  }
  return '';
}

/** Scheme + host the client used, so hrefs in responses point back at this simulator. */
export function baseUrlOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/** Full path (mount point included) without the query string. */
export function fullPath(req: Request): string {
  return req.baseUrl + req.path;
}

/**
 * Strict integer parsing for query parameters: undefined when absent, NaN when not a plain integer,
 * so "10abc" or "1.5" are rejected like Spotify rejects them.
 */
export function parseIntParam(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  return /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
}
