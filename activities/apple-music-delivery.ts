// Delivers one fan's Apple Music pre-add on release day (docs/providers/apple-music.md): the release in the fan's
// storefront (looked up by UPC if the consent did not find it), read back first when it may be there already (a
// pre-add at consent, an earlier attempt), else added and read back. Under Apple's own shared rate limit: a 429 —
// usually without Retry-After — pauses every worker from 0.5 s, doubling while they keep coming (capped), and the
// fan is tried again, never dropped. A refused Music-User-Token (403 40300) marks the fan for re-authorization and
// is never retried.
import { findAppleMusicAlbum, recordAppleMusicAlbum } from '../db/apple-music-albums';
import { loadAppleMusicToken, markAppleMusicReauthorize } from '../db/apple-music-tokens';
import { type Campaign } from '../db/campaigns';
import { type DatabasePool } from '../db/pool';
import { type KeyRing } from '../lib/crypto/keyring';
import { type AppleMusicClient } from '../lib/providers/apple-music';
import { ProviderError } from '../lib/providers/errors';
import { type DeliveryOutcome } from './presave-delivery';
import { ProviderPaused, type SharedRateLimiter } from './rate-limiter';

const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;
const TRANSIENT_RETRIES = 3;
/** Adds show after a delay: read back this many times, this far apart, before calling the outcome unknown. */
const READ_BACKS = 4;
const READ_BACK_GAP_MS = 500;

export interface AppleMusicPresaveRow {
  fanId: string;
  /** an earlier try may have added it (or it was pre-added at consent): read back before adding */
  mayBeThere: boolean;
}

export function createAppleMusicDelivery(deps: {
  pool: DatabasePool;
  keyRing: KeyRing;
  appleMusic: AppleMusicClient;
  limiter: SharedRateLimiter;
}) {
  const { pool, keyRing, appleMusic, limiter } = deps;

  async function albumIdIn(campaign: Campaign, storefront: string, wait: () => Promise<void>) {
    const known = await findAppleMusicAlbum(pool, campaign.id, storefront);
    if (known?.albumId) return known.albumId;
    if (!campaign.upc) return null;
    await wait();
    const found = await appleMusic.albumByUpc(storefront, campaign.upc);
    await recordAppleMusicAlbum(pool, campaign.id, {
      storefront,
      albumId: found?.id ?? null,
      preRelease: found?.preRelease ?? false,
    });
    return found?.id ?? null;
  }

  async function readBack(token: string, storefront: string, albumId: string, wait: () => Promise<void>) {
    for (let i = 0; i < READ_BACKS; i++) {
      await wait();
      if (await appleMusic.libraryAlbumOf(token, storefront, albumId)) return true;
      if (i < READ_BACKS - 1) await sleep(READ_BACK_GAP_MS);
    }
    return false;
  }

  async function deliver(
    campaign: Campaign,
    row: AppleMusicPresaveRow,
    onWait: () => void,
    signal?: AbortSignal,
  ): Promise<DeliveryOutcome> {
    const wait = () => limiter.acquire(onWait, signal);
    const stored = await loadAppleMusicToken(pool, keyRing, row.fanId);
    if (!stored || stored.status !== 'active') return { kind: 'revoked', reason: 'reauthorize' };
    const { musicUserToken: token, storefront } = stored;
    let mayBeThere = row.mayBeThere;
    let throttled = 0;
    let transient = 0;
    for (;;) {
      try {
        const albumId = await albumIdIn(campaign, storefront, wait);
        if (!albumId) return { kind: 'retry_later', reason: 'not_on_apple_music', error: `no album in ${storefront}` };
        if (mayBeThere) {
          await wait();
          if (await appleMusic.libraryAlbumOf(token, storefront, albumId))
            return { kind: 'done', alreadyThere: true, followed: false };
        }
        await wait();
        await appleMusic.addAlbumToLibrary(token, albumId);
        mayBeThere = true; // from here on, a retry looks first
        if (await readBack(token, storefront, albumId, wait))
          return { kind: 'done', alreadyThere: false, followed: false };
        return { kind: 'retry_later', reason: 'not_in_library', error: 'added (202) but not in the library yet' };
      } catch (error) {
        if (error instanceof ProviderPaused)
          return { kind: 'paused', reason: error.pause.reason, untilMs: error.pause.untilMs, uncertain: mayBeThere };
        if (!(error instanceof ProviderError)) throw error;
        switch (error.kind) {
          case 'token_invalid':
            await markAppleMusicReauthorize(pool, row.fanId);
            return { kind: 'revoked', reason: 'reauthorize' };
          case 'rate_limited': {
            // Nothing was applied; every worker slows down together (the pause is shared).
            const backoff = error.retryAfterMs ?? Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** throttled++);
            await limiter.pause(Date.now() + backoff, 'rate_limited');
            continue;
          }
          case 'unavailable':
          case 'outcome_unknown':
            mayBeThere = true;
            if (++transient > TRANSIENT_RETRIES)
              return { kind: 'retry_later', reason: 'provider_unavailable', error: error.message };
            await sleep(200 * 2 ** transient);
            continue;
          default:
            return error.code === '40015'
              ? { kind: 'failed', reason: 'no_subscription', error: error.message }
              : { kind: 'failed', reason: error.kind === 'not_found' ? 'not_found' : 'rejected', error: error.message };
        }
      }
    }
  }

  return { deliver };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
