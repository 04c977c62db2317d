// Artists' connected accounts (Google Ads, Meta, Spotify), behind the API key: start a connect (a dropday link to
// confirm it in the dashboard, ./dashboard.ts; the provider's callback is in ./oauth-callbacks.ts), list them, disconnect one. The flow itself lives in
// ../oauth/artist-connections.ts.
import { Router } from 'express';
import { z } from 'zod';
import { listConnections } from '../../db/connections';
import { auth } from '../auth';
import { type AppDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { type ConnectionDisconnect } from '../connection-disconnect';
import { type ArtistConnections, CONNECTION_PROVIDERS } from '../oauth/artist-connections';
import { uuidParam } from '../schemas';
import { parseParams } from '../validation';

const providerParam = z.object({ provider: z.enum(CONNECTION_PROVIDERS) });

/** Behind the API key. */
export function connectionRoutes(
  { pool }: AppDeps,
  connections: ArtistConnections,
  disconnect: ConnectionDisconnect,
): Router {
  const router = Router();

  router.post('/v1/connections/:provider', async (req, res) => {
    const { provider } = parseParams(providerParam, req);
    const started = connections.start(provider, auth(res).accountId);
    if (!started.configured)
      throw new ApiError(503, 'provider_not_configured', `${started.label} credentials are not configured`);
    // authorizeUrl is dropday's confirmation page: it needs the account's dashboard session (see artist-connections).
    res
      .status(201)
      .json({ provider, authorizeUrl: started.link, expiresAt: new Date(started.expiresAt).toISOString() });
  });

  router.get('/v1/connections', async (_req, res) => {
    const items = await listConnections(pool, auth(res).accountId);
    res.json({
      items: items.map((c) => ({
        id: c.id,
        provider: c.provider,
        status: c.status,
        ...(c.externalAccountId ? { externalAccountId: c.externalAccountId, username: c.displayName } : {}),
        accessExpiresAt: c.accessExpiresAt === null ? null : new Date(c.accessExpiresAt).toISOString(),
        createdAt: new Date(c.createdAt).toISOString(),
      })),
    });
  });

  router.delete('/v1/connections/:id', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const done = await disconnect.disconnect(auth(res).accountId, id);
    if (done.outcome === 'not_found') throw notFound('connection');
    // Without the token dropday could no longer pause or remove them: the artist cancels them first.
    if (done.outcome === 'in_use' && done.openAdCampaignIds.length)
      throw new ApiError(
        409,
        'connection_in_use',
        'ad campaigns still run or wait to launch with this connection; cancel them first',
        { adCampaignIds: done.openAdCampaignIds },
      );
    if (done.outcome === 'in_use')
      throw new ApiError(
        409,
        'connection_in_use',
        'Instagram posts still wait to go out with this account; cancel them first',
        { postIds: done.openPostIds },
      );
    res.json({ id, status: 'disconnected' });
  });

  return router;
}
