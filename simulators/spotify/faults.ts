import type { Request, RequestHandler, Response } from 'express';
import { seededRandom } from '../../lib/seeded-random';
import { sendApiError } from './errors';
import { fullPath } from './http-util';
import { labelCallFault } from './recorder';
import type { SpotifySimState } from './state';

/** `lost-answer`: the request is served (a write lands), then the connection drops before the answer. */
export type FaultKind = '5xx' | 'timeout' | '429' | 'quota' | 'lost-answer';

export interface FaultSpec {
  kind: FaultKind;
  /** How many matching requests get the fault (default 1; unlimited with `rate` or `durationMs` unless given). */
  count?: number;
  /** The share (0–1] of matching requests that get it, drawn from a seeded generator (chaos runs). */
  rate?: number;
  /** Seed of that generator (default 1), so a run can be repeated. */
  seed?: number;
  /** Active for this long from now; every matching request in the window gets it (with `rate`, that share). */
  durationMs?: number;
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
  /** when a `durationMs` fault ends */
  endsAt?: number;
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

  private readonly draws = new Map<number, () => number>();

  add(spec: FaultSpec, now = Date.now()): ActiveFault {
    const open = spec.rate !== undefined || spec.durationMs !== undefined;
    const fault: ActiveFault = {
      ...spec,
      id: ++this.sequence,
      remaining: spec.count ?? (open ? Number.POSITIVE_INFINITY : 1),
      endsAt: spec.durationMs === undefined ? undefined : now + spec.durationMs,
    };
    this.faults.push(fault);
    if (spec.rate !== undefined) this.draws.set(fault.id, seededRandom(spec.seed ?? 1));
    return fault;
  }

  /** Consumes one use of the first fault matching `path` (a `rate` fault matches that share of requests). */
  take(path: string, now = Date.now()): ActiveFault | undefined {
    this.faults = this.faults.filter((f) => f.endsAt === undefined || f.endsAt > now);
    const fault = this.faults.find(
      (f) =>
        (f.path === undefined ? path.startsWith('/v1') : path.startsWith(f.path)) &&
        (f.rate === undefined || this.draws.get(f.id)!() < f.rate),
    );
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  list(): ActiveFault[] {
    // JSON has no Infinity: an open-ended fault shows remaining null.
    return this.faults.map((f) => ({ ...f, remaining: Number.isFinite(f.remaining) ? f.remaining : (null as never) }));
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
    const fault = state.faults.take(fullPath(req), state.now());
    if (!fault) return next();
    labelCallFault(res, fault.kind);
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
      case 'lost-answer': {
        // Serve it (a write lands), then drop the connection instead of answering, like a proxy timing out.
        const end = res.end.bind(res);
        res.end = ((..._args: unknown[]) => {
          req.socket.destroy();
          return res;
        }) as typeof res.end;
        res.on('close', () => void (res.end = end));
        return next();
      }
      case 'timeout':
        holdWithoutAnswer(state.faults, req, res, fault.delayMs);
        return;
    }
  };
}

/** The `timeout` fault: never answer, hold the connection, then drop it like a dead upstream would. */
export function holdWithoutAnswer(faults: FaultQueue, req: Request, res: Response, delayMs = 15_000): void {
  const timer = setTimeout(() => {
    faults.heldRequests.delete(timer);
    req.socket.destroy();
  }, delayMs);
  faults.heldRequests.add(timer);
  res.on('close', () => {
    clearTimeout(timer);
    faults.heldRequests.delete(timer);
  });
}
