// The Apple Music simulator's whole state: catalog albums per storefront, fans with their libraries, the
// Music-User-Tokens it issued (bound to team, fan and storefront), per-team rate buckets, faults and counters.
import { randomBytes } from 'node:crypto';
import { FaultQueue } from '../spotify/faults';
import { DeveloperKeys, type RegisteredKey } from './developer-token';

export interface AppleMusicSimulatorOptions {
  /** The developer keys whose tokens are accepted. */
  keys: RegisteredKey[];
  /** Requests per second per team (the JWT's `iss`) before 429s, which carry no Retry-After (default 20). */
  ratePerSecond?: number;
  /** Show a pre-added album in the library only once released (contracts: whether Apple lists it is unverified). */
  hidePrereleaseInLibrary?: boolean;
  now?: () => number;
}

export interface AlbumInput {
  storefront: string;
  id?: string;
  upc: string;
  name: string;
  artistName: string;
  /** when it becomes playable (ISO instant or ms) */
  liveAt: string | number;
  trackCount?: number;
  /** Apple's undocumented hint; defaults to "not live yet" at creation */
  isPrerelease?: boolean;
}

export interface SimAlbum {
  storefront: string;
  id: string;
  upc: string;
  name: string;
  artistName: string;
  liveAt: number;
  trackCount: number;
  isPrerelease?: boolean;
}

export interface SimFan {
  id: string;
  name: string;
  storefront: string;
  subscribed: boolean;
}

export interface LibraryEntry {
  libraryId: string;
  storefront: string;
  catalogId: string;
  addedAt: number;
}

export interface IssuedToken {
  teamId: string;
  fanId: string;
  storefront: string;
  revoked: boolean;
}

export class AppleMusicSimState {
  readonly keys = new DeveloperKeys();
  readonly faults = new FaultQueue();
  readonly albums = new Map<string, SimAlbum>(); // `${storefront}:${id}`
  readonly fans = new Map<string, SimFan>();
  readonly libraries = new Map<string, Map<string, LibraryEntry>>(); // fan → `${storefront}:${catalogId}` → entry
  readonly userTokens = new Map<string, IssuedToken>();
  private readonly admitted = new Map<string, number[]>(); // team → admission instants in the last second
  ratePerSecond: number;
  hidePrereleaseInLibrary: boolean;
  readonly counters = { requests: 0, rateLimited: 0, libraryAdds: 0, userTokenRefused: 0 };
  readonly now: () => number;
  private sequence = 0;

  constructor(opts: AppleMusicSimulatorOptions) {
    for (const key of opts.keys) this.keys.register(key);
    this.ratePerSecond = opts.ratePerSecond ?? 20;
    this.hidePrereleaseInLibrary = opts.hidePrereleaseInLibrary ?? false;
    this.now = opts.now ?? Date.now;
  }

  addAlbum(input: AlbumInput): SimAlbum {
    const liveAt = typeof input.liveAt === 'number' ? input.liveAt : Date.parse(input.liveAt);
    if (!Number.isFinite(liveAt)) throw new Error('liveAt is not an instant');
    const album: SimAlbum = {
      storefront: input.storefront.toLowerCase(),
      id: input.id ?? String(1_600_000_000 + ++this.sequence * 7919),
      upc: input.upc,
      name: input.name,
      artistName: input.artistName,
      liveAt,
      trackCount: input.trackCount ?? 10,
      isPrerelease: input.isPrerelease,
    };
    this.albums.set(`${album.storefront}:${album.id}`, album);
    return album;
  }

  album(storefront: string, id: string): SimAlbum | undefined {
    return this.albums.get(`${storefront.toLowerCase()}:${id}`);
  }

  albumsByUpc(storefront: string, upc: string): SimAlbum[] {
    const sf = storefront.toLowerCase();
    return [...this.albums.values()].filter((a) => a.storefront === sf && a.upc === upc);
  }

  isLive(album: SimAlbum): boolean {
    return album.liveAt <= this.now();
  }

  upsertFan(input: { id?: string; name?: string; storefront?: string; subscribed?: boolean }): SimFan {
    const id = input.id ?? `fan-${randomBytes(6).toString('hex')}`;
    const existing = this.fans.get(id);
    const fan: SimFan = {
      id,
      name: input.name ?? existing?.name ?? id,
      storefront: (input.storefront ?? existing?.storefront ?? 'us').toLowerCase(),
      subscribed: input.subscribed ?? existing?.subscribed ?? true,
    };
    this.fans.set(id, fan);
    return fan;
  }

  /** A Music-User-Token for this fan, as MusicKit's authorize() would hand the page. */
  issueUserToken(teamId: string, fanId: string, storefront?: string): string {
    const fan = this.fans.get(fanId) ?? this.upsertFan({ id: fanId, storefront });
    const token = `mut.${randomBytes(24).toString('base64url')}`;
    this.userTokens.set(token, { teamId, fanId: fan.id, storefront: storefront ?? fan.storefront, revoked: false });
    return token;
  }

  /** Every token the fan was issued stops working (403 40300 on /me/*); catalog calls are unaffected. */
  revokeFan(fanId: string): number {
    let revoked = 0;
    for (const token of this.userTokens.values())
      if (token.fanId === fanId && !token.revoked) {
        token.revoked = true;
        revoked++;
      }
    return revoked;
  }

  libraryOf(fanId: string): Map<string, LibraryEntry> {
    let library = this.libraries.get(fanId);
    if (!library) this.libraries.set(fanId, (library = new Map()));
    return library;
  }

  /** Adds catalog albums; ids that are not in the storefront's catalog are ignored, as Apple does. */
  addToLibrary(fanId: string, storefront: string, catalogIds: string[]): void {
    const library = this.libraryOf(fanId);
    for (const id of catalogIds) {
      if (!this.album(storefront, id)) continue;
      const key = `${storefront}:${id}`;
      this.counters.libraryAdds++;
      if (!library.has(key))
        library.set(key, {
          libraryId: `l.${randomBytes(5).toString('base64url')}`,
          storefront,
          catalogId: id,
          addedAt: this.now(),
        });
    }
  }

  /** The entry the fan can see: a pre-added album may be hidden until release (hidePrereleaseInLibrary). */
  visibleEntry(fanId: string, storefront: string, catalogId: string): LibraryEntry | undefined {
    const entry = this.libraries.get(fanId)?.get(`${storefront}:${catalogId}`);
    if (!entry) return undefined;
    const album = this.album(storefront, catalogId);
    if (this.hidePrereleaseInLibrary && album && !this.isLive(album)) return undefined;
    return entry;
  }

  /** One sliding second per team; a refused request is not counted, so the bucket clears fast. */
  admit(teamId: string): boolean {
    const now = this.now();
    const recent = (this.admitted.get(teamId) ?? []).filter((t) => t > now - 1000);
    if (recent.length >= this.ratePerSecond) {
      this.admitted.set(teamId, recent);
      return false;
    }
    recent.push(now);
    this.admitted.set(teamId, recent);
    return true;
  }

  reset(): void {
    this.albums.clear();
    this.fans.clear();
    this.libraries.clear();
    this.userTokens.clear();
    this.admitted.clear();
    this.faults.clear();
    for (const key of Object.keys(this.counters)) this.counters[key as keyof typeof this.counters] = 0;
  }
}
