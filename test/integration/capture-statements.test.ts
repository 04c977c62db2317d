// The pre-save capture's statements, as PostgreSQL sees them: the busiest ones are prepared once per connection
// (db/pool.ts, NO_ROWS), and a consenting fan new to us is stored with their tokens in one statement (db/fans.ts,
// storeConsentedFan) while one we know keeps their id and gets their tokens sealed to it again.
import { z } from 'zod';
import { loadFanTokens, storeConsentedFan, upsertFan } from '../../db/fans';
import { createDatabasePool, type DatabasePool, sql } from '../../db/pool';
import { recordNewFanPresave } from '../../db/presave-capture';
import { hitRateLimit } from '../../db/request-rate-limits';
import { bareCampaign } from '../helpers/analytics-fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { testConfig } from '../helpers/config';

const { keyRing } = testConfig();
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const tokens = (n: number) => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  expiresInSeconds: 3600,
  scope: 'user-library-modify user-library-read',
  consentedAt: Date.now(),
});

/** Counts the statements a pool sends (an interceptor on a pool of its own). */
async function countingPool(): Promise<{ pool: DatabasePool; statements: string[] }> {
  const statements: string[] = [];
  const pool = await createDatabasePool(db.url, {
    maximumPoolSize: 1,
    interceptors: [
      { name: 'count', beforeQueryExecution: async (ctx) => (statements.push(ctx.originalQuery.sql), null) },
    ],
  });
  return { pool, statements };
}

describe('a consenting fan', () => {
  it('is stored with their tokens in one statement when new to us, their tokens readable under their id', async () => {
    const { pool, statements } = await countingPool();
    try {
      const fanId = await storeConsentedFan(pool, keyRing, {
        provider: 'spotify',
        providerUserId: 'capture-new-fan-0000001',
        timeZone: 'Europe/Paris',
        tokens: tokens(1),
      });
      expect(statements).toHaveLength(1);
      expect(await loadFanTokens(pool, keyRing, fanId)).toMatchObject({
        accessToken: 'access-1',
        refreshToken: 'refresh-1',
      });
      const zone = await pool.oneFirst(sql.type(z.object({ z: z.string() }))`
        SELECT time_zone AS z FROM fans WHERE id = ${fanId}`);
      expect(zone).toBe('Europe/Paris');
    } finally {
      await pool.end();
    }
  });

  it('keeps the id of a fan we know, replaces their tokens and makes a revoked consent active again', async () => {
    const known = await upsertFan(db.pool, {
      provider: 'spotify',
      providerUserId: 'capture-known-fan-00001',
      timeZone: 'Asia/Tokyo',
    });
    await storeConsentedFan(db.pool, keyRing, {
      provider: 'spotify',
      providerUserId: 'capture-known-fan-00001',
      timeZone: null,
      tokens: tokens(2),
    });
    await db.pool.query(sql.unsafe`UPDATE fan_tokens SET status = 'revoked' WHERE fan_id = ${known}`);

    const again = await storeConsentedFan(db.pool, keyRing, {
      provider: 'spotify',
      providerUserId: 'capture-known-fan-00001',
      timeZone: null, // no zone from the browser this time: the one we had stays
      tokens: tokens(3),
    });
    expect(again).toBe(known);
    expect(await loadFanTokens(db.pool, keyRing, known)).toMatchObject({
      accessToken: 'access-3',
      refreshToken: 'refresh-3',
    });
    const row = await db.pool.one(sql.type(z.object({ status: z.string(), zone: z.string(), fans: z.number() }))`
      SELECT t.status, f.time_zone AS zone,
             (SELECT count(*)::int FROM fans WHERE provider_user_id = 'capture-known-fan-00001') AS fans
      FROM fan_tokens t JOIN fans f ON f.id = t.fan_id WHERE t.fan_id = ${known}`);
    expect(row).toEqual({ status: 'active', zone: 'Asia/Tokyo', fans: 1 });
  });
});

describe('a new fan’s pre-save', () => {
  const spotifyFan = (name: string, timeZone: string | null, n = 7) => ({
    provider: 'spotify',
    providerUserId: name,
    timeZone,
    tokens: tokens(n),
  });
  const record = (pool: DatabasePool, campaignId: string, fan: ReturnType<typeof spotifyFan>) =>
    recordNewFanPresave(pool, keyRing, {
      fan,
      campaignId,
      platform: 'spotify',
      lang: 'fr',
      auth: { ipHash: 'ip-hash-of-fan', country: 'FR' },
      tellIfDueBefore: Date.now() + 10_000,
    });

  it('is one statement: the fan, their tokens, the pre-save due at their midnight, its AUTH event and the word to the engine', async () => {
    const campaignId = await bareCampaign(db.pool, 'Capture Local');
    await db.pool.query(sql.unsafe`UPDATE campaigns SET release_policy = 'local' WHERE id = ${campaignId}`);
    const { pool, statements } = await countingPool();
    try {
      const first = await record(pool, campaignId, spotifyFan('capture-tokyo-fan-00001', 'Asia/Tokyo'));
      expect(statements).toHaveLength(1);
      expect(first).not.toBeNull();
      // 2031-06-01 00:00 in Tokyo; the first of its wave: the engine is told
      expect(first!.presave).toMatchObject({ state: 'pending', wavePlanned: false, dueAt: Date.UTC(2031, 4, 31, 15) });
      expect(first!.handoffId).not.toBeNull();
      expect(await loadFanTokens(pool, keyRing, first!.fanId)).toMatchObject({ accessToken: 'access-7' });
      const auth = await pool.one(sql.type(z.object({ fanId: z.string(), ipHash: z.string(), country: z.string() }))`
        SELECT fan_id AS "fanId", ip_hash AS "ipHash", country FROM events
        WHERE campaign_id = ${campaignId} AND type = 'AUTH'`);
      expect(auth).toEqual({ fanId: first!.fanId, ipHash: 'ip-hash-of-fan', country: 'FR' });

      // Another fan of the same wave joins a wave the engine has in its plan: no word; a new zone's wave: word.
      const second = await record(pool, campaignId, spotifyFan('capture-tokyo-fan-00002', 'Asia/Tokyo'));
      expect([second!.presave.wavePlanned, second!.handoffId]).toEqual([true, null]);
      const third = await record(pool, campaignId, spotifyFan('capture-paris-fan-00003', 'Europe/Paris'));
      expect(third!.presave).toMatchObject({ wavePlanned: false, dueAt: Date.UTC(2031, 4, 31, 22) });
      const handoffs = await pool.anyFirst(sql.type(z.object({ due: z.number() }))`
        SELECT due_at AS due FROM release_handoffs WHERE campaign_id = ${campaignId} ORDER BY due_at`);
      expect(handoffs).toEqual([Date.UTC(2031, 4, 31, 15), Date.UTC(2031, 4, 31, 22)]);
    } finally {
      await pool.end();
    }
  });

  it('stores nothing for a fan we know (their zone aside) nor for a campaign that is gone', async () => {
    const campaignId = await bareCampaign(db.pool, 'Capture Known');
    const known = await upsertFan(db.pool, {
      provider: 'spotify',
      providerUserId: 'capture-known-fan-00002',
      timeZone: null,
    });
    expect(await record(db.pool, campaignId, spotifyFan('capture-known-fan-00002', 'America/Lima'))).toBeNull();
    const count = (table: 'presaves' | 'events' | 'fan_tokens') =>
      db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM ${sql.identifier([table])} WHERE fan_id = ${known}`);
    expect([await count('presaves'), await count('events'), await count('fan_tokens')]).toEqual([0, 0, 0]);

    const gone = '7d1f4c2e-5b7a-4c3e-9f0a-2b6d8e1c4a90';
    expect(await record(db.pool, gone, spotifyFan('capture-orphan-fan-0001', 'Asia/Tokyo'))).toBeNull();
    const fans = await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM fans WHERE provider_user_id = 'capture-orphan-fan-0001'`);
    expect(fans).toBe(0);
  });
});

describe('rate-limit counts', () => {
  it('of requests arriving together go in fewer statements, each request told its exact count in the window', async () => {
    const { pool, statements } = await countingPool();
    try {
      const hits = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          hitRateLimit(pool, {
            policy: 'oauth',
            client: i % 3 === 0 ? '198.51.100.7' : `198.51.100.${100 + i}`,
            windowSeconds: 60,
          }),
        ),
      );
      // 20 requests of one client: counts 1..20 in the order they came; every other client: 1.
      const ofOne = hits.filter((_, i) => i % 3 === 0).map((h) => h.hits);
      expect(ofOne).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(hits.filter((_, i) => i % 3 !== 0).every((h) => h.hits === 1)).toBe(true);
      expect(hits.every((h) => h.resetInMs > 0 && h.resetInMs <= 60_000)).toBe(true);
      expect(statements.length).toBeLessThan(10); // the first alone, the rest together
      const stored = await pool.oneFirst(sql.type(z.object({ hits: z.number() }))`
        SELECT hits FROM request_rate_limits WHERE policy = 'oauth' AND client = '198.51.100.7'`);
      expect(stored).toBe(20);
      // and the next one, alone, goes on from there
      expect((await hitRateLimit(pool, { policy: 'oauth', client: '198.51.100.7', windowSeconds: 60 })).hits).toBe(21);
    } finally {
      await pool.end();
    }
  });
});

describe('prepared statements', () => {
  it('are parsed once per connection: the connection holds the capture path’s statement under its name', async () => {
    const pool = await createDatabasePool(db.url, { maximumPoolSize: 1 });
    try {
      for (let i = 0; i < 3; i++)
        await hitRateLimit(pool, { policy: 'presave', client: '192.0.2.1', windowSeconds: 60 });
      const prepared = await pool.anyFirst(sql.type(z.object({ name: z.string() }))`
        SELECT name FROM pg_prepared_statements`);
      expect(prepared).toContain('hit_rate_limits');
      const hits = await hitRateLimit(pool, { policy: 'presave', client: '192.0.2.1', windowSeconds: 60 });
      expect(hits.hits).toBe(4);
    } finally {
      await pool.end();
    }
  });
});
