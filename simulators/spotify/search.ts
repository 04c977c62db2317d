import type { Catalog, CatalogAlbum, CatalogArtist, CatalogTrack } from './catalog';

export const SEARCH_TYPES = ['album', 'artist', 'playlist', 'track', 'show', 'episode', 'audiobook'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

export interface SearchQuery {
  /** Field filters such as upc:, isrc:, artist:, album:, track:, year:, tag:. */
  filters: Map<string, string>;
  /** Remaining words, matched against names. */
  words: string[];
}

/** Splits `q` into `field:value` filters (value may be "quoted") and free words. */
export function parseSearchQuery(q: string): SearchQuery {
  const filters = new Map<string, string>();
  const words: string[] = [];
  const token = /([a-z]+):(?:"([^"]*)"|(\S+))|"([^"]*)"|(\S+)/gi;
  for (const m of q.matchAll(token)) {
    if (m[1] !== undefined) filters.set(m[1].toLowerCase(), (m[2] ?? m[3] ?? '').toLowerCase());
    else words.push((m[4] ?? m[5] ?? '').toLowerCase());
  }
  return { filters, words: words.filter((w) => w !== '') };
}

const contains = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle);

function yearMatches(releaseDate: string, filter: string): boolean {
  const year = Number(releaseDate.slice(0, 4));
  const [from, to] = filter.split('-').map(Number);
  return to === undefined ? year === from : year >= from && year <= to;
}

/** Filters that only apply to the other type (isrc on albums, upc on tracks) make the query match nothing. */
export function matchAlbum(catalog: Catalog, album: CatalogAlbum, query: SearchQuery, now: number): boolean {
  const artistNames = catalog.artistNames(album.artistIds).join(' ');
  for (const [field, value] of query.filters) {
    if (field === 'upc' && album.upc.toLowerCase() !== value) return false;
    if (field === 'album' && !contains(album.name, value)) return false;
    if (field === 'artist' && !contains(artistNames, value)) return false;
    if (field === 'year' && !yearMatches(album.releaseDate, value)) return false;
    // tag:new = released in the past two weeks; tag:hipster (lowest popularity) has no meaning here.
    if (field === 'tag' && value === 'new' && now - album.liveAt > 14 * 24 * 3600 * 1000) return false;
    if (field === 'isrc' || field === 'track') return false;
  }
  return query.words.every((w) => contains(album.name, w) || contains(artistNames, w));
}

export function matchTrack(catalog: Catalog, track: CatalogTrack, query: SearchQuery): boolean {
  const album = catalog.albums.get(track.albumId) as CatalogAlbum;
  const artistNames = catalog.artistNames(track.artistIds).join(' ');
  for (const [field, value] of query.filters) {
    if (field === 'isrc' && track.isrc.toLowerCase() !== value) return false;
    if (field === 'track' && !contains(track.name, value)) return false;
    if (field === 'album' && !contains(album.name, value)) return false;
    if (field === 'artist' && !contains(artistNames, value)) return false;
    if (field === 'year' && !yearMatches(album.releaseDate, value)) return false;
    if (field === 'upc' || field === 'tag') return false;
  }
  return query.words.every((w) => contains(track.name, w) || contains(artistNames, w) || contains(album.name, w));
}

/** Artists only know their name: any filter other than artist: matches nothing. */
export function matchArtist(artist: CatalogArtist, query: SearchQuery): boolean {
  for (const [field, value] of query.filters) {
    if (field !== 'artist' || !contains(artist.name, value)) return false;
  }
  return query.words.every((w) => contains(artist.name, w));
}
