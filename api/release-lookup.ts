// The release a campaign is being set up for, looked up before it is saved (the app's guided flow shows its title,
// artwork and tracks): Spotify's catalogue by UPC (album search) or ISRC (track search), with the app's own
// client-credentials token, kept until shortly before it expires. A release no catalogue shows yet is `found:
// false`, which is normal weeks before release day: the campaign can still be made, and the release engine keeps
// looking.
import { type ProviderClients } from '../lib/providers';

export interface LookedUpRelease {
  spotifyAlbumId: string;
  title: string;
  artworkUrl: string | null;
  releaseDate: string | null;
  trackCount: number;
}

export function createReleaseLookup({ spotify }: Pick<ProviderClients, 'spotify'>) {
  let token: { value: string; expiresAt: number } | null = null;
  const appToken = async () => {
    if (!token || token.expiresAt < Date.now() + 60_000) {
      const t = await spotify.clientCredentials();
      token = { value: t.accessToken, expiresAt: Date.now() + t.expiresInSeconds * 1000 };
    }
    return token.value;
  };

  return async (ids: { upc?: string; isrc?: string }): Promise<LookedUpRelease | null> => {
    const accessToken = await appToken();
    const albumId = await spotify.findAlbumId(accessToken, ids);
    const album = albumId ? await spotify.album(accessToken, albumId) : null;
    if (!album) return null;
    return {
      spotifyAlbumId: album.id,
      title: album.name,
      artworkUrl: album.imageUrl ?? null,
      releaseDate: album.releaseDate ?? null,
      trackCount: album.trackUris.length,
    };
  };
}
