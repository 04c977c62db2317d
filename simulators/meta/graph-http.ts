// What every Graph endpoint of the Meta simulator shares: the versions served, parameters read the same whether they
// came as a form or as JSON, and Graph's error envelope for unknown paths and for the simulator's own failures.
// Facts: docs/providers/meta.md (versions, request encoding, error format).
import { randomBytes } from 'node:crypto';
import { type RequestHandler } from 'express';
import { clientErrorStatus, type ErrorEnvelope } from '../json-fallbacks';

/** The newest version, which dropday pins by default (META_API_VERSION). */
export const META_API_VERSION = 'v26.0';
/** Every version Graph still serves (v23.0 to v26.0); facebook-nodejs-business-sdk@24 calls v24.0. */
export const META_API_VERSIONS: readonly string[] = ['v23.0', 'v24.0', 'v25.0', META_API_VERSION];

export const fbtraceId = () => `A${randomBytes(10).toString('base64url')}`;

export function graphErrorBody(code: number, message: string, extra: Record<string, unknown> = {}) {
  return { error: { message, type: 'OAuthException', code, ...extra, fbtrace_id: fbtraceId() } };
}

/**
 * Graph reads a JSON body's fields as it reads form fields: objects and arrays are the JSON text a form would carry,
 * numbers and booleans their text. The SDK sends JSON, curl examples send forms; handlers see one shape.
 */
export const graphParams: RequestHandler = (req, _res, next) => {
  const body: unknown = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return next();
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (value === null || value === undefined) continue;
    params[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  req.body = params;
  next();
};

export const graphErrorEnvelope: ErrorEnvelope = {
  notFound: (req) => ({ status: 404, body: graphErrorBody(2500, `Unknown path components: ${req.path}`) }),
  failed: (error) => {
    const status = clientErrorStatus(error);
    if (status) return { status, body: graphErrorBody(100, 'Invalid parameter: the request body could not be read') };
    return { status: 500, body: graphErrorBody(1, 'An unknown error has occurred.', { is_transient: true }) };
  },
};
