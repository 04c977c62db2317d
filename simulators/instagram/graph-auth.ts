// Who a Graph request speaks for: the token in `Authorization: Bearer` or `access_token` (both accepted), refused
// with code 190 (subcode 463 expired, 460 revoked) like graph.instagram.com does.
import { type NextFunction, type Request, type Response } from 'express';
import { graphErrorBody } from '../meta/graph-http';
import { type InstagramSimState } from './state';

export interface Caller {
  userId: string;
}

export function callerOf(state: InstagramSimState, req: Request, res: Response): Caller | null {
  const header = req.headers.authorization ?? '';
  const raw = header.startsWith('Bearer ')
    ? header.slice(7)
    : String(req.query.access_token ?? req.body?.access_token ?? '');
  const token = state.tokens.get(raw);
  const refuse = (subcode: number | undefined, message: string) => {
    res.status(400).json(graphErrorBody(190, message, subcode ? { error_subcode: subcode } : {}));
    return null;
  };
  if (!token) return refuse(undefined, 'Invalid OAuth access token - Cannot parse access token');
  if (token.expiresAt <= state.now()) return refuse(463, 'Error validating access token: Session has expired');
  if (state.revokedUsers.has(token.userId))
    return refuse(460, 'Error validating access token: The user has not authorized application');
  return { userId: token.userId };
}

/** The `{ig-id}` of a path, with `me` meaning the caller; another account's id is not found. */
export function ownAccount(caller: Caller, id: string, res: Response): boolean {
  if (id === 'me' || id === caller.userId) return true;
  res
    .status(400)
    .json(graphErrorBody(100, `Unsupported request - object with ID '${id}' does not exist`, { error_subcode: 33 }));
  return false;
}

/** Records every Graph call for tests (GET /__control/calls). */
export function recordCall(state: InstagramSimState) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.on('finish', () =>
      state.calls.push({ at: state.now(), method: req.method, path: req.path, status: res.statusCode }),
    );
    next();
  };
}
