import { BASE62_ID, newBase62Id } from './ids';
import { ControlError } from './errors';

export type AlbumType = 'album' | 'single' | 'compilation';

export interface CatalogArtist {
  id: string;
  name: string;
  /** false: the artist has no picture on Spotify (`images: []`) */
  picture?: boolean;
}

export interface CatalogAlbum {
  id: string;
  name: string;
  upc: string;
  albumType: AlbumType;
  artistIds: string[];
  trackIds: string[];
  /** Epoch ms; before this instant the album and its tracks are invisible (search, GET, save). */
  liveAt: number;
  /** YYYY-MM-DD as shown to clients. */
  releaseDate: string;
}

export interface CatalogTrack {
  id: string;
  name: string;
  isrc: string;
  albumId: string;
  artistIds: string[];
  trackNumber: number;
  durationMs: number;
}

export interface ReleaseInput {
  artist: { id?: string; name: string; picture?: boolean };
  album: {
    id?: string;
    name: string;
    upc: string;
    albumType?: AlbumType;
    releaseDate?: string;
    tracks: Array<{ id?: string; name: string; isrc: string; durationMs?: number }>;
  };
  /** ISO-8601 string or epoch milliseconds. */
  liveAt: string | number;
}

export interface CreatedRelease {
  artist: { id: string; uri: string; name: string };
  album: { id: string; uri: string; name: string; upc: string; liveAt: string };
  tracks: Array<{ id: string; uri: string; name: string; isrc: string }>;
}

function checkId(kind: string, id: string | undefined): string {
  if (id === undefined) return newBase62Id();
  if (!BASE62_ID.test(id)) throw new ControlError(400, `${kind} id must be 22 base62 characters: ${id}`);
  return id;
}

export function parseInstant(value: string | number): number {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new ControlError(400, `Invalid instant: ${String(value)}`);
  return ms;
}

/** The fake catalog: what a distributor delivered and when it goes live. */
export class Catalog {
  readonly artists = new Map<string, CatalogArtist>();
  readonly albums = new Map<string, CatalogAlbum>();
  readonly tracks = new Map<string, CatalogTrack>();

  /** Adds a release, or replaces it when the album id already exists (e.g. to move its live instant). */
  addRelease(input: ReleaseInput): CreatedRelease {
    const liveAt = parseInstant(input.liveAt);
    const artistId = checkId('artist', input.artist.id);
    const albumId = checkId('album', input.album.id);
    if (input.album.tracks.length === 0) throw new ControlError(400, 'A release needs at least one track');
    const trackIds = input.album.tracks.map((t) => checkId('track', t.id));
    if (new Set(trackIds).size !== trackIds.length) throw new ControlError(400, 'Duplicate track ids');

    const previous = this.albums.get(albumId);
    if (previous) for (const id of previous.trackIds) this.tracks.delete(id);

    this.artists.set(artistId, { id: artistId, name: input.artist.name, picture: input.artist.picture ?? true });
    const album: CatalogAlbum = {
      id: albumId,
      name: input.album.name,
      upc: input.album.upc,
      albumType: input.album.albumType ?? (trackIds.length <= 3 ? 'single' : 'album'),
      artistIds: [artistId],
      trackIds,
      liveAt,
      releaseDate: input.album.releaseDate ?? new Date(liveAt).toISOString().slice(0, 10),
    };
    this.albums.set(albumId, album);
    input.album.tracks.forEach((t, index) => {
      this.tracks.set(trackIds[index], {
        id: trackIds[index],
        name: t.name,
        isrc: t.isrc,
        albumId,
        artistIds: [artistId],
        trackNumber: index + 1,
        durationMs: t.durationMs ?? 180_000,
      });
    });

    return {
      artist: { id: artistId, uri: `spotify:artist:${artistId}`, name: input.artist.name },
      album: {
        id: albumId,
        uri: `spotify:album:${albumId}`,
        name: album.name,
        upc: album.upc,
        liveAt: new Date(liveAt).toISOString(),
      },
      tracks: trackIds.map((id) => {
        const track = this.tracks.get(id) as CatalogTrack;
        return { id, uri: `spotify:track:${id}`, name: track.name, isrc: track.isrc };
      }),
    };
  }

  liveAlbum(id: string, now: number): CatalogAlbum | undefined {
    const album = this.albums.get(id);
    return album && album.liveAt <= now ? album : undefined;
  }

  liveTrack(id: string, now: number): CatalogTrack | undefined {
    const track = this.tracks.get(id);
    return track && this.liveAlbum(track.albumId, now) ? track : undefined;
  }

  liveAlbums(now: number): CatalogAlbum[] {
    return [...this.albums.values()].filter((a) => a.liveAt <= now);
  }

  liveTracks(now: number): CatalogTrack[] {
    return [...this.tracks.values()].filter((t) => this.liveAlbum(t.albumId, now) !== undefined);
  }

  artistNames(ids: string[]): string[] {
    return ids.map((id) => this.artists.get(id)?.name ?? '');
  }

  clear(): void {
    this.artists.clear();
    this.albums.clear();
    this.tracks.clear();
  }
}
