// Links dropday fills from its own catalog lookups when the artist asks for them ("auto" in the API), instead of
// an address the artist types. One filler per platform that dropday looks releases up on.
import { type Platform } from './catalog';

/** What the lookups found for a release (the campaign's resolved ids). */
export interface CatalogIds {
  title: string;
  artistName: string;
  spotifyAlbumId: string | null;
  /** Apple Music's lookup (issue 16, Apple Music pre-add) sets this when it lands; until then it is absent. */
  appleMusicAlbumUrl?: string | null;
}

export type CatalogFiller = (ids: CatalogIds) => string | null;

/** Spotify's album once the release is resolved, else a search for it (the fan still finds it). */
export const spotifyReleaseUrl: CatalogFiller = (ids) =>
  ids.spotifyAlbumId
    ? `https://open.spotify.com/album/${ids.spotifyAlbumId}`
    : `https://open.spotify.com/search/${encodeURIComponent(`${ids.artistName} ${ids.title}`)}`;

/**
 * The platforms dropday can fill. Apple Music is the hook for its catalog lookup: until that lookup records an
 * album URL, an "auto" Apple Music link stays hidden from the page rather than pointing nowhere.
 */
export const CATALOG_FILLERS: Partial<Record<Platform, CatalogFiller>> = {
  spotify: spotifyReleaseUrl,
  apple_music: (ids) => ids.appleMusicAlbumUrl ?? null,
};
export const FILLABLE_PLATFORMS = Object.keys(CATALOG_FILLERS) as Platform[];

export interface ReleaseLink {
  platform: Platform;
  url: string;
}

/**
 * The links a fan is shown, in the artist's order: their own addresses, and the filled ones that a lookup found.
 * A campaign whose artist listed nothing shows Spotify, filled, as smart links did before platforms were listed.
 */
export function releaseLinks(ids: CatalogIds, rows: readonly { platform: Platform; url: string | null }[]) {
  const listed = rows.length > 0 ? rows : [{ platform: 'spotify' as const, url: null }];
  const links: ReleaseLink[] = [];
  for (const row of listed) {
    const url = row.url ?? CATALOG_FILLERS[row.platform]?.(ids) ?? null;
    if (url) links.push({ platform: row.platform, url });
  }
  return links;
}
