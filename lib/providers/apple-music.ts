// Apple Music over HTTP (docs/providers/apple-music.md): catalog look-ups by UPC in a storefront, the fan's
// storefront, library adds and their read-back. Every call carries a developer token this client signs itself (ES256
// from the configured key) and renews before it expires; calls under /me carry the fan's Music-User-Token too.
// Failures in the one vocabulary: 403 `40300` (the fan's token is no longer valid) is token_invalid — the fan must
// authorize again, never retried; 429 is rate_limited, usually with no Retry-After (retryAfterMs then unset: the
// caller backs off from 0.5 s); 400 `40015` (no subscription) is invalid_request; a 401 (our developer token) is
// retried once with a freshly signed token, then unavailable (a configuration fault must not fail every fan).
import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { gtinLookupForms } from '../gtin';
import { ProviderError } from './errors';
import { type OnProviderCall, ProviderHttp, type ProviderRequest, type ProviderResponse } from './http';

export const MAX_DEVELOPER_TOKEN_TTL_S = 15_777_000;

export interface AppleMusicClientOptions {
  apiUrl: string;
  teamId: string;
  keyId: string;
  /** PKCS#8 PEM of the .p8 key (literal `\n` escapes accepted, as env files carry it) */
  privateKeyPem: string;
  tokenTtlSeconds?: number;
  timeoutMs?: number;
  onCall?: OnProviderCall;
  now?: () => number;
}

export interface AppleAlbum {
  id: string;
  storefront: string;
  name: string;
  upc?: string;
  /** `YYYY-MM-DD`; in the future for pre-release content */
  releaseDate?: string;
  /** playable now: Apple gives `playParams` only then */
  playable: boolean;
  /** not out yet: a future release date, or not playable (Apple's own `isPrerelease` hint when given) */
  preRelease: boolean;
}

export interface LibraryAlbum {
  libraryId: string;
  playable: boolean;
  releaseDate?: string;
}

export function appleMusicClientFrom(
  config: {
    APPLE_MUSIC_API_URL: string;
    APPLE_MUSIC_TEAM_ID?: string;
    APPLE_MUSIC_KEY_ID?: string;
    APPLE_MUSIC_PRIVATE_KEY?: string;
    APPLE_MUSIC_TOKEN_TTL_SECONDS: number;
  },
  onCall?: OnProviderCall,
): AppleMusicClient | null {
  const { APPLE_MUSIC_TEAM_ID: teamId, APPLE_MUSIC_KEY_ID: keyId, APPLE_MUSIC_PRIVATE_KEY: privateKeyPem } = config;
  if (!teamId || !keyId || !privateKeyPem) return null;
  return new AppleMusicClient({
    apiUrl: config.APPLE_MUSIC_API_URL,
    teamId,
    keyId,
    privateKeyPem,
    tokenTtlSeconds: config.APPLE_MUSIC_TOKEN_TTL_SECONDS,
    onCall,
  });
}

export class AppleMusicClient {
  private readonly http: ProviderHttp;
  private readonly key: KeyObject;
  private readonly ttlSeconds: number;
  private readonly now: () => number;
  private signed: { token: string; expiresAtMs: number } | null = null;

  constructor(private readonly opts: AppleMusicClientOptions) {
    this.key = createPrivateKey(opts.privateKeyPem.replace(/\\n/g, '\n'));
    this.ttlSeconds = Math.min(opts.tokenTtlSeconds ?? 12 * 3600, MAX_DEVELOPER_TOKEN_TTL_S);
    this.now = opts.now ?? Date.now;
    this.http = new ProviderHttp({
      provider: 'apple_music',
      label: 'Apple Music',
      baseURL: `${opts.apiUrl.replace(/\/$/, '')}/v1`,
      timeoutMs: opts.timeoutMs ?? 10_000,
      classify: classifyAppleMusicAnswer,
      onCall: opts.onCall,
    });
  }

  /** The developer token: signed once, signed anew when less than a tenth of its life is left. */
  developerToken(): { token: string; expiresAtMs: number } {
    const now = this.now();
    if (this.signed && this.signed.expiresAtMs - now > (this.ttlSeconds * 1000) / 10) return this.signed;
    const iat = Math.floor(now / 1000);
    const exp = iat + this.ttlSeconds;
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'ES256', kid: this.opts.keyId })}.${part({ iss: this.opts.teamId, iat, exp })}`;
    const signature = sign('sha256', Buffer.from(unsigned), { key: this.key, dsaEncoding: 'ieee-p1363' });
    this.signed = { token: `${unsigned}.${signature.toString('base64url')}`, expiresAtMs: exp * 1000 };
    return this.signed;
  }

  /** The release in one storefront by UPC, under each GTIN form a catalog may file it under; null when absent. */
  async albumByUpc(storefront: string, upc: string): Promise<AppleAlbum | null> {
    for (const form of gtinLookupForms(upc)) {
      const res = await this.call({
        operation: 'catalog.albums_by_upc',
        url: `/catalog/${encodeURIComponent(storefront)}/albums`,
        params: { 'filter[upc]': form },
      });
      const album = albumsOf(res, storefront, this.now())[0];
      if (album) return album;
    }
    return null;
  }

  async album(storefront: string, albumId: string): Promise<AppleAlbum | null> {
    try {
      const res = await this.call({
        operation: 'catalog.album',
        url: `/catalog/${encodeURIComponent(storefront)}/albums/${encodeURIComponent(albumId)}`,
      });
      return albumsOf(res, storefront, this.now())[0] ?? null;
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'not_found') return null;
      throw error;
    }
  }

  /** The fan's storefront, which also proves the Music-User-Token works. */
  async userStorefront(musicUserToken: string): Promise<string> {
    const res = await this.call({ operation: 'me.storefront', url: '/me/storefront', musicUserToken });
    const id = (res.data as { data?: { id?: string }[] }).data?.[0]?.id;
    if (!id) throw new ProviderError('apple_music', 'invalid_request', 'storefront answer without an id');
    return id;
  }

  /** 202 and no body, also for ids Apple ignores: only a read-back proves the add. */
  async addAlbumToLibrary(musicUserToken: string, albumId: string): Promise<void> {
    await this.call({
      operation: 'library.add',
      method: 'POST',
      url: '/me/library',
      write: true,
      musicUserToken,
      params: { 'ids[albums]': albumId },
    });
  }

  /** The album in the fan's library for this catalog album (`relate=library`), null when it is not there. */
  async libraryAlbumOf(musicUserToken: string, storefront: string, albumId: string): Promise<LibraryAlbum | null> {
    const res = await this.call({
      operation: 'library.read',
      url: `/catalog/${encodeURIComponent(storefront)}/albums/${encodeURIComponent(albumId)}`,
      musicUserToken,
      params: { relate: 'library' },
    });
    const related = (res.data as { data?: { relationships?: { library?: { data?: { id: string }[] } } }[] }).data?.[0]
      ?.relationships?.library?.data?.[0];
    if (!related) return null;
    const lib = await this.call({
      operation: 'library.albums',
      url: '/me/library/albums',
      musicUserToken,
      params: { ids: related.id },
    });
    const attributes = (lib.data as { data?: { attributes?: { playParams?: unknown; releaseDate?: string } }[] })
      .data?.[0]?.attributes;
    return { libraryId: related.id, playable: Boolean(attributes?.playParams), releaseDate: attributes?.releaseDate };
  }

  /** One call with both tokens; a refused developer token is signed anew and the call made once more. */
  private async call(request: ProviderRequest & { musicUserToken?: string }): Promise<ProviderResponse> {
    const { musicUserToken, ...rest } = request;
    const send = () =>
      this.http.request({
        ...rest,
        headers: {
          authorization: `Bearer ${this.developerToken().token}`,
          ...(musicUserToken ? { 'music-user-token': musicUserToken } : {}),
        },
      });
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof ProviderError) || error.code !== DEVELOPER_TOKEN_REFUSED) throw error;
      this.signed = null;
      return send();
    }
  }
}

const DEVELOPER_TOKEN_REFUSED = 'developer_token_refused';

function albumsOf(res: ProviderResponse, storefront: string, nowMs: number): AppleAlbum[] {
  const items =
    (
      res.data as {
        data?: {
          id: string;
          attributes?: {
            name?: string;
            upc?: string;
            releaseDate?: string;
            playParams?: unknown;
            isPrerelease?: boolean;
          };
        }[];
      }
    ).data ?? [];
  const today = new Date(nowMs).toISOString().slice(0, 10);
  return items.map((item) => {
    const a = item.attributes ?? {};
    const playable = Boolean(a.playParams);
    const future = a.releaseDate !== undefined && a.releaseDate > today;
    return {
      id: item.id,
      storefront,
      name: a.name ?? '',
      upc: a.upc,
      releaseDate: a.releaseDate,
      playable,
      preRelease: a.isPrerelease ?? (future || !playable),
    };
  });
}

/** Apple Music's answers in the one vocabulary; null for a success. */
export function classifyAppleMusicAnswer(res: ProviderResponse): ProviderError | null {
  const status = res.status;
  if (status >= 200 && status < 300) return null;
  const first = (res.data as { errors?: { code?: string; title?: string; detail?: string }[] } | undefined)
    ?.errors?.[0];
  const code = first?.code;
  const message = `${status} ${code ?? ''} ${first?.detail ?? first?.title ?? ''}`.replace(/\s+/g, ' ').trim();
  const header = Number(res.headers['retry-after']);
  switch (true) {
    case status === 401:
      return new ProviderError('apple_music', 'unavailable', message, { status, code: DEVELOPER_TOKEN_REFUSED });
    case status === 403:
      return new ProviderError('apple_music', 'token_invalid', message, { status, code });
    case status === 429:
      return new ProviderError('apple_music', 'rate_limited', message, {
        status,
        code,
        retryAfterMs: Number.isFinite(header) && header > 0 ? header * 1000 : undefined,
      });
    case status === 404:
      return new ProviderError('apple_music', 'not_found', message, { status, code });
    case status >= 500:
      return new ProviderError('apple_music', 'unavailable', message, { status, code });
    default:
      return new ProviderError('apple_music', 'invalid_request', message, { status, code });
  }
}
