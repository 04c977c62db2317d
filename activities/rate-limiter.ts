// One request rate per provider app across every worker process: a token bucket in PostgreSQL, leased in small
// chunks so that each process touches the row about ten times a second at most, plus a shared pause that any
// process sets when the provider answers 429 (Retry-After) or reports its quota spent.
import { z } from 'zod';
import { type DatabasePool, sql } from '../db/pool';

export interface ProviderPause {
  untilMs: number;
  reason: string;
}

/** Thrown by acquire() when the provider is paused for longer than the caller is willing to wait. */
export class ProviderPaused extends Error {
  constructor(readonly pause: ProviderPause) {
    super(`provider paused (${pause.reason}) until ${new Date(pause.untilMs).toISOString()}`);
    this.name = 'ProviderPaused';
  }
}

/** Short pauses (a 429's Retry-After) are waited out in place; longer ones (a spent quota) are handed back. */
const MAX_WAIT_IN_PLACE_MS = 30_000;

const leaseRow = z.object({
  granted: z.number(),
  available: z.number(),
  pausedForMs: z.number().nullable(),
  pauseReason: z.string().nullable(),
});

export class SharedRateLimiter {
  private localTokens = 0;
  private localPause: ProviderPause | null = null;
  private leasing: Promise<void> | null = null;
  private readonly chunk: number;
  private readonly capacity: number;
  private initialised: Promise<void> | null = null;

  constructor(
    private readonly pool: DatabasePool,
    private readonly provider: string,
    private readonly ratePerSecond: number,
  ) {
    this.chunk = Math.max(1, Math.ceil(ratePerSecond / 10));
    this.capacity = Math.max(this.chunk, ratePerSecond);
  }

  /**
   * Waits for one request's worth of budget. `onWait` is called while waiting (activities heartbeat there).
   * Throws ProviderPaused rather than wait out a long pause, and stops waiting when `signal` aborts.
   */
  async acquire(onWait?: (pause: ProviderPause | null) => void, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const pause = this.activePause();
      if (pause && (pause.reason === 'quota_exceeded' || pause.untilMs - Date.now() > MAX_WAIT_IN_PLACE_MS)) {
        throw new ProviderPaused(pause);
      }
      if (pause) {
        onWait?.(pause);
        await sleep(Math.min(pause.untilMs - Date.now(), 1_000));
        continue;
      }
      if (this.localTokens > 0) {
        this.localTokens -= 1;
        return;
      }
      this.leasing ??= this.lease().finally(() => {
        this.leasing = null;
      });
      await this.leasing;
      if (this.localTokens === 0 && !this.activePause()) onWait?.(null);
    }
  }

  /** Every process stops sending until `untilMs`. */
  async pause(untilMs: number, reason: string): Promise<void> {
    this.localTokens = 0;
    if (!this.localPause || this.localPause.untilMs < untilMs) this.localPause = { untilMs, reason };
    await this.ensureRow();
    const forMs = Math.max(0, untilMs - Date.now());
    await this.pool.query(sql.unsafe`
      UPDATE provider_rate_limits
      SET paused_until = greatest(coalesce(paused_until, '-infinity'), clock_timestamp() + ${forMs} * interval '1 millisecond'),
          -- a shorter pause must not relabel a longer one (a quick 429 during a spent quota)
          pause_reason = CASE WHEN clock_timestamp() + ${forMs} * interval '1 millisecond' >= coalesce(paused_until, '-infinity')
                              THEN ${reason} ELSE pause_reason END
      WHERE provider = ${this.provider}`);
  }

  /** The pause in force anywhere, as seen by PostgreSQL. */
  async sharedPause(): Promise<ProviderPause | null> {
    await this.ensureRow();
    const row = await this.pool.maybeOne(sql.type(z.object({ forMs: z.number(), reason: z.string().nullable() }))`
      SELECT (extract(epoch FROM paused_until - clock_timestamp()) * 1000)::float8 AS "forMs", pause_reason AS reason
      FROM provider_rate_limits WHERE provider = ${this.provider} AND paused_until > clock_timestamp()`);
    return row ? { untilMs: Date.now() + row.forMs, reason: row.reason ?? 'paused' } : null;
  }

  private activePause(): ProviderPause | null {
    if (this.localPause && this.localPause.untilMs > Date.now()) return this.localPause;
    this.localPause = null;
    return null;
  }

  private ensureRow(): Promise<void> {
    this.initialised ??= this.pool
      .query(sql.unsafe`
        INSERT INTO provider_rate_limits (provider, tokens) VALUES (${this.provider}, ${this.capacity})
        ON CONFLICT (provider) DO NOTHING`)
      .then(
        () => undefined,
        (error: unknown) => {
          this.initialised = null; // try again next time rather than fail for the life of the process
          throw error;
        },
      );
    return this.initialised;
  }

  private async lease(): Promise<void> {
    await this.ensureRow();
    const row = await this.pool.one(sql.type(leaseRow)`
      WITH current AS (
        SELECT provider,
               least(${this.capacity}::float8,
                     tokens + ${this.ratePerSecond}::float8 * extract(epoch FROM clock_timestamp() - refilled_at)) AS available,
               CASE WHEN paused_until > clock_timestamp()
                    THEN (extract(epoch FROM paused_until - clock_timestamp()) * 1000)::float8 END AS paused_for_ms,
               pause_reason
        FROM provider_rate_limits WHERE provider = ${this.provider} FOR UPDATE
      ), grant_ AS (
        SELECT *, CASE WHEN paused_for_ms IS NULL THEN least(floor(available), ${this.chunk}) ELSE 0 END AS granted
        FROM current
      )
      UPDATE provider_rate_limits r
      SET tokens = g.available - g.granted, refilled_at = clock_timestamp()
      FROM grant_ g WHERE r.provider = g.provider
      RETURNING g.granted::float8 AS granted, g.available::float8 AS available,
                g.paused_for_ms AS "pausedForMs", g.pause_reason AS "pauseReason"`);
    if (row.pausedForMs !== null) {
      this.localPause = { untilMs: Date.now() + row.pausedForMs, reason: row.pauseReason ?? 'paused' };
      return;
    }
    this.localTokens += row.granted;
    if (row.granted === 0) {
      // Sleep until the bucket holds a whole token again.
      await sleep(Math.ceil(((1 - row.available) / this.ratePerSecond) * 1000));
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(1, ms)));
}
