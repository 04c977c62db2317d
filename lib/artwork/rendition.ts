// Artwork as the pages show it: a square JPEG of one of a few sizes, cut from the centre of the original, made with
// sharp (libvips, prebuilt binaries from the npm registry: @img/sharp-*). Metadata is not copied (no EXIF, so no
// camera location leaves the artist's file); the EXIF orientation is applied first. Decoding stops at
// MAX_INPUT_PIXELS, so a small file claiming a huge canvas cannot exhaust memory.
import sharp from 'sharp';

/** The sizes the pages use: 96 (the app's lookup), 160 (smart link and preview), 320 (160 at 2x), 640. */
export const ARTWORK_SIZES = [96, 160, 320, 640] as const;
export type ArtworkSize = (typeof ARTWORK_SIZES)[number];
export const MAX_INPUT_PIXELS = 6000 * 6000;

export const isArtworkSize = (n: number): n is ArtworkSize => (ARTWORK_SIZES as readonly number[]).includes(n);

/** A `size`×`size` JPEG of the image; throws when the bytes do not decode as an image. */
export async function squareJpeg(bytes: Buffer, size: ArtworkSize): Promise<Buffer> {
  return sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .rotate()
    .resize(size, size, { fit: 'cover', position: 'centre' })
    .flatten({ background: '#ffffff' }) // a transparent PNG gets a white ground, as JPEG has no alpha
    .jpeg({ quality: 82, progressive: true, mozjpeg: true })
    .toBuffer();
}
