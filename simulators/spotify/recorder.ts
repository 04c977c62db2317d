import type { RequestHandler } from 'express';
import { fullPath } from './http-util';
import type { SpotifySimState } from './state';

export interface CallRecord {
  /** Epoch ms (simulator clock) when the request arrived. */
  at: number;
  method: string;
  path: string;
  query: Record<string, unknown>;
  userId?: string;
  /** HTTP status, or 0 when the connection closed without a response (timeout fault, client abort). */
  status: number;
  /** Set when an injected fault answered this call. */
  fault?: string;
}

export interface CallCounters {
  calls: number;
  byStatus: Record<string, number>;
  rateLimited: number;
  quotaRejected: number;
}

/** Log of every Web API and token call, for tests to assert on. */
export class CallRecorder {
  readonly records: CallRecord[] = [];
  readonly counters: CallCounters = { calls: 0, byStatus: {}, rateLimited: 0, quotaRejected: 0 };

  complete(record: CallRecord, status: number): void {
    record.status = status;
    this.counters.calls++;
    const key = String(status);
    this.counters.byStatus[key] = (this.counters.byStatus[key] ?? 0) + 1;
  }

  clear(): void {
    this.records.length = 0;
    Object.assign(this.counters, { calls: 0, byStatus: {}, rateLimited: 0, quotaRejected: 0 });
  }
}

/** Records the call when it arrives and fills in the status when the response is done. */
export function recordCallMiddleware(state: SpotifySimState): RequestHandler {
  return (req, res, next) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const record: CallRecord = {
      at: state.now(),
      method: req.method,
      path: fullPath(req),
      query: { ...(req.query as Record<string, unknown>) },
      userId: bearer === undefined ? undefined : state.auth.peekUserId(bearer),
      status: 0,
    };
    state.recorder.records.push(record);
    res.locals.callRecord = record;
    let done = false;
    const finish = (status: number) => {
      if (done) return;
      done = true;
      state.recorder.complete(record, status);
    };
    res.on('finish', () => finish(res.statusCode));
    res.on('close', () => finish(res.writableFinished ? res.statusCode : 0));
    next();
  };
}

/**
 * Marks the call as answered by an injected fault, when the fault is applied: a held ("timeout") call shows its fault
 * in `/calls` while it is held, and a client that gave up on it need not wait for the server to see the socket close.
 */
export function labelCallFault(res: { locals: Record<string, unknown> }, fault: string): void {
  const record = res.locals.callRecord as CallRecord | undefined;
  if (record) record.fault = fault;
}

/** Attaches the user a call acted for (the token endpoint only knows it after the exchange). */
export function labelCallUser(res: { locals: Record<string, unknown> }, userId: string | undefined): void {
  const record = res.locals.callRecord as CallRecord | undefined;
  if (record && userId !== undefined) record.userId = userId;
}
