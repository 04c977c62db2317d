// An Apple Music pre-add from the smart link (docs/providers/apple-music.md): the fan's browser got a
// Music-User-Token from MusicKit and posted it here. We confirm it with Apple (the fan's storefront), find the
// release in that storefront by UPC, store the fan and the token encrypted, record the pre-save like Spotify's, and —
// when the album is still pre-release — add it to the fan's library at once and read it back. Albums already out (or
// not in the catalog yet) are added at the fan's release instant by the release engine, as Spotify's are.
import { type Request } from 'express';
import { findAppleMusicAlbum, recordAppleMusicAlbum, type AppleMusicAlbum } from '../db/apple-music-albums';
import { loadAppleMusicToken, storeAppleMusicToken } from '../db/apple-music-tokens';
import { type Campaign } from '../db/campaigns';
import { upsertFan } from '../db/fans';
import { markPreadded } from '../db/presaves';
import { type AppleMusicClient } from '../lib/providers/apple-music';
import { ProviderError } from '../lib/providers/errors';
import { type AppDeps } from './deps';
import { ApiError } from './errors';
import { recordPresave } from './oauth/presave-record';
import { type Tracking } from './tracking';

/** A storefront's "not in the catalog" is looked up again after this long. */
const ABSENT_RECHECK_MS = 15 * 60_000;
/** Adds show up after a delay ("There may be a delay"): read back this many times, this far apart. */
const READ_BACKS = 4;
const READ_BACK_GAP_MS = 500;
/** Apple's 429s carry no Retry-After and clear within seconds: a fan waits through a few (0.5, 1, 2, 4 s). */
const THROTTLED_TRIES = 5;

/** One Apple call, tried again after each 429 (from 0.5 s, doubling) rather than refusing the fan. */
async function throughThrottling<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ProviderError) || error.kind !== 'rate_limited' || attempt >= THROTTLED_TRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, error.retryAfterMs ?? 500 * 2 ** (attempt - 1)));
    }
  }
}

/** Whether the smart link offers the Apple Music pre-add for this campaign. */
export function offersAppleMusic(campaign: Campaign, appleMusic: AppleMusicClient | null): boolean {
  return appleMusic !== null && campaign.platforms.includes('apple_music') && campaign.upc !== null;
}

export interface AppleMusicPresaveResult {
  fanId: string;
  dueAt: number;
  storefront: string;
  /** the album is in the fan's library already, read back (a pre-release album added at consent) */
  preAdded: boolean;
}

export function createAppleMusicPresave(deps: AppDeps, tracking: Tracking) {
  const { pool, keyRing, logger } = deps;

  async function albumIn(client: AppleMusicClient, campaign: Campaign, storefront: string): Promise<AppleMusicAlbum> {
    const known = await findAppleMusicAlbum(pool, campaign.id, storefront);
    if (known && (known.albumId !== null || Date.now() - known.checkedAt < ABSENT_RECHECK_MS)) return known;
    const found = await throughThrottling(() => client.albumByUpc(storefront, campaign.upc!));
    const album = { storefront, albumId: found?.id ?? null, preRelease: found?.preRelease ?? false };
    await recordAppleMusicAlbum(pool, campaign.id, album);
    return { ...album, checkedAt: Date.now() };
  }

  /** Adds the album and reads it back; true once Apple shows it in the library. */
  async function preAdd(client: AppleMusicClient, token: string, album: AppleMusicAlbum): Promise<boolean> {
    await throughThrottling(() => client.addAlbumToLibrary(token, album.albumId!));
    for (let i = 0; i < READ_BACKS; i++) {
      if (await throughThrottling(() => client.libraryAlbumOf(token, album.storefront, album.albumId!))) return true;
      await new Promise((resolve) => setTimeout(resolve, READ_BACK_GAP_MS));
    }
    return false;
  }

  return async function presave(
    req: Request,
    campaign: Campaign,
    input: {
      musicUserToken: string;
      timeZone: string | null;
      previousFanId: string | null;
      lang?: string | null;
      /** the page's forever-save box, ticked */
      foreverSave?: boolean;
    },
  ): Promise<AppleMusicPresaveResult> {
    const client = deps.providers.appleMusic;
    if (!client || !offersAppleMusic(campaign, client)) {
      throw new ApiError(404, 'not_found', 'this release offers no Apple Music pre-add');
    }
    const token = input.musicUserToken;
    let storefront: string;
    let album: AppleMusicAlbum;
    try {
      storefront = await throughThrottling(() => client.userStorefront(token));
      album = await albumIn(client, campaign, storefront);
    } catch (error) {
      throw apiErrorOf(error);
    }
    // The Music-User-Token is no user id (it changes on every authorization): a fan is our own id, the same one
    // again when this browser's fan cookie names an Apple Music fan of ours.
    const previous = input.previousFanId && (await loadAppleMusicToken(pool, keyRing, input.previousFanId));
    const { fanId, presave: row } = await recordPresave(deps, tracking, req, {
      campaign,
      platform: 'apple_music',
      lang: input.lang ?? null,
      foreverSave: input.foreverSave,
      fan: {
        store: async (tx) => {
          const id = await upsertFan(tx, {
            provider: 'apple_music',
            providerUserId: previous ? input.previousFanId! : crypto.randomUUID(),
            timeZone: input.timeZone,
          });
          await storeAppleMusicToken(tx, keyRing, id, { musicUserToken: token, storefront, consentedAt: Date.now() });
          return id;
        },
      },
    });
    let preAdded = false;
    if (album.albumId && album.preRelease && row.state === 'pending') {
      try {
        preAdded = await preAdd(client, token, album);
        if (preAdded) await markPreadded(pool, row.id);
      } catch (error) {
        // Stored and pending: the release engine adds it at the fan's release instant whatever happened here.
        if (!(error instanceof ProviderError)) throw error;
        logger.warn({ kind: error.kind, code: error.code, campaignId: campaign.id }, 'apple music pre-add not made');
      }
    }
    return { fanId, dueAt: row.dueAt, storefront, preAdded };
  };
}

function apiErrorOf(error: unknown): unknown {
  if (!(error instanceof ProviderError)) return error;
  if (error.kind === 'token_invalid')
    return new ApiError(400, 'invalid_music_user_token', 'Apple Music refused this authorization; nothing was stored');
  if (error.code === '40015')
    return new ApiError(400, 'no_apple_music_subscription', 'an Apple Music subscription is needed to add music');
  return new ApiError(502, 'apple_music_unavailable', 'Apple Music did not answer; please try again in a moment');
}
