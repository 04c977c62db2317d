import { z } from 'zod';
import { type DatabasePool, sql } from './pool';

const artistRow = z.object({
  id: z.string().uuid(),
  name: z.string(),
  spotifyArtistId: z.string().nullable(),
  appleMusicArtistId: z.string().nullable(),
  createdAt: z.number(),
});
export type Artist = z.infer<typeof artistRow>;

const columns = sql.fragment`id, name, spotify_artist_id AS "spotifyArtistId",
  apple_music_artist_id AS "appleMusicArtistId", created_at AS "createdAt"`;

export async function insertArtist(
  pool: DatabasePool,
  input: { accountId: string; name: string; spotifyArtistId?: string; appleMusicArtistId?: string },
): Promise<Artist> {
  return pool.one(sql.type(artistRow)`
    INSERT INTO artists (account_id, name, spotify_artist_id, apple_music_artist_id)
    VALUES (${input.accountId}, ${input.name}, ${input.spotifyArtistId ?? null}, ${input.appleMusicArtistId ?? null})
    RETURNING ${columns}`);
}

/** Scoped by account: another tenant's artist is simply not found. */
export async function findArtist(pool: DatabasePool, accountId: string, id: string): Promise<Artist | null> {
  return pool.maybeOne(
    sql.type(artistRow)`SELECT ${columns} FROM artists WHERE id = ${id} AND account_id = ${accountId}`,
  );
}

export async function listArtists(pool: DatabasePool, accountId: string): Promise<readonly Artist[]> {
  return pool.any(sql.type(artistRow)`
    SELECT ${columns} FROM artists WHERE account_id = ${accountId} ORDER BY created_at, id`);
}

/**
 * Changes what is given (null clears an id), scoped by account: another tenant's artist is not found (null). Campaigns
 * read the artist's ids when they need them, so a Spotify id set now serves campaigns made before.
 */
export async function updateArtist(
  pool: DatabasePool,
  accountId: string,
  id: string,
  patch: { name?: string; spotifyArtistId?: string | null; appleMusicArtistId?: string | null },
): Promise<Artist | null> {
  const sets = [
    patch.name !== undefined && sql.fragment`name = ${patch.name}`,
    patch.spotifyArtistId !== undefined && sql.fragment`spotify_artist_id = ${patch.spotifyArtistId}`,
    patch.appleMusicArtistId !== undefined && sql.fragment`apple_music_artist_id = ${patch.appleMusicArtistId}`,
  ].filter((f) => f !== false);
  if (!sets.length) return findArtist(pool, accountId, id);
  return pool.maybeOne(sql.type(artistRow)`
    UPDATE artists SET ${sql.join(sets, sql.fragment`, `)} WHERE id = ${id} AND account_id = ${accountId}
    RETURNING ${columns}`);
}

/** The account an artist belongs to, unscoped (scripts). */
export async function accountIdOfArtist(pool: DatabasePool, artistId: string): Promise<string> {
  return pool.oneFirst(
    sql.type(z.object({ id: z.string() }))`SELECT account_id AS id FROM artists WHERE id = ${artistId}`,
  );
}
