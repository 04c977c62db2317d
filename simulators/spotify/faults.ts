import type { RequestHandler } from 'express';
import { sendApiError } from './errors';
import { fullPath } from './http-util';
import type { SpotifySimState } from './state';

export type FaultKind = '5xx' | 'timeout' | '429' | 'quota';

export interface FaultSpec {
  kind: FaultKind;
  /** How many matching requests get the fault (default 1). */
  count?: number;
  /**
   * Path prefix, e.g. "/v1/me/library". Without it only Web API (/v1) requests match; with it the
   * token endpoint can be targeted too ("/api/token").
   */
  path?: string;
  /** 5xx only; default 503. */
  status?: number;
  /** 429 default 1, quota default 48925 (the value observed from Spotify). */
  retryAfterSeconds?: number;
  /** timeout only: hold the request this long, then destroy the socket (default 15000). */
  delayMs?: number;
}

export interface ActiveFault extends FaultSpec {
  id: number;
  remaining: number;
}

const SERVER_ERROR_MESSAGES: Record<number, string> = {
  500: 'Server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
};

/** Faults queued by tests, consumed in the order they were added. */
export class FaultQueue {
  private faults: ActiveFault[] = [];
  private sequence = 0;
  /** Timers of held ("timeout") requests, cancelled when the simulator closes. */
  readonly heldRequests = new Set<NodeJS.Timeout>();

  add(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = { ...spec, id: ++this.sequence, remaining: spec.count ?? 1 };
    this.faults.push(fault);
    return fault;
  }

  /** Consumes one use of the first fault matching `path`. */
  take(path: string): ActiveFault | undefined {
    const fault = this.faults.find((f) => (f.path === undefined ? path.startsWith('/v1') : path.startsWith(f.path)));
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }

  releaseHeldRequests(): void {
    for (const timer of this.heldRequests) clearTimeout(timer);
    this.heldRequests.clear();
  }
}

/** Applies the next queued fault matching this request, if any; otherwise passes through. */
export function faultMiddleware(state: SpotifySimState): RequestHandler {
  return (req, res, next) => {
    const fault = state.faults.take(fullPath(req));
    if (!fault) return next();
    res.locals.fault = fault.kind;
    switch (fault.kind) {
      case '5xx': {
        const status = fault.status ?? 503;
        sendApiError(res, status, SERVER_ERROR_MESSAGES[status] ?? 'Server error');
        return;
      }
      case '429':
        state.recorder.counters.rateLimited++;
        res.set('Retry-After', String(fault.retryAfterSeconds ?? 1));
        sendApiError(res, 429, 'API rate limit exceeded');
        return;
      case 'quota':
        state.recorder.counters.quotaRejected++;
        res.set('Retry-After', String(fault.retryAfterSeconds ?? 48925));
        sendApiError(res, 429, 'Too many requests', { reason: 'QUOTA_EXCEEDED' });
        return;
      case 'timeout': {
        // Never answer: hold the connection, then drop it like a dead upstream would.
        const timer = setTimeout(() => {
          state.faults.heldRequests.delete(timer);
          req.socket.destroy();
        }, fault.delayMs ?? 15_000);
        state.faults.heldRequests.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          state.faults.heldRequests.delete(timer);
        });
        return;
      }
    }
  };
}
