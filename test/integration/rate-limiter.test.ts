// SPOTIFY_MAX_RPS is one limit across every worker process: several limiters (one per process) sharing the
// PostgreSQL bucket never exceed it together, a pause set by one holds them all, and within a process an urgent
// caller goes first.
import { SharedRateLimiter } from '../../activities/rate-limiter';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

async function acquireFor(limiter: SharedRateLimiter, ms: number): Promise<number[]> {
  const stamps: number[] = [];
  const end = Date.now() + ms;
  // Eight concurrent callers per "process", as a batch activity's delivery lanes would be.
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (Date.now() < end) {
        await limiter.acquire();
        if (Date.now() < end) stamps.push(Date.now());
      }
    }),
  );
  return stamps;
}

describe('the shared rate limit', () => {
  it('holds across three processes sharing one bucket', async () => {
    const rate = 20;
    const limiters = [1, 2, 3].map(() => new SharedRateLimiter(db.pool, 'spotify:shared-test', rate));
    const started = Date.now();
    const stamps = (await Promise.all(limiters.map((l) => acquireFor(l, 3_000)))).flat();
    const seconds = (Date.now() - started) / 1000;
    // At most the rate over the run plus one bucket of burst (capacity = one second's worth).
    expect(stamps.length).toBeLessThanOrEqual(Math.ceil(rate * seconds + rate));
    // And the limit is shared, not per process: three independent limits would allow three times as much.
    expect(stamps.length).toBeLessThan(rate * 3 * 3);
    expect(stamps.length).toBeGreaterThan(0);
  });

  it('an urgent caller (a wave that has just come) goes before the callers already waiting', async () => {
    const limiter = new SharedRateLimiter(db.pool, 'spotify:urgent-test', 10);
    await Promise.all(Array.from({ length: 10 }, () => limiter.acquire())); // the bucket's first second, spent
    const order: string[] = [];
    const backlog = Array.from({ length: 8 }, (_, i) => limiter.acquire().then(() => order.push(`backlog ${i}`)));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the backlog waits before the urgent caller asks
    const urgent = limiter.acquire(undefined, undefined, true).then(() => order.push('urgent'));
    await Promise.all([...backlog, urgent]);
    expect(order).toHaveLength(9);
    expect(order.indexOf('urgent')).toBeLessThanOrEqual(1); // in arrival order it would be last
  });

  it('a pause set by one process stops the others until it ends', async () => {
    const a = new SharedRateLimiter(db.pool, 'spotify:pause-test', 50);
    const b = new SharedRateLimiter(db.pool, 'spotify:pause-test', 50);
    const pausedUntil = Date.now() + 1_500;
    await a.pause(pausedUntil, 'rate_limited'); // a got a 429 with Retry-After
    expect(await b.sharedPause()).toMatchObject({ reason: 'rate_limited' });
    await b.acquire(); // b, another process, waits it out
    expect(Date.now()).toBeGreaterThanOrEqual(pausedUntil - 50);
    expect(await b.sharedPause()).toBeNull();
  });
});
