// Apple Music's error body (docs/providers/apple-music.md "Errors"): `{errors:[{id,title,detail,status,code}]}` with
// `status` and `code` as strings, for every non-2xx the simulator gives, its own failures and unknown paths included.
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { clientErrorStatus, type ErrorEnvelope } from '../json-fallbacks';

export interface AppleError {
  status: number;
  code: string;
  title: string;
  detail?: string;
}

export const APPLE_ERRORS = {
  developerToken: { status: 401, code: '40100', title: 'Unauthorized', detail: 'Invalid developer token' },
  userTokenMissing: {
    status: 400,
    code: '40002',
    title: 'Missing Music-User-Token',
    detail: 'Music-User-Token required',
  },
  userTokenRevoked: { status: 403, code: '40300', title: 'Forbidden', detail: 'Invalid authentication' },
  noSubscription: {
    status: 400,
    code: '40015',
    title: 'Insufficient Privileges',
    detail: "User's subscription tier does not have access to privilege: CloudLibrary",
  },
  notFound: { status: 404, code: '40400', title: 'Resource Not Found' },
  noRelated: { status: 404, code: '40403', title: 'No related resources' },
  badParameter: { status: 400, code: '40005', title: 'Invalid Parameter Value' },
  throttled: { status: 429, code: '42900', title: 'Too Many Requests' },
  upstream: { status: 500, code: '50001', title: 'Upstream Service Error' },
} satisfies Record<string, AppleError>;

export function appleErrorBody(error: AppleError, detail?: string) {
  const id = randomBytes(13).toString('hex').toUpperCase();
  const d = detail ?? error.detail;
  return {
    errors: [{ id, title: error.title, ...(d ? { detail: d } : {}), status: String(error.status), code: error.code }],
  };
}

export function sendAppleError(res: Response, error: AppleError, detail?: string): void {
  res.status(error.status).json(appleErrorBody(error, detail));
}

export const appleErrorEnvelope: ErrorEnvelope = {
  notFound: () => ({ status: 404, body: appleErrorBody(APPLE_ERRORS.notFound) }),
  failed: (error) => {
    const status = clientErrorStatus(error);
    return status
      ? { status, body: appleErrorBody({ ...APPLE_ERRORS.badParameter, status }) }
      : { status: 500, body: appleErrorBody(APPLE_ERRORS.upstream) };
  },
};
