// Faults on demand for the Apple Music simulator (the Spotify simulator's queue, Apple's answers): `429` without
// Retry-After, `5xx` with Apple's `50001` body, `timeout` (never answers), `lost-answer` (served, then cut).
import type { RequestHandler } from 'express';
import { holdWithoutAnswer } from '../spotify/faults';
import { fullPath } from '../spotify/http-util';
import { APPLE_ERRORS, sendAppleError } from './errors';
import type { AppleMusicSimState } from './state';

export function appleFaultMiddleware(state: AppleMusicSimState): RequestHandler {
  return (req, res, next) => {
    const fault = state.faults.take(fullPath(req), state.now());
    if (!fault) return next();
    switch (fault.kind) {
      case '429':
        state.counters.rateLimited++;
        return sendAppleError(res, APPLE_ERRORS.throttled);
      case '5xx':
        return sendAppleError(res, { ...APPLE_ERRORS.upstream, status: fault.status ?? 500 });
      case 'lost-answer': {
        res.end = ((..._args: unknown[]) => {
          req.socket.destroy();
          return res;
        }) as typeof res.end;
        return next();
      }
      default:
        // timeout (and `quota`, which Apple does not have): hold the request, then drop the connection.
        holdWithoutAnswer(state.faults, req, res, fault.delayMs);
    }
  };
}
