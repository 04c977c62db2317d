// The smart link's campaign cache against real PostgreSQL: it serves from memory only while it hears the change
// notices. When its LISTEN connection is cut, a change made in the gap (its notice lost) must still show: the cache
// reads PostgreSQL until it listens again, and then starts empty.
import { randomUUID } from 'node:crypto';
import { CampaignCache } from '../../api/campaign-cache';
import { insertAccount } from '../../db/accounts';
import { insertArtist } from '../../db/artists';
import { insertCampaign, setCampaignStatus } from '../../db/campaigns';
import { sql } from '../../db/pool';
import { createLogger } from '../../lib/logger';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { waitFor } from '../helpers/release-stack';

let db: TestDatabase;
let cache: CampaignCache;
beforeAll(async () => {
  db = await createTestDatabase();
  cache = new CampaignCache(db.pool, createLogger({ level: 'silent' }), 60_000);
});
afterAll(async () => {
  await cache?.close();
  await db?.drop();
});

async function aCampaign() {
  const account = await db.pool.transaction((tx) =>
    insertAccount(tx, { name: 'Label', email: `${randomUUID()}@example.com` }),
  );
  const artist = await insertArtist(db.pool, { accountId: account.id, name: 'Artist' });
  return insertCampaign(db.pool, {
    accountId: account.id,
    artistId: artist.id,
    title: 'Gap Release',
    upc: '00602445790128',
    releaseDate: '2099-01-01',
    releaseTime: '00:00:00',
    releasePolicy: 'global',
    timeZone: 'UTC',
    followArtist: false,
    platforms: ['spotify'],
    slug: `gap-${randomUUID().slice(0, 8)}`,
  });
}

/** Served from memory: two reads give the very same entry. */
const fromMemory = async (slug: string) => (await cache.bySlug(slug)) === (await cache.bySlug(slug));

describe('CampaignCache', () => {
  it('reads PostgreSQL while the change notices cannot be heard, and serves from memory again once it listens', async () => {
    const campaign = await aCampaign();
    await waitFor('the cache to serve from memory', () => fromMemory(campaign.slug), Boolean, 10_000);

    await db.pool.query(sql.unsafe`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND query = 'LISTEN campaign_changed'`);
    await waitFor(
      'the cache to notice the lost connection',
      () => fromMemory(campaign.slug),
      (same) => !same,
      10_000,
    );
    await setCampaignStatus(db.pool, campaign.id, 'completed'); // its notice may reach nobody
    expect((await cache.bySlug(campaign.slug))?.campaign.status).toBe('completed');

    await waitFor('the cache to listen again', () => fromMemory(campaign.slug), Boolean, 10_000);
    expect((await cache.bySlug(campaign.slug))?.campaign.status).toBe('completed');
  });
});
