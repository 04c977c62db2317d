// One request rate per provider app across every worker process: a token bucket in PostgreSQL, leased in small
// chunks so that each process touches the row about ten times a second at most, plus a shared pause that any
// process sets when the provider answers 429 (Retry-After) or reports its quota spent.
import { type DatabasePool } from '../db/pool';
import { ensureRateLimitRow, leaseTokens, pauseProvider, providerPause } from '../db/rate-limits';

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

export class SharedRateLimiter {
  private localTokens = 0;
  /** urgent callers waiting: while there are any, the others leave this process's tokens to them */
  private urgentWaiting = 0;
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
   * Throws ProviderPaused rather than wait out a long pause, and stops waiting when `signal` aborts. `urgent`
   * callers go before the others waiting in this process (a wave whose instant has just come: its first fans
   * should not queue behind the deliveries already waiting for the ceiling).
   */
  async acquire(onWait?: (pause: ProviderPause | null) => void, signal?: AbortSignal, urgent = false): Promise<void> {
    if (!urgent) return this.acquireInTurn(onWait, signal, false);
    this.urgentWaiting += 1;
    try {
      return await this.acquireInTurn(onWait, signal, true);
    } finally {
      this.urgentWaiting -= 1;
    }
  }

  private async acquireInTurn(
    onWait: ((pause: ProviderPause | null) => void) | undefined,
    signal: AbortSignal | undefined,
    urgent: boolean,
  ): Promise<void> {
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
        if (urgent || this.urgentWaiting === 0) {
          this.localTokens -= 1;
          return;
        }
        await sleep(1); // let the urgent callers, woken by the same lease, take theirs first
        continue;
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
    await pauseProvider(this.pool, this.provider, forMs, reason);
  }

  /** The pause in force anywhere, as seen by PostgreSQL. */
  async sharedPause(): Promise<ProviderPause | null> {
    await this.ensureRow();
    const row = await providerPause(this.pool, this.provider);
    return row ? { untilMs: Date.now() + row.forMs, reason: row.reason ?? 'paused' } : null;
  }

  private activePause(): ProviderPause | null {
    if (this.localPause && this.localPause.untilMs > Date.now()) return this.localPause;
    this.localPause = null;
    return null;
  }

  private ensureRow(): Promise<void> {
    this.initialised ??= ensureRateLimitRow(this.pool, this.provider, this.capacity).then(
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
    const row = await leaseTokens(this.pool, {
      provider: this.provider,
      capacity: this.capacity,
      ratePerSecond: this.ratePerSecond,
      chunk: this.chunk,
    });
    if (row.pausedForMs !== null) {
      this.localPause = { untilMs: Date.now() + row.pausedForMs, reason: row.pauseReason ?? 'paused' };
      return;
    }
    this.localTokens += row.granted;
    if (row.granted === 0) {
      // Sleep until the bucket holds a whole chunk again. Waking for every single token meant a lease (a
      // transaction, four round trips) per request while the ceiling binds: at 192 calls/s a 100,000-fan wave's
      // worker spent 3.4 ms of CPU per delivery instead of ~1.2.
      await sleep(Math.ceil(((this.chunk - row.available) / this.ratePerSecond) * 1000));
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(1, ms)));
}
