// Spotify's image CDN (i.scdn.co) as the simulator serves it: an album's cover or an artist's picture at
// `/image/sandbox-<size>-<albumId|artistId>`, a square PNG of that size in a colour of the album's (artist's) own, so
// a client that downloads one (the Google logo image of an ad) gets real image bytes from this machine. Unknown ids,
// and artists without a picture, answer 404 like a dead CDN link; faults queued with `path: "/image/"` reach it too.
// No token: CDN images are public.
import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import express, { type Router } from 'express';
import { faultMiddleware } from './faults';
import { recordCallMiddleware } from './recorder';
import type { SpotifySimState } from './state';

export const COVER_SIZES = [640, 300] as const;
// Spotify lists an artist's picture in three sizes.
export const ARTIST_PICTURE_SIZES = [640, 320, 160] as const;
export const imagePath = (size: number, albumOrArtistId: string) => `/image/sandbox-${size}-${albumOrArtistId}`;

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** A square, single-colour 8-bit RGB PNG. */
export function squarePng(size: number, rgb: [number, number, number]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // depth 8, colour type RGB, no interlace
  const row = Buffer.alloc(1 + size * 3); // filter byte 0, then the pixels
  for (let x = 0; x < size; x++) row.set(rgb, 1 + x * 3);
  const pixels = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function artworkRouter(state: SpotifySimState): Router {
  const router = express.Router();
  router.get('/image/:name', recordCallMiddleware(state), faultMiddleware(state), (req, res) => {
    const match = /^sandbox-(\d{1,4})-(\w+)$/.exec(String(req.params.name));
    const id = match?.[2] ?? '';
    const artist = state.catalog.artists.get(id);
    const pictured = state.catalog.albums.get(id) ?? (artist?.picture ? artist : undefined);
    const size = Number(match?.[1]);
    if (!pictured || size < 1 || size > 3000) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    const [r, g, b] = createHash('sha256').update(pictured.id).digest();
    res
      .type('image/png')
      .set('cache-control', 'public, max-age=31536000')
      .send(squarePng(size, [r, g, b]));
  });
  return router;
}
