// The Apple Music API as dropday uses it (docs/providers/apple-music.md): catalog albums by UPC and id (with
// `relate=library`), the fan's storefront, library adds (202, no body, unknown ids ignored) and library reads.
// Order of checks on every /v1 call: faults on demand, the developer token (401), the team's rate (429 without
// Retry-After), then for /me/* and relate=library the Music-User-Token (403 40300 once revoked).
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { queryParam } from '../spotify/http-util';
import { APPLE_ERRORS, sendAppleError } from './errors';
import type { AppleMusicSimState, IssuedToken, LibraryEntry, SimAlbum } from './state';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function albumResource(state: AppleMusicSimState, album: SimAlbum, relateLibrary?: IssuedToken) {
  const live = state.isLive(album);
  const href = `/v1/catalog/${album.storefront}/albums/${album.id}`;
  const resource: Record<string, unknown> = {
    id: album.id,
    type: 'albums',
    href,
    attributes: {
      name: album.name,
      artistName: album.artistName,
      upc: album.upc,
      releaseDate: day(album.liveAt),
      trackCount: album.trackCount,
      url: `https://music.apple.com/${album.storefront}/album/${album.id}`,
      ...(album.isPrerelease !== undefined || !live ? { isPrerelease: album.isPrerelease ?? !live } : {}),
      ...(live ? { playParams: { id: album.id, kind: 'album' } } : {}),
    },
  };
  if (relateLibrary) {
    const entry = state.visibleEntry(relateLibrary.fanId, album.storefront, album.id);
    resource.relationships = {
      library: { href: `${href}/library`, data: entry ? [libraryRef(entry)] : [] },
    };
  }
  return resource;
}

const libraryRef = (entry: LibraryEntry) => ({
  id: entry.libraryId,
  type: 'library-albums',
  href: `/v1/me/library/albums/${entry.libraryId}`,
});

function libraryResource(state: AppleMusicSimState, entry: LibraryEntry) {
  const album = state.album(entry.storefront, entry.catalogId)!;
  const live = state.isLive(album);
  return {
    ...libraryRef(entry),
    attributes: {
      name: album.name,
      artistName: album.artistName,
      releaseDate: day(album.liveAt),
      dateAdded: new Date(entry.addedAt).toISOString(),
      trackCount: album.trackCount,
      ...(live ? { playParams: { id: entry.libraryId, kind: 'album', isLibrary: true } } : {}),
    },
  };
}

/** The developer token and the team's rate, for every call. */
function developerGate(state: AppleMusicSimState): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const check = state.keys.check(/^Bearer (.+)$/.exec(header)?.[1], state.now());
    if (!check.ok) return sendAppleError(res, APPLE_ERRORS.developerToken, `Invalid developer token: ${check.why}`);
    if (!state.admit(check.teamId)) {
      state.counters.rateLimited++;
      return sendAppleError(res, APPLE_ERRORS.throttled); // no Retry-After, as observed
    }
    res.locals.teamId = check.teamId;
    next();
  };
}

/** The Music-User-Token this call carries, or an answer already sent (null). */
function userToken(state: AppleMusicSimState, req: Request, res: Response): IssuedToken | null {
  const raw = req.get('music-user-token');
  if (!raw) {
    sendAppleError(res, APPLE_ERRORS.userTokenMissing);
    return null;
  }
  const token = state.userTokens.get(raw);
  if (!token || token.revoked || token.teamId !== res.locals.teamId) {
    state.counters.userTokenRefused++;
    sendAppleError(res, APPLE_ERRORS.userTokenRevoked);
    return null;
  }
  return token;
}

/** `ids[albums]=1,2` (Express's simple query parser keeps the brackets in the name). */
function typedIds(req: Request, type: string): string[] | undefined {
  return queryParam(req, `ids[${type}]`)?.split(',').filter(Boolean);
}

export function appleApiRouter(state: AppleMusicSimState): Router {
  const router = express.Router();
  router.use(developerGate(state));

  router.get('/catalog/:sf/albums', (req, res) => {
    const sf = String(req.params.sf).toLowerCase();
    const upc = queryParam(req, 'filter[upc]');
    const ids = queryParam(req, 'ids')?.split(',').filter(Boolean);
    if (!upc && !ids) return sendAppleError(res, APPLE_ERRORS.badParameter, 'filter[upc] or ids is required');
    const relate = queryParam(req, 'relate') === 'library' ? userToken(state, req, res) : undefined;
    if (relate === null) return;
    const albums = upc
      ? state.albumsByUpc(sf, upc)
      : ids!.flatMap((id) => (state.album(sf, id) ? [state.album(sf, id)!] : []));
    res.json({ data: albums.map((a) => albumResource(state, a, relate)) });
  });

  router.get('/catalog/:sf/albums/:id', (req, res) => {
    const album = state.album(String(req.params.sf), String(req.params.id));
    const relate = queryParam(req, 'relate') === 'library' ? userToken(state, req, res) : undefined;
    if (relate === null) return;
    if (!album) return sendAppleError(res, APPLE_ERRORS.notFound);
    res.json({ data: [albumResource(state, album, relate)] });
  });

  router.use('/me', (req, res, next) => {
    const token = userToken(state, req, res);
    if (!token) return;
    res.locals.user = token;
    next();
  });

  router.get('/me/storefront', (_req, res) => {
    const { storefront } = res.locals.user as IssuedToken;
    res.json({
      data: [
        {
          id: storefront,
          type: 'storefronts',
          href: `/v1/storefronts/${storefront}`,
          attributes: { name: storefront.toUpperCase(), defaultLanguageTag: 'en-US', explicitContentPolicy: 'allowed' },
        },
      ],
    });
  });

  router.post('/me/library', (req, res) => {
    const token = res.locals.user as IssuedToken;
    const albums = typedIds(req, 'albums') ?? [];
    const songs = typedIds(req, 'songs') ?? [];
    if (albums.length + songs.length === 0) return sendAppleError(res, APPLE_ERRORS.badParameter, 'ids is required');
    if (!state.fans.get(token.fanId)?.subscribed) return sendAppleError(res, APPLE_ERRORS.noSubscription);
    state.addToLibrary(token.fanId, token.storefront, albums);
    res.status(202).end();
  });

  router.get('/me/library/albums', (req, res) => {
    const token = res.locals.user as IssuedToken;
    const entries = [...state.libraryOf(token.fanId).values()].filter((e) =>
      state.visibleEntry(token.fanId, e.storefront, e.catalogId),
    );
    const ids = queryParam(req, 'ids')?.split(',');
    if (ids)
      return res.json({ data: entries.filter((e) => ids.includes(e.libraryId)).map((e) => libraryResource(state, e)) });
    const limit = Math.min(100, Math.max(1, Number(queryParam(req, 'limit') ?? 25) || 25));
    const offset = Math.max(0, Number(queryParam(req, 'offset') ?? 0) || 0);
    const page = entries.slice(offset, offset + limit);
    const more = offset + limit < entries.length;
    res.json({
      data: page.map((e) => libraryResource(state, e)),
      ...(more ? { next: `/v1/me/library/albums?offset=${offset + limit}` } : {}),
    });
  });

  return router;
}
