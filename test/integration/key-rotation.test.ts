// Rotating the encryption key ring on stored tokens: after adding a key and resealing, every row is under the
// new key, reads still work, and the old key can be retired.
import { z } from 'zod';
import { loadFanTokens, resealFanTokens, storeFanTokens, upsertFan } from '../../db/fans';
import { sql } from '../../db/pool';
import { KeyRing } from '../../lib/crypto/keyring';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('key rotation of stored tokens', () => {
  it('reseals under the new key; old ciphertexts decrypt until resealed; the old key can then be retired', async () => {
    const k1 = `k1:${KeyRing.generateKey()}`;
    const k2 = `k2:${KeyRing.generateKey()}`;
    const before = KeyRing.fromConfig(k1);
    const fanIds: string[] = [];
    for (const i of [1, 2, 3]) {
      const fanId = await upsertFan(db.pool, { provider: 'spotify', providerUserId: `rot-${i}`, timeZone: null });
      await storeFanTokens(db.pool, before, fanId, {
        accessToken: `access-${i}`, refreshToken: `refresh-${i}`, expiresInSeconds: 3600, scope: 's', consentedAt: Date.now(),
      });
      fanIds.push(fanId);
    }
    const keyIds = () => db.pool.anyFirst(sql.type(z.object({ k: z.string() }))`
      SELECT DISTINCT split_part(access_token_enc, ':', 3) || '/' || split_part(refresh_token_enc, ':', 3) AS k FROM fan_tokens`);
    expect(await keyIds()).toEqual(['k1/k1']);

    const both = KeyRing.fromConfig(`${k1},${k2}`);
    expect((await loadFanTokens(db.pool, both, fanIds[0]))?.accessToken).toBe('access-1'); // old rows still open
    expect(await resealFanTokens(db.pool, both)).toBe(3);
    expect(await keyIds()).toEqual(['k2/k2']);
    expect(await resealFanTokens(db.pool, both)).toBe(0); // idempotent

    const retired = KeyRing.fromConfig(k2);
    for (const [i, fanId] of fanIds.entries()) {
      expect(await loadFanTokens(db.pool, retired, fanId)).toMatchObject({ accessToken: `access-${i + 1}`, refreshToken: `refresh-${i + 1}` });
    }
  });
});
