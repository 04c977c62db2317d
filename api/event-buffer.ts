// Page views and clicks are written off the request path: the request only appends to this buffer, which inserts
// them in one statement every `flushMs` or as soon as `maxBatch` rows wait. Bounded: past `maxQueued` rows new
// events are dropped (counted and logged) rather than grow memory while PostgreSQL is away. A failed insert keeps
// its rows for the next flush; each carries its dedupe key, so a retried insert never stores one twice.
import { insertEvents, type NewEvent } from '../db/events';
import { type DatabasePool } from '../db/pool';
import { type Logger } from '../lib/logger';
import { type AppDeps } from './deps';

export interface EventBufferOptions {
  flushMs: number;
  maxBatch: number;
  maxQueued: number;
}

export class EventBuffer {
  private queue: NewEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  dropped = 0;
  stored = 0;

  constructor(
    private readonly pool: DatabasePool,
    private readonly logger: Logger,
    private readonly opts: EventBufferOptions,
  ) {}

  /** Never waits and never throws: tracking must not slow or fail the page. */
  add(event: NewEvent): void {
    if (this.closed || this.queue.length >= this.opts.maxQueued) {
      if (this.dropped++ % 1000 === 0) this.logger.warn({ dropped: this.dropped }, 'event buffer full: events dropped');
      return;
    }
    this.queue.push(event);
    if (this.queue.length >= this.opts.maxBatch) this.schedule(0);
    else this.schedule(this.opts.flushMs);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Writes everything queued now (waits for a flush in progress first). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    while (this.queue.length > 0) {
      const before = this.queue.length;
      this.flushing = this.flushOnce().finally(() => {
        this.flushing = null;
      });
      await this.flushing;
      if (this.queue.length >= before) return; // the insert failed: leave the rest to the timer
    }
  }

  /** At shutdown: stop taking events and write what is queued. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  private schedule(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush().catch((error: unknown) => this.logger.warn({ err: error }, 'event buffer flush failed'));
    }, delayMs);
    this.timer.unref();
  }

  private async flushOnce(): Promise<void> {
    const batch = this.queue.splice(0, this.opts.maxBatch);
    try {
      this.stored += await insertEvents(this.pool, batch);
    } catch (error) {
      if (isBadData(error)) {
        // One malformed event must not block the rest forever: insert them one by one, drop those refused.
        await this.insertEach(batch);
        return;
      }
      // Keep the rows (ahead of newer ones) within the bound, and try again after a pause.
      this.queue = [...batch, ...this.queue].slice(0, this.opts.maxQueued);
      this.logger.warn({ err: error, queued: this.queue.length }, 'event insert failed; will retry');
      if (!this.closed) this.schedule(Math.max(this.opts.flushMs, 1_000));
    }
  }

  private async insertEach(batch: NewEvent[]): Promise<void> {
    for (const [i, event] of batch.entries()) {
      try {
        this.stored += await insertEvents(this.pool, [event]);
      } catch (error) {
        if (!isBadData(error)) {
          this.queue = [...batch.slice(i), ...this.queue].slice(0, this.opts.maxQueued);
          if (!this.closed) this.schedule(Math.max(this.opts.flushMs, 1_000));
          return;
        }
        this.dropped++;
        this.logger.warn({ type: event.type, err: error }, 'event refused by the database: dropped');
      }
    }
  }
}

/**
 * A constraint or data error (SQLSTATE class 22 or 23): retrying the same row cannot help, unlike a lost connection.
 * slonik wraps the driver's error (`cause`), and its pool may re-throw that as an EventEmitter error (`context`).
 */
function isBadData(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as { code?: unknown; cause?: unknown; context?: unknown; name?: unknown };
  if (typeof e.code === 'string' && /^2[23][0-9A-Z]{3}$/.test(e.code)) return true;
  if (typeof e.name === 'string' && /IntegrityConstraintViolationError$|^DataIntegrityError$/.test(e.name)) return true;
  return isBadData(e.cause, depth + 1) || isBadData(e.context, depth + 1);
}

/** The app's buffer: the one main.ts made (and flushes at exit), else one made here from the configuration. */
export function eventBufferFor(deps: AppDeps): EventBuffer {
  deps.events ??= new EventBuffer(deps.pool, deps.logger, {
    flushMs: deps.config.EVENT_BUFFER_FLUSH_MS,
    maxBatch: deps.config.EVENT_BUFFER_BATCH,
    maxQueued: deps.config.EVENT_BUFFER_MAX,
  });
  return deps.events;
}
