import { BASE62_ID, USER_ID } from './ids';

export type UriType = 'track' | 'album' | 'episode' | 'show' | 'audiobook' | 'user' | 'playlist' | 'artist';

export interface SpotifyUri {
  uri: string;
  type: UriType;
  id: string;
}

/** Types PUT/DELETE /me/library accepts per the spec; artist is added behind `artistUrisInLibrary`. */
export const LIBRARY_WRITE_TYPES: readonly UriType[] = [
  'track',
  'album',
  'episode',
  'show',
  'audiobook',
  'user',
  'playlist',
];
/** /me/library/contains also answers for artists ("does the user follow them"). */
export const LIBRARY_READ_TYPES: readonly UriType[] = [...LIBRARY_WRITE_TYPES, 'artist'];

/** Artist and user URIs are follows; everything else is a library save. */
export function isFollowType(type: UriType): boolean {
  return type === 'artist' || type === 'user';
}

export const MAX_LIBRARY_URIS = 40;

export type UriListResult = { ok: true; uris: SpotifyUri[] } | { ok: false; message: string };

/** Parses the comma-separated `uris` parameter of the /me/library endpoints. */
export function parseUriList(raw: string | undefined, allowed: readonly UriType[]): UriListResult {
  if (raw === undefined || raw.trim() === '') return { ok: false, message: 'Missing required parameter: uris' };
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.length > MAX_LIBRARY_URIS) return { ok: false, message: 'Too many ids requested' };
  const uris: SpotifyUri[] = [];
  for (const uri of parts) {
    const match = /^spotify:([a-z]+):(.+)$/.exec(uri);
    if (!match) return { ok: false, message: `Invalid URI: ${uri}` };
    const type = match[1] as UriType;
    if (!allowed.includes(type)) return { ok: false, message: `Unsupported URI type: ${uri}` };
    const id = match[2];
    const valid = type === 'user' ? USER_ID.test(id) : BASE62_ID.test(id);
    if (!valid) return { ok: false, message: 'Invalid base62 id' };
    uris.push({ uri, type, id });
  }
  return { ok: true, uris };
}

/** Parses an `ids` list (query string or JSON body) of the deprecated type-specific endpoints. */
export function parseIdList(
  raw: string | string[] | undefined,
  max: number,
  idPattern: RegExp = BASE62_ID,
): { ok: true; ids: string[] } | { ok: false; message: string } {
  const ids = (Array.isArray(raw) ? raw : (raw ?? '').split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (ids.length === 0) return { ok: false, message: 'Missing required parameter: ids' };
  if (ids.length > max) return { ok: false, message: 'Too many ids requested' };
  if (!ids.every((id) => idPattern.test(id))) return { ok: false, message: 'Invalid base62 id' };
  return { ok: true, ids };
}
