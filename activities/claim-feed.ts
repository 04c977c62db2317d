// A batch's rows, claimed a chunk at a time as its lanes need them rather than all at once when the batch starts.
// Why: while the provider's ceiling binds, rows claimed up front only wait (a window of 16 batches × 500 rows is 40 s
// of work at 200 calls/s), and a zone whose instant comes meanwhile waits for a batch to end before any claim can see
// its rows. Claiming in small chunks keeps a few seconds of work claimed at a time, so every claim (fair across the
// due waves: db/presaves.ts claimDuePresaves) comes soon after a new wave is due, and the process holds only the
// rows (and decrypted tokens) it is about to deliver. All chunks share the attempt's claim token and lease.

export interface ClaimFeed<T> {
  /** The next row to deliver; undefined once the batch has nothing left (its total claimed, or nothing due). */
  next(): Promise<T | undefined>;
}

export function createClaimFeed<T>(opts: {
  /** claims up to `limit` rows (and prepares them: tokens read) */
  claim: (limit: number) => Promise<readonly T[]>;
  /** the most the batch claims in all */
  total: number;
  /** rows claimed at a time */
  chunk: number;
  /** the next chunk is claimed once fewer than this many rows wait */
  lowWater: number;
  /** the batch is stopping (paused, cancelled, failed): what is queued still comes out, nothing more is claimed */
  stopped: () => boolean;
  /** the order of what waits, after each chunk (the newest wave's first rows ahead of older waves' rest) */
  order?: (waiting: readonly T[]) => T[];
  /**
   * The instant of the next wave not yet due (ms), or null. The feed then also claims at that instant, whatever its
   * queue holds: the batches of a wave go at one pace, so their low-water refills fall in step, and a wave whose
   * instant came just after one waited for the next, seconds later (docs/performance.md).
   */
  nextWaveAt?: () => Promise<number | null>;
}): ClaimFeed<T> {
  const queue: T[] = [];
  let asked = 0;
  let exhausted = opts.total <= 0;
  let claiming: Promise<void> | null = null;
  let failure: { error: unknown } | null = null;
  let waveTimer: ReturnType<typeof setTimeout> | null = null;
  const ended = () => exhausted || opts.stopped();

  function refill(): Promise<void> {
    claiming ??= (async () => {
      const limit = Math.min(opts.chunk, opts.total - asked);
      asked += limit;
      const rows = await opts.claim(limit);
      // A short chunk: nothing more is due and unclaimed (for now); the batch ends with what it has.
      if (rows.length < limit || asked >= opts.total) exhausted = true;
      queue.push(...rows);
      if (opts.order && rows.length > 0) queue.splice(0, queue.length, ...opts.order(queue));
    })()
      .catch((error: unknown) => {
        failure = { error };
        exhausted = true;
      })
      .finally(() => {
        claiming = null;
      });
    return claiming;
  }

  // PostgreSQL's clock decides what is due: a claim a little after the instant, and never a tight loop when this
  // process's clock runs ahead of it.
  async function armWaveClaim(): Promise<void> {
    if (!opts.nextWaveAt || ended()) return;
    const at = await opts.nextWaveAt().catch(() => null);
    if (at === null || ended()) return;
    waveTimer = setTimeout(
      () => {
        waveTimer = null;
        if (ended()) return; // the batch is over: a claim now would hold rows nobody delivers
        void (claiming ?? Promise.resolve()).then(() => (ended() ? undefined : refill())).then(armWaveClaim);
      },
      Math.max(WAVE_CLAIM_MIN_DELAY_MS, at - Date.now() + WAVE_CLAIM_MARGIN_MS),
    );
  }
  const disarm = () => {
    if (waveTimer) clearTimeout(waveTimer);
    waveTimer = null;
  };
  void armWaveClaim();

  return {
    async next() {
      for (;;) {
        if (!exhausted && !opts.stopped() && queue.length < opts.lowWater) {
          const refilled = refill();
          if (queue.length === 0) await refilled;
        } else if (queue.length === 0 && claiming) {
          await claiming;
        }
        // Rows claimed come out even when the batch stops (the lanes give them back); a failed claim is thrown
        // once nothing claimed is left.
        const row = queue.shift();
        if (row !== undefined) return row;
        if (failure) {
          disarm();
          throw failure.error;
        }
        if (ended()) {
          disarm();
          return undefined;
        }
      }
    },
  };
}

const WAVE_CLAIM_MARGIN_MS = 50;
const WAVE_CLAIM_MIN_DELAY_MS = 100;
