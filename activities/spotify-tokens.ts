// A fan's Spotify access token, refreshed just in time. The refresh runs under the token row's lock so two
// batches never spend the same (single-use, rotating) refresh token; a rotated one is stored before the lock goes.
import { type KeyRing } from '../lib/crypto/keyring';
import { loadFanTokens, markFanRevoked, storeRefreshedTokens } from '../db/fans';
import { type DatabasePool } from '../db/pool';
import { ProviderError } from '../lib/providers/errors';
import { type SpotifyClient } from '../lib/providers/spotify';

const REFRESH_MARGIN_MS = 60_000;

export class FanAccessLost extends Error {
  constructor(readonly reason: 'revoked' | 'token_expired') {
    super(`fan access lost: ${reason}`);
    this.name = 'FanAccessLost';
  }
}

export function createFanTokenSource(deps: {
  pool: DatabasePool;
  keyRing: KeyRing;
  spotify: SpotifyClient;
  /** the fan revoked access (or consent is over six months old): start deleting what we hold */
  onRevoked: (fanId: string) => Promise<void>;
}) {
  const { pool, keyRing, spotify } = deps;

  /** `stale`: the token a 401 was just received with; refresh unless someone already replaced it. */
  async function accessToken(fanId: string, stale?: string): Promise<string> {
    const current = await loadFanTokens(pool, keyRing, fanId);
    const usable = (t: NonNullable<typeof current>) =>
      t.accessToken !== stale && t.accessExpiresAt > Date.now() + REFRESH_MARGIN_MS;
    if (!current || current.status === 'revoked') throw new FanAccessLost('revoked');
    if (current.refreshExpiresAt <= Date.now()) throw new FanAccessLost('token_expired');
    if (usable(current)) return current.accessToken;

    try {
      return await pool.transaction(async (tx) => {
        const locked = await loadFanTokens(tx, keyRing, fanId, true);
        if (!locked || locked.status === 'revoked') throw new FanAccessLost('revoked');
        if (usable(locked)) return locked.accessToken; // refreshed by someone else while we waited
        const fresh = await spotify.refresh(locked.refreshToken);
        await storeRefreshedTokens(tx, keyRing, fanId, fresh);
        return fresh.accessToken;
      });
    } catch (error) {
      // token_invalid from a refresh is Spotify's invalid_grant.
      if (error instanceof ProviderError && error.kind === 'token_invalid') {
        // Revoked, rotated away or past six months: never retried; the fan must consent again.
        await markFanRevoked(pool, fanId);
        await deps.onRevoked(fanId);
        throw new FanAccessLost(current.refreshExpiresAt <= Date.now() ? 'token_expired' : 'revoked');
      }
      throw error;
    }
  }

  return { accessToken };
}
