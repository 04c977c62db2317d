// Request bodies of the public API. Shared by validation and the OpenAPI document.
import { z } from 'zod';

const name = z.string().trim().min(1).max(200);

export const createAccountBody = z.strictObject({
  name,
  email: z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(320)),
});

export const createArtistBody = z.strictObject({
  name,
  spotifyArtistId: z.string().regex(/^[0-9A-Za-z]{22}$/, 'must be a 22-character Spotify id').optional(),
  appleMusicArtistId: z.string().regex(/^[0-9]{1,20}$/, 'must be a numeric Apple Music id').optional(),
});

export const uuidParam = z.object({ id: z.string().uuid() });
