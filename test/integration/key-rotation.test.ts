// Rotating the encryption key ring on stored secrets: the key rotation workflow, started by an ops key through the
// API, re-encrypts every encrypted column under the new key; reads keep working and the old key can be retired.
import { insertMember } from '../../db/members';
import { randomUUID } from 'node:crypto';
import axios from 'axios';
import { z } from 'zod';
import { insertAccount, insertApiKey } from '../../db/accounts';
import { insertOrder, orderEmailContext } from '../../db/billing';
import { ENCRYPTED_TABLES } from '../../db/encrypted-columns';
import { storeInboxEvent } from '../../db/instagram-inbox';
import { PACKAGE_IDS } from '../../lib/billing/plans';
import { loadAppleMusicToken, storeAppleMusicToken } from '../../db/apple-music-tokens';
import { loadFanTokens, storeFanTokens, upsertFan } from '../../db/fans';
import { createConnection } from '../../db/connections';
import { conversionsAccessToken, queueConversion, saveMetaPixel } from '../../db/conversions';
import { queueGoogleClickConversion } from '../../db/google-conversions';
import { queueEmail } from '../../db/outbox';
import { sql } from '../../db/pool';
import { upsertSubscriber } from '../../db/subscribers';
import { createLookupHasher } from '../../lib/crypto/lookup-hash';
import { generateApiKey, hashApiKey } from '../../lib/crypto/hash';
import { KeyRing } from '../../lib/crypto/keyring';
import { createLogger } from '../../lib/logger';
import { startTestApi, type TestApi } from '../helpers/app';
import { testConfig } from '../helpers/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { connectTestTemporal, type TestTemporal } from '../helpers/temporal';

const http = axios.create({ validateStatus: () => true });
const k1 = `k1:${KeyRing.generateKey()}`;
const k2 = `k2:${KeyRing.generateKey()}`;

let db: TestDatabase;
let temporal: TestTemporal;
let api: TestApi;
const before = KeyRing.fromConfig(k1);
const { config, keyRing: after } = testConfig({ ENCRYPTION_KEYS: `${k1},${k2}` });

beforeAll(async () => {
  db = await createTestDatabase();
  temporal = await connectTestTemporal(after);
  const cfg = { ...config, TEMPORAL_TASK_QUEUE: temporal.taskQueue };
  await temporal.startWorker({ config: cfg, pool: db.pool, keyRing: after, logger: createLogger({ level: 'silent' }) });
  api = await startTestApi({ config: cfg, pool: db.pool, temporal: temporal.client, keyRing: after });
});
afterAll(async () => {
  await api?.close();
  await temporal?.close();
  await db?.drop();
});

async function apiKey(role: 'ops' | 'artist'): Promise<string> {
  const key = generateApiKey(role);
  await db.pool.transaction(async (tx) => {
    const account = await insertAccount(tx, { name: role, email: `${role}@example.com` });
    await insertApiKey(tx, { accountId: account.id, role, keyHash: hashApiKey(key) });
  });
  return key;
}

/** Key ids of every stored ciphertext, per column. */
async function keyIdsInUse(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of ENCRYPTED_TABLES) {
    for (const c of t.columns) {
      out[`${t.table}.${c.name}`] = [
        ...(await db.pool.anyFirst(sql.type(z.object({ k: z.string() }))`
        SELECT DISTINCT split_part(${sql.identifier([c.name])}, ':', 3) AS k FROM ${sql.identifier([t.table])}
        WHERE ${sql.identifier([c.name])} IS NOT NULL ORDER BY 1`)), // nullable columns (an Instagram connection has no refresh token)
      ];
    }
  }
  return out;
}

describe('key rotation', () => {
  it('knows every ciphertext column of the schema (a column it does not list would never be resealed)', async () => {
    const inSchema = await db.pool.anyFirst(sql.type(z.object({ c: z.string() }))`
      SELECT table_name || '.' || column_name AS c FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name LIKE '%\\_enc' ORDER BY 1`);
    const listed = ENCRYPTED_TABLES.flatMap((t) => t.columns.map((c) => `${t.table}.${c.name}`)).sort();
    expect(listed).toEqual([...inSchema]);
  });

  it('re-encrypts every stored secret under the new key, with progress, and leaves nothing under the old one', async () => {
    // Secrets written while k1 was the active key.
    const fanIds: string[] = [];
    for (let i = 0; i < 12; i++) {
      const fanId = await upsertFan(db.pool, { provider: 'spotify', providerUserId: `rot-${i}`, timeZone: null });
      await storeFanTokens(db.pool, before, fanId, {
        accessToken: `access-${i}`,
        refreshToken: `refresh-${i}`,
        expiresInSeconds: 3600,
        scope: 's',
        consentedAt: Date.now(),
      });
      fanIds.push(fanId);
    }
    const appleFanId = await upsertFan(db.pool, {
      provider: 'apple_music',
      providerUserId: 'rot-apple',
      timeZone: null,
    });
    await storeAppleMusicToken(db.pool, before, appleFanId, {
      musicUserToken: 'music-user-token-for-rotation',
      storefront: 'us',
      consentedAt: Date.now(),
    });
    const campaignId = await seedCampaign();
    await upsertSubscriber(db.pool, before, createLookupHasher('x'.repeat(32)), {
      campaignId,
      email: 'fan@example.com',
      phone: '+33612345678',
      consentText: 'ok',
    });
    const accountId = await db.pool.oneFirst(
      sql.type(z.object({ id: z.string() }))`SELECT account_id AS id FROM campaigns WHERE id = ${campaignId}`,
    );
    const outboxId = await queueEmail(db.pool, { accountId, template: 'welcome', dedupeKey: 'rot' });
    await db.pool.query(sql.unsafe`
      INSERT INTO sandbox_mailbox (outbox_id, to_address_enc, subject, body)
      VALUES (${outboxId}, ${before.encrypt('a@example.com', `sandbox_mailbox:${outboxId}`)}, 's', 'b')`);
    const orderId = randomUUID();
    await insertOrder(db.pool, {
      id: orderId,
      checkoutSessionId: 'cs_rotation',
      packageId: PACKAGE_IDS[0],
      currency: 'eur',
      amountTotal: 4900,
      emailEnc: before.encrypt('buyer@example.com', orderEmailContext(orderId)),
      emailHash: null,
      accountId,
      youtubeUrl: null,
      targetCountries: [],
      attribution: {},
    });
    await createConnection(db.pool, before, {
      accountId,
      provider: 'google',
      accessToken: 'ya29.a',
      refreshToken: '1//r',
      expiresInSeconds: 3600,
      scope: 's',
    });
    const instagram = await createConnection(db.pool, before, {
      accountId,
      provider: 'instagram',
      accessToken: 'IGAAL-rotation',
      expiresInSeconds: 3600,
      scope: 's',
      externalAccountId: '17841400000000000',
    });
    await storeInboxEvent(db.pool, before, {
      accountId,
      connectionId: instagram.id,
      campaignId,
      postId: null,
      kind: 'comment',
      externalId: 'comment-rotation',
      mediaId: null,
      parentExternalId: null,
      senderId: 'igsid-rotation',
      senderHash: 'hash',
      username: 'a_fan',
      text: 'rotate me',
      sentAt: Date.now(),
    });
    const artistId = await db.pool.oneFirst(
      sql.type(z.object({ id: z.string() }))`SELECT artist_id AS id FROM campaigns WHERE id = ${campaignId}`,
    );
    await saveMetaPixel(db.pool, before, {
      artistId,
      pixelId: '1234567890',
      accessToken: 'EAAcapi-token-for-rotation',
    });
    await queueConversion(db.pool, before, {
      artistId,
      campaignId,
      pixelId: '1234567890',
      eventName: 'PageView',
      eventId: 'rot',
      eventTime: Date.now(),
      eventSourceUrl: 'https://x/l/rot',
      userData: { client_user_agent: 'UA' },
    });
    await queueGoogleClickConversion(db.pool, before, {
      artistId,
      campaignId,
      dedupeKey: 'presave:rot',
      gclid: 'Cj0_rotation',
    });
    await insertMember(db.pool, before, {
      accountId,
      role: 'owner',
      email: 'member@example.com',
      emailLookup: 'rotation-member',
      passwordHash: null,
    });
    const all = (k: string) =>
      Object.fromEntries(ENCRYPTED_TABLES.flatMap((t) => t.columns.map((c) => [`${t.table}.${c.name}`, [k]])));
    expect(await keyIdsInUse()).toEqual(all('k1'));
    expect((await loadFanTokens(db.pool, after, fanIds[0]))?.accessToken).toBe('access-0'); // old rows open under the new ring

    const artistKey = await apiKey('artist');
    expect(
      (await http.post(`${api.url}/v1/ops/key-rotations`, {}, { headers: { authorization: `Bearer ${artistKey}` } }))
        .status,
    ).toBe(403);
    const ops = { headers: { authorization: `Bearer ${await apiKey('ops')}` } };
    const started = await http.post(`${api.url}/v1/ops/key-rotations`, {}, ops);
    expect(started.status).toBe(202);
    expect(started.data).toMatchObject({ keyId: 'k2', workflowId: 'key-rotation:k2' });
    const result = await temporal.client.workflow.getHandle('key-rotation:k2').result();
    expect(result).toMatchObject({
      keyId: 'k2',
      done: true,
      staleLeft: 0,
      resealed: 23, // every ciphertext seeded above: the order's and the member's e-mail, the Instagram connection and comment, the Apple Music token
      tablesDone: ENCRYPTED_TABLES.map((t) => t.table),
    });
    const status = await http.get(`${api.url}/v1/ops/key-rotations/k2`, ops);
    expect(status.data).toMatchObject({ status: 'COMPLETED', progress: { done: true, staleLeft: 0 } });
    expect((await http.get(`${api.url}/v1/ops/key-rotations/k9`, ops)).status).toBe(404);

    expect(await keyIdsInUse()).toEqual(all('k2'));
    const retired = KeyRing.fromConfig(k2);
    for (const [i, fanId] of fanIds.entries()) {
      expect(await loadFanTokens(db.pool, retired, fanId)).toMatchObject({
        accessToken: `access-${i}`,
        refreshToken: `refresh-${i}`,
      });
    }
    expect(await conversionsAccessToken(db.pool, retired, artistId)).toBe('EAAcapi-token-for-rotation');
    expect((await loadAppleMusicToken(db.pool, retired, appleFanId))?.musicUserToken).toBe(
      'music-user-token-for-rotation',
    );
  });
});

async function seedCampaign(): Promise<string> {
  return db.pool.transaction(async (tx) => {
    const account = await insertAccount(tx, { name: 'a', email: 'a@example.com' });
    const artistId = await tx.oneFirst(sql.type(z.object({ id: z.string() }))`
      INSERT INTO artists (account_id, name) VALUES (${account.id}, 'x') RETURNING id`);
    return tx.oneFirst(sql.type(z.object({ id: z.string() }))`
      INSERT INTO campaigns (account_id, artist_id, title, upc, release_date, release_policy, time_zone, slug)
      VALUES (${account.id}, ${artistId}, 't', '123456789012', '2030-01-01', 'global', 'UTC', 'rot') RETURNING id`);
  });
}
