import type { RequestHandler } from 'express';
import { sendApiError } from './errors';
import type { SpotifySimState } from './state';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Timestamps of admitted calls, oldest first; a moving head avoids O(n) shifts under load. */
class TimestampLog {
  private stamps: number[] = [];
  private head = 0;

  add(at: number): void {
    this.stamps.push(at);
  }

  /** Drops entries at or before `cutoff` and returns how many remain. */
  pruneThrough(cutoff: number): number {
    while (this.head < this.stamps.length && this.stamps[this.head] <= cutoff) this.head++;
    if (this.head > 1024 && this.head * 2 > this.stamps.length) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
    return this.stamps.length - this.head;
  }

  /** The i-th oldest remaining entry. */
  at(i: number): number {
    return this.stamps[this.head + i];
  }

  clear(): void {
    this.stamps = [];
    this.head = 0;
  }
}

export interface RateLimits {
  rateLimitPerWindow: number;
  windowMs: number;
  dailyQuota: number;
}

export type Admission = { admitted: true } | { admitted: false; reason: 'rate' | 'quota'; retryAfterSeconds: number };

/**
 * App-wide limits as Spotify applies them: a rolling window (30 s by default) and, for
 * Development-mode apps since 2026-07, a rolling 24 h quota. Rejected calls are not counted,
 * so a client that honours Retry-After gets through once the window frees.
 */
export class AppRateLimiter {
  private readonly window = new TimestampLog();
  private readonly day = new TimestampLog();

  constructor(private readonly limits: () => RateLimits) {}

  tryAdmit(now: number): Admission {
    const { rateLimitPerWindow, windowMs, dailyQuota } = this.limits();
    const inDay = this.day.pruneThrough(now - DAY_MS);
    if (inDay >= dailyQuota) {
      return {
        admitted: false,
        reason: 'quota',
        retryAfterSeconds: this.secondsUntilFree(this.day, inDay, dailyQuota, DAY_MS, now),
      };
    }
    const inWindow = this.window.pruneThrough(now - windowMs);
    if (inWindow >= rateLimitPerWindow) {
      return {
        admitted: false,
        reason: 'rate',
        retryAfterSeconds: this.secondsUntilFree(this.window, inWindow, rateLimitPerWindow, windowMs, now),
      };
    }
    this.window.add(now);
    this.day.add(now);
    return { admitted: true };
  }

  /** Whole seconds (at least 1) until enough entries age out for one more call to fit. */
  private secondsUntilFree(log: TimestampLog, count: number, limit: number, spanMs: number, now: number): number {
    if (limit <= 0) return Math.max(1, Math.ceil(spanMs / 1000));
    const freesAt = log.at(count - limit) + spanMs;
    return Math.max(1, Math.ceil((freesAt - now) / 1000));
  }

  clear(): void {
    this.window.clear();
    this.day.clear();
  }
}

/** Express middleware for the Web API: answers 429 with Retry-After when the app is over its limits. */
export function rateLimitMiddleware(state: SpotifySimState): RequestHandler {
  return (_req, res, next) => {
    const admission = state.limiter.tryAdmit(state.now());
    if (admission.admitted) return next();
    res.set('Retry-After', String(admission.retryAfterSeconds));
    if (admission.reason === 'quota') {
      state.recorder.counters.quotaRejected++;
      sendApiError(res, 429, 'Too many requests', { reason: 'QUOTA_EXCEEDED' });
    } else {
      state.recorder.counters.rateLimited++;
      sendApiError(res, 429, 'API rate limit exceeded');
    }
  };
}
