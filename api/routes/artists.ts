import { Router } from 'express';
import { findArtist, insertArtist, listArtists, updateArtist } from '../../db/artists';
import { auth } from '../auth';
import { type AppDeps } from '../deps';
import { notFound } from '../errors';
import { createArtistBody, updateArtistBody, uuidParam } from '../schemas';
import { parseBody, parseParams } from '../validation';

export function artistRoutes({ pool }: AppDeps): Router {
  const router = Router();

  router.post('/v1/artists', async (req, res) => {
    const body = parseBody(createArtistBody, req);
    res.status(201).json(await insertArtist(pool, { accountId: auth(res).accountId, ...body }));
  });

  router.get('/v1/artists', async (_req, res) => {
    res.json({ items: await listArtists(pool, auth(res).accountId) });
  });

  router.get('/v1/artists/:id', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const artist = await findArtist(pool, auth(res).accountId, id);
    if (!artist) throw notFound('artist');
    res.json(artist);
  });

  // E.g. the Spotify id set later: Google ads created before the release is listed use the artist's picture.
  router.patch('/v1/artists/:id', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const body = parseBody(updateArtistBody, req);
    const artist = await updateArtist(pool, auth(res).accountId, id, body);
    if (!artist) throw notFound('artist');
    res.json(artist);
  });

  return router;
}
