// Spotify over HTTP (docs/providers/spotify.md): the accounts service for tokens, the Web API for the catalogue and
// the fan's library. Every failure becomes a ProviderError: invalid_grant and a refused access token are
// token_invalid, a 429 is rate_limited (Retry-After) or, with reason QUOTA_EXCEEDED, quota_exhausted; a 403 is an
// invalid_request with status 403 (a missing scope: see isForbidden).
import { gtinLookupForms } from '../gtin';
import { ProviderError } from './errors';
import { type OnProviderCall, ProviderHttp, type ProviderResponse } from './http';

/** A 403 from the Web API: the token lacks a scope, or the user may not use this app. */
export const isForbidden = (error: ProviderError): boolean => error.kind === 'invalid_request' && error.status === 403;

// Covers and artist pictures are a few hundred kB; anything far bigger is not one (and is not held in memory).
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export interface SpotifyTokens {
  accessToken: string;
  refreshToken?: string; // present when issued or rotated
  expiresInSeconds: number;
  scope: string;
}

export interface SpotifyAlbum {
  id: string;
  name: string;
  upc?: string;
  artistIds: string[];
  imageUrl?: string;
  trackUris: string[];
  /** Spotify's `release_date` at its precision: `2026`, `2026-12` or `2026-12-04`. */
  releaseDate?: string;
}

/** One size of a cover or picture; Spotify may leave the size out (null). */
export interface SpotifyImage {
  url: string;
  width: number | null;
  height: number | null;
}

export interface SpotifyArtist {
  id: string;
  name: string;
  /** the artist's picture in several sizes, largest first; empty when the artist has none */
  images: SpotifyImage[];
}

export interface RecentlyPlayedPage {
  plays: { trackId: string; playedAt: number }[];
  /** where the next page starts, null when this was the last */
  nextAfterMs: number | null;
  /** the newest instant seen: the cursor to store */
  newestMs: number;
}

export interface SpotifyClientOptions {
  clientId: string;
  clientSecret?: string;
  accountsUrl: string;
  apiUrl: string;
  timeoutMs?: number;
  onCall?: OnProviderCall;
}

export function spotifyClientFrom(
  config: {
    SPOTIFY_CLIENT_ID: string;
    SPOTIFY_CLIENT_SECRET?: string;
    SPOTIFY_ACCOUNTS_URL: string;
    SPOTIFY_API_URL: string;
  },
  onCall?: OnProviderCall,
): SpotifyClient {
  return new SpotifyClient({
    clientId: config.SPOTIFY_CLIENT_ID,
    clientSecret: config.SPOTIFY_CLIENT_SECRET,
    accountsUrl: config.SPOTIFY_ACCOUNTS_URL,
    apiUrl: config.SPOTIFY_API_URL,
    onCall,
  });
}

export class SpotifyClient {
  private readonly accounts: ProviderHttp;
  private readonly api: ProviderHttp;

  constructor(private readonly opts: SpotifyClientOptions) {
    const common = {
      provider: 'spotify',
      label: 'Spotify',
      timeoutMs: opts.timeoutMs ?? 10_000,
      classify: classifySpotifyAnswer,
      onCall: opts.onCall,
    } as const;
    this.accounts = new ProviderHttp({ ...common, baseURL: opts.accountsUrl });
    this.api = new ProviderHttp({ ...common, baseURL: `${opts.apiUrl.replace(/\/$/, '')}/v1` });
  }

  authorizeUrl(input: { redirectUri: string; scopes: string[]; state: string; codeChallenge: string }): string {
    const url = new URL('/authorize', this.opts.accountsUrl);
    url.search = new URLSearchParams({
      client_id: this.opts.clientId,
      response_type: 'code',
      redirect_uri: input.redirectUri,
      scope: input.scopes.join(' '),
      state: input.state,
      code_challenge_method: 'S256',
      code_challenge: input.codeChallenge,
      // Always show the consent screen, so a page cannot pre-save for a fan who consented before without a click.
      show_dialog: 'true',
    }).toString();
    return url.toString();
  }

  /** Code + PKCE: no client secret; the refresh token we get back rotates on every refresh. */
  async exchangeCode(input: { code: string; redirectUri: string; codeVerifier: string }): Promise<SpotifyTokens> {
    return this.token({
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: input.redirectUri,
      client_id: this.opts.clientId,
      code_verifier: input.codeVerifier,
    });
  }

  async refresh(refreshToken: string): Promise<SpotifyTokens> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: this.opts.clientId });
  }

  /** An app token for catalogue look-ups; needs the client secret. */
  async clientCredentials(): Promise<SpotifyTokens> {
    if (!this.opts.clientSecret) {
      throw new ProviderError('spotify', 'invalid_request', 'client credentials need SPOTIFY_CLIENT_SECRET');
    }
    const basic = Buffer.from(`${this.opts.clientId}:${this.opts.clientSecret}`).toString('base64');
    return this.token({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
  }

  async me(accessToken: string): Promise<{ accountId: string }> {
    const res = await this.api.request({ operation: 'me', url: '/me', ...auth(accessToken) });
    const body = res.data as { account_id?: string; id?: string };
    // account_id is Spotify's pseudonymous, immutable id for account linking (2026); `id` is the username.
    const accountId = body.account_id ?? body.id;
    if (!accountId) throw new ProviderError('spotify', 'invalid_request', 'profile without account_id');
    return { accountId };
  }

  /** Looks a release up by UPC (album search, under each GTIN form: see lib/gtin.ts) or ISRC (track search). */
  async findAlbumId(accessToken: string, ids: { upc?: string | null; isrc?: string | null }): Promise<string | null> {
    if (ids.upc) {
      for (const upc of gtinLookupForms(ids.upc)) {
        const found = await this.search(accessToken, `upc:${upc}`, 'album');
        const id = (found as { albums?: { items: { id: string }[] } }).albums?.items[0]?.id;
        if (id) return id;
      }
      return null;
    }
    return (await this.albumIdsOfIsrc(accessToken, ids.isrc ?? ''))[0] ?? null;
  }

  /** The albums a recording (ISRC) appears on, by track search: a single and its album share one ISRC. */
  async albumIdsOfIsrc(accessToken: string, isrc: string): Promise<string[]> {
    const found = await this.search(accessToken, `isrc:${isrc}`, 'track');
    const items = (found as { tracks?: { items: { album?: { id: string } }[] } }).tracks?.items ?? [];
    return items.flatMap((track) => (track.album?.id ? [track.album.id] : []));
  }

  private async search(accessToken: string, q: string, type: 'album' | 'track'): Promise<unknown> {
    const res = await this.api.request({
      operation: 'search',
      url: '/search',
      ...auth(accessToken),
      params: { q, type, limit: 5 },
    });
    return res.data;
  }

  async album(accessToken: string, albumId: string): Promise<SpotifyAlbum | null> {
    try {
      const res = await this.api.request({
        operation: 'album',
        url: `/albums/${encodeURIComponent(albumId)}`,
        ...auth(accessToken),
      });
      const body = res.data as {
        id: string;
        name: string;
        external_ids?: { upc?: string };
        artists?: { id: string }[];
        images?: { url: string }[];
        tracks?: { items?: { uri: string }[] };
        release_date?: string;
      };
      return {
        id: body.id,
        name: body.name,
        upc: body.external_ids?.upc,
        artistIds: (body.artists ?? []).map((a) => a.id),
        imageUrl: body.images?.[0]?.url,
        trackUris: (body.tracks?.items ?? []).map((t) => t.uri),
        releaseDate: body.release_date,
      };
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'not_found') return null;
      throw error;
    }
  }

  /** An artist (its picture among others); null when Spotify has no artist of that id. */
  async artist(accessToken: string, artistId: string): Promise<SpotifyArtist | null> {
    try {
      const res = await this.api.request({
        operation: 'artist',
        url: `/artists/${encodeURIComponent(artistId)}`,
        ...auth(accessToken),
      });
      const body = res.data as { id: string; name: string; images?: Partial<SpotifyImage>[] };
      const images = (body.images ?? []).flatMap((i) =>
        typeof i.url === 'string' ? [{ url: i.url, width: i.width ?? null, height: i.height ?? null }] : [],
      );
      return { id: body.id, name: body.name, images };
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'not_found') return null;
      throw error;
    }
  }

  /**
   * An album cover's or artist picture's bytes, from Spotify's image CDN (or this client's own API host: the
   * simulator serves them). Any other host is refused without a request, so a stored address (or one an API answer
   * carried) cannot make the worker fetch something else.
   */
  async image(url: string): Promise<Buffer> {
    if (!this.isImageHost(url)) {
      throw new ProviderError('spotify', 'invalid_request', 'the image address is not a Spotify image', {
        code: 'image_host_refused',
      });
    }
    const res = await this.api.request({
      operation: 'image',
      url,
      responseType: 'buffer',
      maxBytes: MAX_IMAGE_BYTES,
    });
    return res.data as Buffer;
  }

  private isImageHost(url: string): boolean {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (parsed.origin === new URL(this.opts.apiUrl).origin) return true;
    return parsed.protocol === 'https:' && /(^|\.)(scdn\.co|spotifycdn\.com)$/.test(parsed.hostname);
  }

  /** Development mode: one call saves the album and follows the artists (at most 40 URIs). */
  async saveToLibrary(accessToken: string, uris: string[]): Promise<void> {
    await this.api.request({
      operation: 'library.save',
      method: 'PUT',
      url: '/me/library',
      write: true,
      ...auth(accessToken),
      params: { uris: uris.join(',') },
    });
  }

  async libraryContains(accessToken: string, uris: string[]): Promise<boolean[]> {
    const res = await this.api.request({
      operation: 'library.contains',
      url: '/me/library/contains',
      ...auth(accessToken),
      params: { uris: uris.join(',') },
    });
    return res.data as boolean[];
  }

  /** Extended quota mode. */
  async saveAlbums(accessToken: string, albumIds: string[]): Promise<void> {
    await this.api.request({
      operation: 'albums.save',
      method: 'PUT',
      url: '/me/albums',
      write: true,
      data: { ids: albumIds },
      ...auth(accessToken),
    });
  }

  async followArtists(accessToken: string, artistIds: string[]): Promise<void> {
    await this.api.request({
      operation: 'following.save',
      method: 'PUT',
      url: '/me/following',
      write: true,
      data: { ids: artistIds },
      ...auth(accessToken),
      params: { type: 'artist' },
    });
  }

  async albumsContain(accessToken: string, albumIds: string[]): Promise<boolean[]> {
    const res = await this.api.request({
      operation: 'albums.contains',
      url: '/me/albums/contains',
      ...auth(accessToken),
      params: { ids: albumIds.join(',') },
    });
    return res.data as boolean[];
  }

  async followsArtists(accessToken: string, artistIds: string[]): Promise<boolean[]> {
    const res = await this.api.request({
      operation: 'following.contains',
      url: '/me/following/contains',
      ...auth(accessToken),
      params: { type: 'artist', ids: artistIds.join(',') },
    });
    return res.data as boolean[];
  }

  /** Extended quota mode: whether the fan saved these tracks (at most 50 ids). */
  async tracksContain(accessToken: string, trackIds: string[]): Promise<boolean[]> {
    const res = await this.api.request({
      operation: 'tracks.contains',
      url: '/me/tracks/contains',
      ...auth(accessToken),
      params: { ids: trackIds.join(',') },
    });
    return res.data as boolean[];
  }

  /**
   * One page of the fan's listening history after `afterMs` (exclusive), at most 50 plays (scope
   * user-read-recently-played). `nextAfterMs` is the cursor for the next page, null when there is none.
   */
  async recentlyPlayed(accessToken: string, input: { afterMs: number; limit?: number }): Promise<RecentlyPlayedPage> {
    const res = await this.api.request({
      operation: 'recently_played',
      url: '/me/player/recently-played',
      ...auth(accessToken),
      params: { after: Math.floor(input.afterMs), limit: input.limit ?? 50 },
    });
    const body = res.data as {
      next?: string | null;
      cursors?: { after?: string } | null;
      items?: { track?: { id?: string }; played_at?: string }[];
    };
    const plays = (body.items ?? [])
      .map((item) => ({ trackId: item.track?.id ?? '', playedAt: Date.parse(item.played_at ?? '') }))
      .filter((p) => p.trackId && Number.isFinite(p.playedAt));
    const newest = Math.max(input.afterMs, ...plays.map((p) => p.playedAt), Number(body.cursors?.after ?? 0) || 0);
    return { plays, nextAfterMs: body.next && plays.length > 0 ? newest : null, newestMs: newest };
  }

  private async token(form: Record<string, string>, headers: Record<string, string> = {}): Promise<SpotifyTokens> {
    // A write: a refresh whose answer is lost may still have rotated the refresh token.
    const res = await this.accounts.request({
      operation: 'token',
      method: 'POST',
      url: '/api/token',
      write: true,
      data: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
    const body = res.data as { access_token: string; refresh_token?: string; expires_in: number; scope?: string };
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresInSeconds: body.expires_in,
      scope: body.scope ?? '',
    };
  }
}

function auth(accessToken: string) {
  return { headers: { authorization: `Bearer ${accessToken}` } };
}

/** Spotify's answers in the one vocabulary; null for a success. */
export function classifySpotifyAnswer(res: ProviderResponse): ProviderError | null {
  if (res.status >= 200 && res.status < 300) return null;
  const body = (res.data ?? {}) as {
    error?: string | { status?: number; message?: string; reason?: string };
    error_description?: string;
    message?: string;
  };
  const status = res.status;
  // The accounts service answers flat OAuth errors; the Web API wraps {status,message} under `error`
  // (and some 400s of /me/library are documented bare) — accept all three.
  if (typeof body.error === 'string') {
    const kind = body.error === 'invalid_grant' ? 'token_invalid' : status >= 500 ? 'unavailable' : 'invalid_request';
    return new ProviderError('spotify', kind, `${body.error}: ${body.error_description ?? ''}`.trim(), { status });
  }
  const message = body.error?.message ?? body.message ?? `HTTP ${status}`;
  const retryAfterMs = retryAfter(res.headers['retry-after']);
  switch (true) {
    case status === 429 && body.error?.reason === 'QUOTA_EXCEEDED':
      return new ProviderError('spotify', 'quota_exhausted', message, {
        status,
        retryAfterMs: retryAfterMs ?? 3_600_000,
      });
    case status === 429:
      return new ProviderError('spotify', 'rate_limited', message, { status, retryAfterMs: retryAfterMs ?? 1_000 });
    case status === 401:
      return new ProviderError('spotify', 'token_invalid', message, { status });
    case status === 404:
      return new ProviderError('spotify', 'not_found', message, { status });
    case status >= 500:
      return new ProviderError('spotify', 'unavailable', message, { status });
    default: // 400, and 403 (see isForbidden)
      return new ProviderError('spotify', 'invalid_request', message, { status });
  }
}

function retryAfter(header: unknown): number | undefined {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.max(1, seconds) * 1000 : undefined;
}
