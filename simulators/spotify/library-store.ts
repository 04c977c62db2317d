import { isFollowType, type SpotifyUri, type UriType } from './uris';

export interface LibraryEntry {
  uri: string;
  type: UriType;
  id: string;
  firstSavedAt: number;
  lastSavedAt: number;
  /** How many times a client saved/followed it while present: > 1 means duplicate writes. */
  saveCount: number;
}

export interface Play {
  trackId: string;
  playedAt: number;
  context: { type: string; uri: string } | null;
}

export type SaveOutcome = 'new' | 'duplicate';

export interface LibraryCounters {
  saves: number;
  duplicateSaves: number;
  follows: number;
  duplicateFollows: number;
}

/** Per-user saved items, follows and listening history. */
export class LibraryStore {
  private readonly entriesByUser = new Map<string, Map<string, LibraryEntry>>();
  private readonly playsByUser = new Map<string, Play[]>();
  readonly counters: LibraryCounters = { saves: 0, duplicateSaves: 0, follows: 0, duplicateFollows: 0 };

  private entriesOf(userId: string): Map<string, LibraryEntry> {
    let entries = this.entriesByUser.get(userId);
    if (!entries) {
      entries = new Map();
      this.entriesByUser.set(userId, entries);
    }
    return entries;
  }

  /** Saving an already saved item is a no-op for the user but counted, so tests can see duplicates. */
  save(userId: string, item: SpotifyUri, now: number): SaveOutcome {
    const entries = this.entriesOf(userId);
    const follow = isFollowType(item.type);
    const existing = entries.get(item.uri);
    if (existing) {
      existing.saveCount++;
      existing.lastSavedAt = now;
      if (follow) this.counters.duplicateFollows++;
      else this.counters.duplicateSaves++;
      return 'duplicate';
    }
    entries.set(item.uri, { ...item, firstSavedAt: now, lastSavedAt: now, saveCount: 1 });
    if (follow) this.counters.follows++;
    else this.counters.saves++;
    return 'new';
  }

  remove(userId: string, uri: string): boolean {
    return this.entriesByUser.get(userId)?.delete(uri) ?? false;
  }

  has(userId: string, uri: string): boolean {
    return this.entriesByUser.get(userId)?.has(uri) ?? false;
  }

  /** Entries in save order (oldest first). */
  entries(userId: string, type?: UriType): LibraryEntry[] {
    const all = [...(this.entriesByUser.get(userId)?.values() ?? [])];
    return type === undefined ? all : all.filter((e) => e.type === type);
  }

  addPlay(userId: string, play: Play): void {
    let plays = this.playsByUser.get(userId);
    if (!plays) {
      plays = [];
      this.playsByUser.set(userId, plays);
    }
    plays.push(play);
  }

  /** Newest first. */
  plays(userId: string): Play[] {
    return [...(this.playsByUser.get(userId) ?? [])].sort((a, b) => b.playedAt - a.playedAt);
  }

  clear(): void {
    this.entriesByUser.clear();
    this.playsByUser.clear();
    Object.assign(this.counters, { saves: 0, duplicateSaves: 0, follows: 0, duplicateFollows: 0 });
  }
}
