// The page-view buffer against real PostgreSQL: batched inserts, a bound on what waits, a malformed event dropped
// without blocking the others, everything written at close, and nothing stored twice.
import { z } from 'zod';
import { EventBuffer } from '../../api/event-buffer';
import { type NewEvent } from '../../db/events';
import { sql } from '../../db/pool';
import { createLogger } from '../../lib/logger';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const logger = createLogger({ level: 'silent' });
const count = (prefix: string) =>
  db.pool.oneFirst(
    sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM events WHERE dedupe_key LIKE ${`${prefix}%`}`,
  );
const view = (key: string, extra: Partial<NewEvent> = {}): NewEvent => ({
  campaignId: null,
  type: 'PAGE_VIEW',
  dedupeKey: key,
  channel: 'direct',
  ...extra,
});

describe('EventBuffer', () => {
  it('writes in batches and stores each dedupe key once', async () => {
    const buffer = new EventBuffer(db.pool, logger, { flushMs: 60_000, maxBatch: 500, maxQueued: 10_000 });
    for (let i = 0; i < 1_200; i++) buffer.add(view(`PAGE_VIEW:batch-${i}`));
    buffer.add(view('PAGE_VIEW:batch-7')); // the same view again (a retried insert)
    await buffer.flush();
    expect(await count('PAGE_VIEW:batch-')).toBe(1_200);
    expect(buffer.stored).toBe(1_200);
    expect(buffer.pending).toBe(0);
  });

  it('flushes on its own after flushMs', async () => {
    const buffer = new EventBuffer(db.pool, logger, { flushMs: 30, maxBatch: 500, maxQueued: 100 });
    buffer.add(view('PAGE_VIEW:timer-1'));
    const deadline = Date.now() + 5_000;
    while ((await count('PAGE_VIEW:timer-')) === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(await count('PAGE_VIEW:timer-')).toBe(1);
  });

  it('drops beyond its bound instead of growing', async () => {
    const buffer = new EventBuffer(db.pool, logger, { flushMs: 60_000, maxBatch: 500, maxQueued: 10 });
    for (let i = 0; i < 15; i++) buffer.add(view(`PAGE_VIEW:bound-${i}`));
    expect(buffer.pending).toBe(10);
    expect(buffer.dropped).toBe(5);
    await buffer.flush();
    expect(await count('PAGE_VIEW:bound-')).toBe(10);
  });

  it('drops a malformed event and keeps the others', async () => {
    const buffer = new EventBuffer(db.pool, logger, { flushMs: 60_000, maxBatch: 500, maxQueued: 100 });
    buffer.add(view('PAGE_VIEW:poison-ok-1'));
    buffer.add(view('PAGE_VIEW:poison-bad', { country: 'fr' })); // violates the ISO-2 CHECK
    buffer.add(view('PAGE_VIEW:poison-ok-2'));
    await buffer.flush();
    expect(await count('PAGE_VIEW:poison-ok-')).toBe(2);
    expect(await count('PAGE_VIEW:poison-bad')).toBe(0);
    expect(buffer.dropped).toBe(1);
    expect(buffer.pending).toBe(0);
  });

  it('writes what waits at close and takes nothing after', async () => {
    const buffer = new EventBuffer(db.pool, logger, { flushMs: 60_000, maxBatch: 500, maxQueued: 100 });
    buffer.add(view('PAGE_VIEW:close-1'));
    buffer.add(view('PAGE_VIEW:close-2'));
    await buffer.close();
    buffer.add(view('PAGE_VIEW:close-3'));
    expect(await count('PAGE_VIEW:close-')).toBe(2);
    expect(buffer.dropped).toBe(1);
  });
});
