// A campaign's release links per streaming platform and its Spotify Countdown Page (migration 028): the one writer
// of campaign_platform_links and campaign_countdown_pages.
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { PLATFORMS, type Platform } from '../lib/platforms/catalog';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;

const linkRow = z.object({ platform: z.enum(PLATFORMS), url: z.string().nullable() });
/** `url` null: dropday fills it from its catalog lookup (lib/platforms/catalog-fill.ts). */
export type PlatformLinkRow = z.infer<typeof linkRow>;

/** The campaign's links in the artist's order. */
export async function platformLinksOf(db: Db, campaignId: string): Promise<readonly PlatformLinkRow[]> {
  return db.any(sql.type(linkRow)`
    SELECT platform, url FROM campaign_platform_links WHERE campaign_id = ${campaignId} ORDER BY position`);
}

/** The links of the campaign behind a smart link's slug (read beside the campaign itself, not after it). */
export async function platformLinksBySlug(db: Db, slug: string): Promise<readonly PlatformLinkRow[]> {
  return db.any(sql.type(linkRow)`
    SELECT l.platform, l.url FROM campaign_platform_links l JOIN campaigns c ON c.id = l.campaign_id
    WHERE c.slug = ${slug} ORDER BY l.position`);
}

/** Replaces the campaign's whole list (one transaction: the page never shows half of an edit). */
export async function replacePlatformLinks(
  pool: DatabasePool,
  campaignId: string,
  links: { platform: Platform; url: string | null }[],
): Promise<void> {
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`DELETE FROM campaign_platform_links WHERE campaign_id = ${campaignId}`);
    if (links.length === 0) return;
    await tx.query(sql.unsafe`
      INSERT INTO campaign_platform_links (campaign_id, platform, url, position)
      SELECT ${campaignId}, l.platform, l.url, l.position
      FROM unnest(${sql.array(
        links.map((l) => l.platform),
        'text',
      )}::text[], ${sql.array(
        links.map((l) => l.url),
        'text',
      )}::text[], ${sql.array(
        links.map((_, i) => i),
        'int4',
      )}::int[]) AS l(platform, url, position)`);
  });
}

const countdownRow = z.object({ url: z.string() });

/** The Spotify Countdown Page the artist added, or null. */
export async function countdownUrlOf(db: Db, campaignId: string): Promise<string | null> {
  return (
    (
      await db.maybeOne(sql.type(countdownRow)`
    SELECT url FROM campaign_countdown_pages WHERE campaign_id = ${campaignId}`)
    )?.url ?? null
  );
}

/** The Countdown Page of the campaign behind a smart link's slug (read beside the campaign). */
export async function countdownUrlBySlug(db: Db, slug: string): Promise<string | null> {
  return (
    (
      await db.maybeOne(sql.type(countdownRow)`
    SELECT p.url FROM campaign_countdown_pages p JOIN campaigns c ON c.id = p.campaign_id WHERE c.slug = ${slug}`)
    )?.url ?? null
  );
}

/** Sets (or, with null, removes) the campaign's Countdown Page link. */
export async function setCountdownUrl(pool: DatabasePool, campaignId: string, url: string | null): Promise<void> {
  await pool.query(
    url === null
      ? sql.unsafe`DELETE FROM campaign_countdown_pages WHERE campaign_id = ${campaignId}`
      : sql.unsafe`
          INSERT INTO campaign_countdown_pages (campaign_id, url) VALUES (${campaignId}, ${url})
          ON CONFLICT (campaign_id) DO UPDATE SET url = EXCLUDED.url`,
  );
}
