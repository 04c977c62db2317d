import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import { sendApiError } from './errors';
import { faultMiddleware } from './faults';
import { baseUrlOf, parseIntParam, queryParam } from './http-util';
import { BASE62_ID } from './ids';
import { libraryRoutes } from './library-api';
import {
  albumObject,
  artistObject,
  pagingObject,
  privateUserObject,
  simplifiedAlbumObject,
  trackObject,
} from './objects';
import { rateLimitMiddleware } from './rate-limit';
import { recordCallMiddleware } from './recorder';
import { matchAlbum, matchArtist, matchTrack, parseSearchQuery, SEARCH_TYPES, type SearchType } from './search';
import type { SpotifySimState } from './state';
import { authenticateMiddleware, requireScopes, requireUser } from './web-api-auth';

/** Full URL of this request (for `href` fields). */
function requestUrl(req: Request): URL {
  return new URL(req.originalUrl, baseUrlOf(req));
}

function getMe(state: SpotifySimState, req: Request, res: Response): void {
  const user = requireUser(state, res);
  if (user) res.json(privateUserObject(baseUrlOf(req), user));
}

/** GET /v1/search — Development mode since 2026-02: limit 0..10, default 5. */
function search(state: SpotifySimState, req: Request, res: Response): void {
  const q = queryParam(req, 'q');
  if (q === undefined || q.trim() === '') return sendApiError(res, 400, 'No search query');
  const typeParam = queryParam(req, 'type');
  if (typeParam === undefined || typeParam === '') return sendApiError(res, 400, 'Missing parameter type');
  const types = typeParam.split(',').map((t) => t.trim());
  const badType = types.find((t) => !(SEARCH_TYPES as readonly string[]).includes(t));
  if (badType !== undefined) return sendApiError(res, 400, `Bad search type field ${badType}`);
  const limit = parseIntParam(queryParam(req, 'limit')) ?? 5;
  if (!Number.isInteger(limit) || limit < 0 || limit > 10) return sendApiError(res, 400, 'Invalid limit');
  const offset = parseIntParam(queryParam(req, 'offset')) ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || offset > 1000) return sendApiError(res, 400, 'Invalid offset');

  const now = state.now();
  const base = baseUrlOf(req);
  const query = parseSearchQuery(q);
  const href = requestUrl(req);
  const { catalog } = state;
  const results: Record<string, unknown> = {};
  for (const type of types as SearchType[]) {
    let items: unknown[] = [];
    if (type === 'album') {
      items = catalog
        .liveAlbums(now)
        .filter((a) => matchAlbum(catalog, a, query, now))
        .map((a) => simplifiedAlbumObject(base, catalog, a));
    } else if (type === 'track') {
      items = catalog
        .liveTracks(now)
        .filter((t) => matchTrack(catalog, t, query))
        .map((t) => trackObject(base, catalog, t));
    } else if (type === 'artist') {
      items = [...catalog.artists.values()].filter((a) => matchArtist(a, query)).map((a) => artistObject(base, a));
    }
    results[`${type}s`] = pagingObject(href, items, limit, offset);
  }
  res.json(results);
}

/** Catalog lookups 404 until the release's live instant, exactly like an undelivered release. */
function getCatalogItem(res: Response, id: string, find: (id: string) => unknown): void {
  if (!BASE62_ID.test(id)) return sendApiError(res, 400, 'Invalid base62 id');
  const item = find(id);
  if (item === undefined) return sendApiError(res, 404, 'Resource not found');
  res.json(item);
}

/** GET /v1/me/player/recently-played — cursor paging over seeded plays, newest first. */
function recentlyPlayed(state: SpotifySimState, req: Request, res: Response): void {
  const user = requireUser(state, res);
  if (!user || !requireScopes(state, res, ['user-read-recently-played'])) return;
  const limit = parseIntParam(queryParam(req, 'limit')) ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) return sendApiError(res, 400, 'Invalid limit');
  const after = parseIntParam(queryParam(req, 'after'));
  const before = parseIntParam(queryParam(req, 'before'));
  if (after !== undefined && before !== undefined) {
    return sendApiError(res, 400, 'Only one of after or before may be specified');
  }
  if ((after !== undefined && !Number.isFinite(after)) || (before !== undefined && !Number.isFinite(before))) {
    return sendApiError(res, 400, 'Invalid cursor');
  }

  const plays = state.library.plays(user.id);
  let page;
  let more: boolean;
  if (after !== undefined) {
    // The plays right after the cursor (oldest of the newer ones), still listed newest first.
    const newer = plays.filter((p) => p.playedAt > after);
    page = newer.slice(Math.max(0, newer.length - limit));
    more = newer.length > limit;
  } else {
    const older = before === undefined ? plays : plays.filter((p) => p.playedAt < before);
    page = older.slice(0, limit);
    more = older.length > limit;
  }

  const base = baseUrlOf(req);
  const href = requestUrl(req);
  const cursors = page.length
    ? { after: String(page[0].playedAt), before: String(page[page.length - 1].playedAt) }
    : null;
  let next: string | null = null;
  if (more && cursors) {
    const url = new URL('/v1/me/player/recently-played', base);
    if (after !== undefined) url.searchParams.set('after', cursors.after);
    else url.searchParams.set('before', cursors.before);
    url.searchParams.set('limit', String(limit));
    next = url.toString();
  }
  res.json({
    href: href.toString(),
    limit,
    next,
    cursors,
    total: plays.length,
    items: page.map((p) => {
      const track = state.catalog.tracks.get(p.trackId);
      return {
        track: track ? trackObject(base, state.catalog, track) : { id: p.trackId },
        played_at: new Date(p.playedAt).toISOString(),
        context: p.context,
      };
    }),
  });
}

const jsonErrors: ErrorRequestHandler = (err: { status?: number; type?: string }, _req, res, _next) => {
  if (err.type === 'entity.parse.failed') return sendApiError(res, 400, 'Error parsing json');
  const status = typeof err.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
  sendApiError(res, status, status === 500 ? 'Server error' : 'Bad request');
};

/** api.spotify.com/v1, mounted at /v1. */
export function webApiRouter(state: SpotifySimState): Router {
  const router = express.Router();
  router.use(
    recordCallMiddleware(state),
    faultMiddleware(state),
    rateLimitMiddleware(state),
    authenticateMiddleware(state),
    express.json({ limit: '64kb' }),
  );
  router.get('/me', (req, res) => getMe(state, req, res));
  router.get('/search', (req, res) => search(state, req, res));
  router.get('/albums/:id', (req, res) =>
    getCatalogItem(res, req.params.id, (id) => {
      const album = state.catalog.liveAlbum(id, state.now());
      return album && albumObject(baseUrlOf(req), state.catalog, album);
    }),
  );
  router.get('/tracks/:id', (req, res) =>
    getCatalogItem(res, req.params.id, (id) => {
      const track = state.catalog.liveTrack(id, state.now());
      return track && trackObject(baseUrlOf(req), state.catalog, track);
    }),
  );
  router.get('/artists/:id', (req, res) =>
    getCatalogItem(res, req.params.id, (id) => {
      const artist = state.catalog.artists.get(id);
      return artist && artistObject(baseUrlOf(req), artist);
    }),
  );
  router.get('/me/player/recently-played', (req, res) => recentlyPlayed(state, req, res));
  libraryRoutes(router, state);
  router.use((_req, res) => sendApiError(res, 404, 'Service not found'));
  router.use(jsonErrors);
  return router;
}
