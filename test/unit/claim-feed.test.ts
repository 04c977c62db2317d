// A batch claims its rows a chunk at a time as its lanes need them (activities/claim-feed.ts), never more than its
// total, ending at the first short chunk; rows claimed always come out, even when the batch stops, so they can be
// given back. The claim's rows come wave by wave in turn (db/presaves.ts interleaveWaves).
import { batchPaceOf } from '../../activities/batch-pace';
import { createClaimFeed } from '../../activities/claim-feed';
import { interleaveWaves } from '../../db/presaves';

/** A claim over `available` rows that records each limit asked for. */
function source(available: number) {
  let next = 0;
  const asked: number[] = [];
  return {
    asked,
    claim: async (limit: number) => {
      asked.push(limit);
      await new Promise((r) => setTimeout(r, 1));
      const rows = Array.from({ length: Math.min(limit, available - next) }, (_, i) => next + i);
      next += rows.length;
      return rows;
    },
  };
}

async function drain<T>(feed: { next(): Promise<T | undefined> }, lanes: number): Promise<T[]> {
  const out: T[] = [];
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let row = await feed.next(); row !== undefined; row = await feed.next()) {
        out.push(row);
        await new Promise((r) => setTimeout(r, 1));
      }
    }),
  );
  return out;
}

describe('claim feed', () => {
  it("also claims at the next wave's instant, however full its queue; an ended feed claims nothing more", async () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const s = source(1_000);
    const instant = Date.now() + 150;
    const feed = createClaimFeed({
      claim: s.claim,
      total: 500,
      chunk: 10,
      lowWater: 2,
      stopped: () => false,
      nextWaveAt: async () => (instant > Date.now() ? instant : null),
    });
    expect(await feed.next()).toBe(0);
    expect(s.asked).toEqual([10]); // nine rows wait: above the low water, no refill
    await sleep(400);
    expect(s.asked).toEqual([10, 10]); // the wave's instant came: one claim then

    const short = source(5);
    const ended = createClaimFeed({
      claim: short.claim,
      total: 500,
      chunk: 10,
      lowWater: 2,
      stopped: () => false,
      nextWaveAt: async () => Date.now() + 150,
    });
    expect(await drain(ended, 2)).toHaveLength(5);
    await sleep(400);
    expect(short.asked).toEqual([10]); // its batch is over: rows claimed now would wait for nobody
  });

  it('claims chunk by chunk up to its total, each row once', async () => {
    const s = source(1_000);
    const feed = createClaimFeed({ claim: s.claim, total: 50, chunk: 16, lowWater: 4, stopped: () => false });
    const rows = await drain(feed, 4);
    expect(rows.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(s.asked).toEqual([16, 16, 16, 2]);
  });

  it('ends at the first short chunk (nothing more due)', async () => {
    const s = source(20);
    const feed = createClaimFeed({ claim: s.claim, total: 500, chunk: 16, lowWater: 4, stopped: () => false });
    expect(await drain(feed, 3)).toHaveLength(20);
    expect(s.asked).toEqual([16, 16]);
  });

  it('claims nothing more once stopped, and still hands out what it claimed', async () => {
    const s = source(1_000);
    let stopped = false;
    const feed = createClaimFeed({ claim: s.claim, total: 500, chunk: 10, lowWater: 2, stopped: () => stopped });
    const first = await feed.next();
    stopped = true;
    const rest = await drain(feed, 2);
    expect([first, ...rest]).toHaveLength(10);
    expect(s.asked).toEqual([10]);
  });

  it('throws a failed claim once the rows claimed before it are out', async () => {
    let calls = 0;
    const feed = createClaimFeed({
      claim: async () => {
        if (calls++ > 0) throw new Error('database gone');
        return [1, 2, 3, 4];
      },
      total: 100,
      chunk: 4,
      lowWater: 4,
      stopped: () => false,
    });
    const seen: number[] = [];
    await expect(
      (async () => {
        for (let row = await feed.next(); row !== undefined; row = await feed.next()) seen.push(row);
      })(),
    ).rejects.toThrow('database gone');
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});

describe('claim order and pace', () => {
  it("puts every wave's first row first, newest wave first", () => {
    const rows = [
      { id: 'a1', dueAt: 1 },
      { id: 'a2', dueAt: 1 },
      { id: 'a3', dueAt: 1 },
      { id: 'b1', dueAt: 2 },
      { id: 'c1', dueAt: 3 },
      { id: 'c2', dueAt: 3 },
    ];
    expect(interleaveWaves(rows).map((r) => r.id)).toEqual(['c1', 'b1', 'a1', 'c2', 'a2', 'a3']);
  });

  it('keeps about 1.5 s of the provider rate in flight per worker', () => {
    const config = {
      SPOTIFY_MAX_RPS: 192,
      APPLE_MUSIC_MAX_RPS: 20,
      RELEASE_PARALLEL_BATCHES: 16,
      RELEASE_BATCH_LANES: 16,
    };
    expect(batchPaceOf({ ...config, SPOTIFY_MAX_RPS: 40 }, { batchSize: 500, appleMusic: false })).toEqual({
      lanes: 4,
      chunk: 16,
      lowWater: 4,
    });
    expect(batchPaceOf(config, { batchSize: 500, appleMusic: true }).lanes).toBe(16); // (192 + 20) × 1.5 ÷ 16 = 20
    // A ceiling far above what one worker sends: every lane.
    expect(batchPaceOf({ ...config, SPOTIFY_MAX_RPS: 4_800 }, { batchSize: 500, appleMusic: false }).lanes).toBe(16);
    // A low rate: still two lanes, and no chunk above the batch.
    expect(batchPaceOf({ ...config, SPOTIFY_MAX_RPS: 20 }, { batchSize: 10, appleMusic: false })).toEqual({
      lanes: 2,
      chunk: 10,
      lowWater: 2,
    });
  });
});
