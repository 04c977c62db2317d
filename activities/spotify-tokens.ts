// A fan's Spotify access token, refreshed just in time. PKCE refresh tokens are single-use (api-contracts.md §1:
// the simulator, like Spotify, retires the old one as it answers), so two things must hold:
// - two batches never spend the same refresh token: a refresh is claimed first (fan_tokens.refresh_claim, a lease
//   taken in one statement); whoever does not hold the claim waits for the holder's result;
// - a rotated refresh token is never lost to a failed commit: no transaction is held across the HTTP call, and
//   the new tokens are written in their own statement, retried; while the database refuses they stay in this
//   process's memory, where the next call (an activity retry) writes them first instead of spending the old one.
// What stays open: a process that dies between Spotify's answer and the write loses that token (its claim runs out
// and the next refresh meets invalid_grant). Spotify offers no grace period that could close that gap.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type KeyRing } from '../lib/crypto/keyring';
import {
  claimTokenRefresh,
  type FanTokens,
  loadFanTokens,
  loadFanTokensOf,
  markFanRevoked,
  releaseTokenRefreshClaim,
  storeRefreshedTokens,
} from '../db/fans';
import { type DatabasePool } from '../db/pool';
import { ProviderError } from '../lib/providers/errors';
import { type SpotifyClient } from '../lib/providers/spotify';

const REFRESH_MARGIN_MS = 60_000;
/** how long a refresh claim holds: the HTTP call (with the provider layer's retries) and the write's retries */
const REFRESH_CLAIM_MS = 60_000;
const CLAIM_POLL_MS = 100;
const WRITE_RETRIES_MS = [100, 500, 1_000, 2_000, 4_000];

export class FanAccessLost extends Error {
  constructor(readonly reason: 'revoked' | 'token_expired') {
    super(`fan access lost: ${reason}`);
    this.name = 'FanAccessLost';
  }
}

type Refreshed = Awaited<ReturnType<SpotifyClient['refresh']>>;

export function createFanTokenSource(deps: {
  pool: DatabasePool;
  keyRing: KeyRing;
  spotify: SpotifyClient;
  /** the fan revoked access (or consent is over six months old): start deleting what we hold */
  onRevoked: (fanId: string) => Promise<void>;
}) {
  const { pool, keyRing, spotify } = deps;
  /** Refreshed tokens the database has not taken yet, by fan: written before anything else is tried. */
  const unwritten = new Map<string, { claim: string; consentedAt: number; fresh: Refreshed }>();

  async function write(fanId: string, entry: { claim: string; consentedAt: number; fresh: Refreshed }) {
    unwritten.set(fanId, entry);
    for (let attempt = 0; ; attempt++) {
      try {
        await storeRefreshedTokens(pool, keyRing, { fanId, ...entry }, entry.fresh);
        unwritten.delete(fanId);
        return;
      } catch (error) {
        if (attempt >= WRITE_RETRIES_MS.length) throw error; // kept in `unwritten` for the next call
        await sleep(WRITE_RETRIES_MS[attempt]);
      }
    }
  }

  /**
   * `stale`: the token a 401 was just received with; refresh unless someone already replaced it. `known`: the fan's
   * tokens as read a moment ago with the rest of a batch (tokensOf), instead of reading them again.
   */
  async function accessToken(fanId: string, stale?: string, known?: FanTokens | null): Promise<string> {
    const pending = unwritten.get(fanId);
    if (pending) await write(fanId, pending);
    const deadline = Date.now() + REFRESH_CLAIM_MS + 5_000;
    for (let first = true; ; first = false) {
      const current = first && known !== undefined && !pending ? known : await loadFanTokens(pool, keyRing, fanId);
      if (!current || current.status === 'revoked') throw new FanAccessLost('revoked');
      if (current.refreshExpiresAt <= Date.now()) throw new FanAccessLost('token_expired');
      if (usable(current, stale)) return current.accessToken;
      const claim = randomUUID();
      const claimed = await claimTokenRefresh(pool, keyRing, { fanId, claim, leaseMs: REFRESH_CLAIM_MS });
      if (claimed) return refreshClaimed(fanId, claim, claimed, stale);
      // Someone else is refreshing: their result lands in the row.
      if (Date.now() > deadline) throw new Error('token refresh claimed by another holder for too long');
      await sleep(CLAIM_POLL_MS);
    }
  }

  async function refreshClaimed(fanId: string, claim: string, tokens: FanTokens, stale?: string): Promise<string> {
    if (usable(tokens, stale)) {
      await releaseTokenRefreshClaim(pool, { fanId, claim }); // refreshed by someone else just before our claim
      return tokens.accessToken;
    }
    let fresh: Refreshed;
    try {
      fresh = await spotify.refresh(tokens.refreshToken);
    } catch (error) {
      await releaseTokenRefreshClaim(pool, { fanId, claim });
      // token_invalid from a refresh is Spotify's invalid_grant.
      if (error instanceof ProviderError && error.kind === 'token_invalid') {
        // Revoked, rotated away or past six months: never retried; the fan must consent again.
        await markFanRevoked(pool, fanId);
        await deps.onRevoked(fanId);
        throw new FanAccessLost(tokens.refreshExpiresAt <= Date.now() ? 'token_expired' : 'revoked');
      }
      throw error;
    }
    await write(fanId, { claim, consentedAt: tokens.consentedAt, fresh });
    return fresh.accessToken;
  }

  /** A batch's fans' tokens in one read, for accessToken's `known` (a fan without tokens maps to null). */
  async function tokensOf(fanIds: readonly string[]): Promise<Map<string, FanTokens | null>> {
    const found = await loadFanTokensOf(pool, keyRing, fanIds);
    return new Map(fanIds.map((id) => [id, found.get(id) ?? null]));
  }

  return { accessToken, tokensOf };
}

const usable = (t: FanTokens, stale?: string) =>
  t.accessToken !== stale && t.accessExpiresAt > Date.now() + REFRESH_MARGIN_MS;
