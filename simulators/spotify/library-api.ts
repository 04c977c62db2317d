import type { Request, Response, Router } from 'express';
import { sendApiError } from './errors';
import { baseUrlOf, parseIntParam, queryParam } from './http-util';
import { USER_ID } from './ids';
import { albumObject, artistObject, pagingObject, trackObject } from './objects';
import type { SpotifySimState } from './state';
import {
  isFollowType,
  LIBRARY_READ_TYPES,
  LIBRARY_WRITE_TYPES,
  parseIdList,
  parseUriList,
  type SpotifyUri,
  type UriType,
} from './uris';
import { requireScopes, requireUser } from './web-api-auth';

/** Scope Spotify requires to write (modify) or read an item of each type. */
function scopeFor(type: UriType, access: 'modify' | 'read'): string {
  if (isFollowType(type)) return access === 'modify' ? 'user-follow-modify' : 'user-follow-read';
  if (type === 'playlist') return access === 'modify' ? 'playlist-modify-public' : 'playlist-read-private';
  return access === 'modify' ? 'user-library-modify' : 'user-library-read';
}

/**
 * Contract choice: a well-formed URI whose album/track is unknown or not live yet, or whose artist is
 * unknown, fails the whole request with 404 "Resource not found" (nothing is saved). Types the simulator
 * has no catalog for (episode, show, audiobook, playlist, user) are accepted when well-formed.
 */
function findMissing(state: SpotifySimState, items: SpotifyUri[]): SpotifyUri | undefined {
  const now = state.now();
  return items.find((item) => {
    if (item.type === 'album') return !state.catalog.liveAlbum(item.id, now);
    if (item.type === 'track') return !state.catalog.liveTrack(item.id, now);
    if (item.type === 'artist') return !state.catalog.artists.has(item.id);
    return false;
  });
}

/** Validates scopes and existence, then saves or removes every item; false when an error was sent. */
function writeItems(
  state: SpotifySimState,
  res: Response,
  userId: string,
  items: SpotifyUri[],
  remove: boolean,
): boolean {
  if (!requireScopes(state, res, new Set(items.map((i) => scopeFor(i.type, 'modify'))))) return false;
  if (findMissing(state, items)) {
    sendApiError(res, 404, 'Resource not found');
    return false;
  }
  const now = state.now();
  for (const item of items) {
    if (remove) state.library.remove(userId, item.uri);
    else state.library.save(userId, item, now);
  }
  return true;
}

/** PUT/DELETE /v1/me/library?uris= — the generic save/follow endpoint of 2026 (max 40, 200 empty body). */
function writeLibrary(state: SpotifySimState, req: Request, res: Response, remove: boolean): void {
  const user = requireUser(state, res);
  if (!user) return;
  const allowed: readonly UriType[] = state.artistUrisInLibrary ? LIBRARY_READ_TYPES : LIBRARY_WRITE_TYPES;
  const parsed = parseUriList(queryParam(req, 'uris'), allowed);
  if (!parsed.ok) return sendApiError(res, 400, parsed.message);
  if (writeItems(state, res, user.id, parsed.uris, remove)) res.status(200).end();
}

function libraryContains(state: SpotifySimState, req: Request, res: Response): void {
  const user = requireUser(state, res);
  if (!user) return;
  const parsed = parseUriList(queryParam(req, 'uris'), LIBRARY_READ_TYPES);
  if (!parsed.ok) return sendApiError(res, 400, parsed.message);
  if (!requireScopes(state, res, new Set(parsed.uris.map((i) => scopeFor(i.type, 'read'))))) return;
  res.json(parsed.uris.map((item) => state.library.has(user.id, item.uri)));
}

/**
 * `ids` of the deprecated endpoints: the query string wins over a JSON body, `{ids: [...]}` or the bare array
 * `[...]` that Spotify's own SDK sends to PUT/DELETE /me/albums (both documented, docs/providers/spotify.md).
 */
function idsOf(req: Request): string | string[] | undefined {
  const fromQuery = queryParam(req, 'ids');
  if (fromQuery !== undefined) return fromQuery;
  const body: unknown = req.body;
  if (Array.isArray(body)) return body.every((id) => typeof id === 'string') ? (body as string[]) : undefined;
  if (body && typeof body === 'object') {
    const ids = (body as { ids?: unknown }).ids;
    if (Array.isArray(ids) && ids.every((id) => typeof id === 'string')) return ids as string[];
  }
  return undefined;
}

/** PUT /me/tracks may carry `timestamped_ids` (which override `ids`) to backdate the save. */
function timestampedIds(req: Request): Array<{ id: string; addedAt?: number }> | undefined {
  const body: unknown = req.body;
  const list = body && typeof body === 'object' ? (body as { timestamped_ids?: unknown }).timestamped_ids : undefined;
  if (!Array.isArray(list)) return undefined;
  return list.map((entry: { id?: unknown; added_at?: unknown }) => ({
    id: typeof entry?.id === 'string' ? entry.id : '',
    addedAt: typeof entry?.added_at === 'string' ? Date.parse(entry.added_at) : undefined,
  }));
}

/** Extended-quota PUT/DELETE /me/albums and /me/tracks (max 50 ids, 200). */
function writeByIds(
  state: SpotifySimState,
  req: Request,
  res: Response,
  type: 'album' | 'track',
  remove: boolean,
): void {
  const user = requireUser(state, res);
  if (!user) return;
  const stamped = type === 'track' && !remove ? timestampedIds(req) : undefined;
  const parsed = parseIdList(stamped ? stamped.map((s) => s.id) : idsOf(req), 50);
  if (!parsed.ok) return sendApiError(res, 400, parsed.message);
  const items = parsed.ids.map((id) => ({ uri: `spotify:${type}:${id}`, type, id }));
  if (!stamped) {
    if (writeItems(state, res, user.id, items, remove)) res.status(200).end();
    return;
  }
  if (!requireScopes(state, res, ['user-library-modify'])) return;
  if (findMissing(state, items)) return sendApiError(res, 404, 'Resource not found');
  items.forEach((item, i) => {
    const addedAt = stamped[i].addedAt;
    state.library.save(user.id, item, addedAt !== undefined && Number.isFinite(addedAt) ? addedAt : state.now());
  });
  res.status(200).end();
}

function containsByIds(state: SpotifySimState, req: Request, res: Response, type: UriType, max: number): void {
  const user = requireUser(state, res);
  if (!user) return;
  const parsed = parseIdList(queryParam(req, 'ids'), max, type === 'user' ? USER_ID : undefined);
  if (!parsed.ok) return sendApiError(res, 400, parsed.message);
  if (!requireScopes(state, res, [scopeFor(type, 'read')])) return;
  res.json(parsed.ids.map((id) => state.library.has(user.id, `spotify:${type}:${id}`)));
}

function followType(req: Request, res: Response): 'artist' | 'user' | undefined {
  const type = queryParam(req, 'type');
  if (type === 'artist' || type === 'user') return type;
  sendApiError(res, 400, type === undefined ? 'Missing parameter type' : `Invalid type: ${type}`);
  return undefined;
}

/** Extended-quota PUT/DELETE /me/following?type=artist|user&ids= (max 50, 204). */
function writeFollowing(state: SpotifySimState, req: Request, res: Response, remove: boolean): void {
  const user = requireUser(state, res);
  if (!user) return;
  const type = followType(req, res);
  if (!type) return;
  const parsed = parseIdList(idsOf(req), 50, type === 'user' ? USER_ID : undefined);
  if (!parsed.ok) return sendApiError(res, 400, parsed.message);
  const items = parsed.ids.map((id) => ({ uri: `spotify:${type}:${id}`, type, id }));
  if (writeItems(state, res, user.id, items, remove)) res.status(204).end();
}

/** GET /me/following?type=artist — cursor paging by artist id. */
function listFollowing(state: SpotifySimState, req: Request, res: Response): void {
  const user = requireUser(state, res);
  if (!user) return;
  if (queryParam(req, 'type') !== 'artist') return sendApiError(res, 400, "Only valid type is 'artist'");
  const limit = parseIntParam(queryParam(req, 'limit')) ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) return sendApiError(res, 400, 'Invalid limit');
  if (!requireScopes(state, res, ['user-follow-read'])) return;
  const after = queryParam(req, 'after');
  const followed = state.library
    .entries(user.id, 'artist')
    .map((e) => e.id)
    .sort();
  const remaining = after === undefined ? followed : followed.filter((id) => id > after);
  const page = remaining.slice(0, limit);
  const base = baseUrlOf(req);
  const lastId = page.length ? page[page.length - 1] : undefined;
  const pageUrl = (cursor?: string) => {
    const url = new URL('/v1/me/following', base);
    url.searchParams.set('type', 'artist');
    if (cursor !== undefined) url.searchParams.set('after', cursor);
    url.searchParams.set('limit', String(limit));
    return url.toString();
  };
  res.json({
    artists: {
      href: pageUrl(after),
      limit,
      next: remaining.length > limit && lastId !== undefined ? pageUrl(lastId) : null,
      cursors: { after: remaining.length > limit && lastId !== undefined ? lastId : null },
      total: followed.length,
      items: page.map((id) => artistObject(base, state.catalog.artists.get(id) ?? { id, name: '' })),
    },
  });
}

/** GET /me/albums and /me/tracks — saved items, newest first, offset paging. */
function listSaved(state: SpotifySimState, req: Request, res: Response, type: 'album' | 'track'): void {
  const user = requireUser(state, res);
  if (!user) return;
  const limit = parseIntParam(queryParam(req, 'limit')) ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) return sendApiError(res, 400, 'Invalid limit');
  const offset = parseIntParam(queryParam(req, 'offset')) ?? 0;
  if (!Number.isInteger(offset) || offset < 0) return sendApiError(res, 400, 'Invalid offset');
  if (!requireScopes(state, res, ['user-library-read'])) return;
  const base = baseUrlOf(req);
  const saved = state.library
    .entries(user.id, type)
    .sort((a, b) => b.firstSavedAt - a.firstSavedAt)
    .flatMap((e): Record<string, unknown>[] => {
      const added_at = new Date(e.firstSavedAt).toISOString();
      if (type === 'album') {
        const album = state.catalog.albums.get(e.id);
        return album ? [{ added_at, album: albumObject(base, state.catalog, album) }] : [];
      }
      const track = state.catalog.tracks.get(e.id);
      return track ? [{ added_at, track: trackObject(base, state.catalog, track) }] : [];
    });
  res.json(pagingObject(new URL(req.originalUrl, base), saved, limit, offset));
}

/** Save/follow endpoints: the generic /me/library plus the Extended-quota type-specific ones. */
export function libraryRoutes(router: Router, state: SpotifySimState): void {
  router.put('/me/library', (req, res) => writeLibrary(state, req, res, false));
  router.delete('/me/library', (req, res) => writeLibrary(state, req, res, true));
  router.get('/me/library/contains', (req, res) => libraryContains(state, req, res));

  router.get('/me/albums', (req, res) => listSaved(state, req, res, 'album'));
  router.put('/me/albums', (req, res) => writeByIds(state, req, res, 'album', false));
  router.delete('/me/albums', (req, res) => writeByIds(state, req, res, 'album', true));
  router.get('/me/albums/contains', (req, res) => containsByIds(state, req, res, 'album', 20));

  router.get('/me/tracks', (req, res) => listSaved(state, req, res, 'track'));
  router.put('/me/tracks', (req, res) => writeByIds(state, req, res, 'track', false));
  router.delete('/me/tracks', (req, res) => writeByIds(state, req, res, 'track', true));
  router.get('/me/tracks/contains', (req, res) => containsByIds(state, req, res, 'track', 50));

  router.get('/me/following', (req, res) => listFollowing(state, req, res));
  router.put('/me/following', (req, res) => writeFollowing(state, req, res, false));
  router.delete('/me/following', (req, res) => writeFollowing(state, req, res, true));
  router.get('/me/following/contains', (req, res) => {
    const type = followType(req, res);
    if (type) containsByIds(state, req, res, type, 50);
  });
}
