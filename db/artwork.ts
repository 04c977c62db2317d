// Artwork images dropday serves (migration 032): an artist's upload or a copy of a catalogue cover, and the sizes
// made from each. The one writer of artwork_images and artwork_renditions.
import { z } from 'zod';
import { type DatabasePool, sql } from './pool';

const bytes = z.instanceof(Uint8Array).transform((b): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const imageRow = z.object({
  id: z.string().uuid(),
  accountId: z.string().uuid().nullable(),
  contentType: z.enum(['image/png', 'image/jpeg']),
  width: z.number(),
  height: z.number(),
  bytes,
});
export type ArtworkImage = z.infer<typeof imageRow>;

const COLUMNS = sql.fragment`id, account_id AS "accountId", content_type AS "contentType", width, height, bytes`;

/**
 * Stores an image once per source (the same upload twice is one row); its id. `accountId` null: a catalogue copy,
 * shared by every account whose release has that cover.
 */
export async function saveArtworkImage(
  pool: DatabasePool,
  input: {
    accountId: string | null;
    sourceKey: string;
    contentType: 'image/png' | 'image/jpeg';
    width: number;
    height: number;
    bytes: Buffer;
  },
): Promise<string> {
  const conflict =
    input.accountId === null
      ? sql.fragment`(source_key) WHERE account_id IS NULL`
      : sql.fragment`(source_key, account_id)`;
  const inserted = await pool.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO artwork_images (account_id, source_key, content_type, width, height, bytes)
    VALUES (${input.accountId}, ${input.sourceKey}, ${input.contentType}, ${input.width}, ${input.height},
            ${sql.binary(input.bytes)})
    ON CONFLICT ${conflict} DO NOTHING RETURNING id`);
  if (inserted) return inserted;
  return pool.oneFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM artwork_images WHERE source_key = ${input.sourceKey}
      AND account_id IS NOT DISTINCT FROM ${input.accountId}`);
}

export async function findArtworkImage(pool: DatabasePool, id: string): Promise<ArtworkImage | null> {
  return pool.maybeOne(sql.type(imageRow)`SELECT ${COLUMNS} FROM artwork_images WHERE id = ${id}`);
}

/** The catalogue copy of a cover, by its source key; null before the first copy. */
export async function findCatalogueArtworkId(pool: DatabasePool, sourceKey: string): Promise<string | null> {
  return pool.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM artwork_images WHERE source_key = ${sourceKey} AND account_id IS NULL`);
}

const renditionRow = z.object({ bytes, etag: z.string() });
export interface ArtworkRendition {
  bytes: Buffer;
  etag: string;
}

export async function findRendition(pool: DatabasePool, artworkId: string, size: number) {
  return pool.maybeOne(sql.type(renditionRow)`
    SELECT bytes, etag FROM artwork_renditions WHERE artwork_id = ${artworkId} AND size = ${size}`);
}

/** Keeps a size made from an image (two requests making it at once store it once: the same bytes). */
export async function saveRendition(
  pool: DatabasePool,
  input: { artworkId: string; size: number; bytes: Buffer; etag: string },
): Promise<void> {
  await pool.query(sql.unsafe`
    INSERT INTO artwork_renditions (artwork_id, size, bytes, etag)
    VALUES (${input.artworkId}, ${input.size}, ${sql.binary(input.bytes)}, ${input.etag})
    ON CONFLICT (artwork_id, size) DO NOTHING`);
}
