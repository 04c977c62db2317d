// The release on Apple Music, per storefront: the one writer of apple_music_albums (catalog ids belong to a
// storefront, so one campaign may have a different album id in each storefront its fans are in).
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;

export interface AppleMusicAlbum {
  storefront: string;
  /** null: looked up, not in that storefront's catalog (yet) */
  albumId: string | null;
  preRelease: boolean;
  checkedAt: number;
}

const row = z.object({
  storefront: z.string(),
  albumId: z.string().nullable(),
  preRelease: z.boolean(),
  checkedAt: z.number(),
});

export async function findAppleMusicAlbum(
  db: Db,
  campaignId: string,
  storefront: string,
): Promise<AppleMusicAlbum | null> {
  return db.maybeOne(sql.type(row)`
    SELECT storefront, album_id AS "albumId", pre_release AS "preRelease", checked_at AS "checkedAt"
    FROM apple_music_albums WHERE campaign_id = ${campaignId} AND storefront = ${storefront}`);
}

export async function recordAppleMusicAlbum(
  db: Db,
  campaignId: string,
  album: { storefront: string; albumId: string | null; preRelease: boolean },
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO apple_music_albums (campaign_id, storefront, album_id, pre_release)
    VALUES (${campaignId}, ${album.storefront}, ${album.albumId}, ${album.preRelease})
    ON CONFLICT (campaign_id, storefront) DO UPDATE SET album_id = EXCLUDED.album_id,
      pre_release = EXCLUDED.pre_release, checked_at = now()`);
}
