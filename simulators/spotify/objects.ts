import { ARTIST_PICTURE_SIZES, COVER_SIZES, imagePath } from './artwork';
import type { SimUser } from './auth-store';
import type { Catalog, CatalogAlbum, CatalogArtist, CatalogTrack } from './catalog';

/**
 * JSON shapes of the Web API as Development-mode apps see them after the 2026 changes:
 * no available_markets / popularity / label, but external_ids kept.
 */

function externalUrls(type: string, id: string) {
  return { spotify: `https://open.spotify.com/${type}/${id}` };
}

/** Served by this simulator (artwork.ts), as Spotify serves them from its image CDN. */
function squareImages(base: string, id: string, sizes: readonly number[]) {
  return sizes.map((size) => ({ url: `${base}${imagePath(size, id)}`, height: size, width: size }));
}

export function privateUserObject(base: string, user: SimUser) {
  return {
    id: user.id,
    account_id: user.accountId,
    display_name: user.displayName,
    type: 'user',
    uri: `spotify:user:${user.id}`,
    href: `${base}/v1/users/${user.id}`,
    external_urls: externalUrls('user', user.id),
    images: [],
  };
}

export function simplifiedArtistObject(base: string, artist: CatalogArtist) {
  return {
    id: artist.id,
    name: artist.name,
    type: 'artist',
    uri: `spotify:artist:${artist.id}`,
    href: `${base}/v1/artists/${artist.id}`,
    external_urls: externalUrls('artist', artist.id),
  };
}

export function artistObject(base: string, artist: CatalogArtist) {
  const images = artist.picture ? squareImages(base, artist.id, ARTIST_PICTURE_SIZES) : [];
  return { ...simplifiedArtistObject(base, artist), genres: [], images };
}

function artistsOf(base: string, catalog: Catalog, ids: string[]) {
  return ids.map((id) => simplifiedArtistObject(base, catalog.artists.get(id) ?? { id, name: '' }));
}

/** Search items and track.album: no external_ids, no tracks. */
export function simplifiedAlbumObject(base: string, catalog: Catalog, album: CatalogAlbum) {
  return {
    album_type: album.albumType,
    total_tracks: album.trackIds.length,
    id: album.id,
    name: album.name,
    type: 'album',
    uri: `spotify:album:${album.id}`,
    href: `${base}/v1/albums/${album.id}`,
    external_urls: externalUrls('album', album.id),
    images: squareImages(base, album.id, COVER_SIZES),
    release_date: album.releaseDate,
    release_date_precision: 'day',
    artists: artistsOf(base, catalog, album.artistIds),
  };
}

/** Album tracks: simplified, but with external_ids.isrc so clients can match by ISRC. */
export function simplifiedTrackObject(base: string, catalog: Catalog, track: CatalogTrack) {
  return {
    id: track.id,
    name: track.name,
    type: 'track',
    uri: `spotify:track:${track.id}`,
    href: `${base}/v1/tracks/${track.id}`,
    external_urls: externalUrls('track', track.id),
    external_ids: { isrc: track.isrc },
    artists: artistsOf(base, catalog, track.artistIds),
    disc_number: 1,
    track_number: track.trackNumber,
    duration_ms: track.durationMs,
    explicit: false,
    is_local: false,
    is_playable: true,
  };
}

export function trackObject(base: string, catalog: Catalog, track: CatalogTrack) {
  const album = catalog.albums.get(track.albumId) as CatalogAlbum;
  return { ...simplifiedTrackObject(base, catalog, track), album: simplifiedAlbumObject(base, catalog, album) };
}

export function albumObject(base: string, catalog: Catalog, album: CatalogAlbum) {
  const tracks = album.trackIds.map((id) => catalog.tracks.get(id) as CatalogTrack);
  const tracksHref = `${base}/v1/albums/${album.id}/tracks`;
  return {
    ...simplifiedAlbumObject(base, catalog, album),
    external_ids: { upc: album.upc },
    genres: [],
    copyrights: [],
    tracks: {
      href: `${tracksHref}?offset=0&limit=50`,
      limit: 50,
      offset: 0,
      total: tracks.length,
      next: tracks.length > 50 ? `${tracksHref}?offset=50&limit=50` : null,
      previous: null,
      items: tracks.slice(0, 50).map((t) => simplifiedTrackObject(base, catalog, t)),
    },
  };
}

/** Offset paging object (search results, saved tracks). */
export function pagingObject<T>(href: URL, items: T[], limit: number, offset: number) {
  const pageUrl = (o: number) => {
    const url = new URL(href);
    url.searchParams.set('offset', String(o));
    url.searchParams.set('limit', String(limit));
    return url.toString();
  };
  return {
    href: pageUrl(offset),
    limit,
    offset,
    total: items.length,
    next: limit > 0 && offset + limit < items.length ? pageUrl(offset + limit) : null,
    previous: offset > 0 ? pageUrl(Math.max(0, offset - limit)) : null,
    items: items.slice(offset, offset + limit),
  };
}
