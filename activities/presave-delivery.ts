// Delivers one fan's pre-save: the release into their library and, if asked, a follow of the artist, under the
// shared rate limit. Each provider answer maps to one next step (done, revoked, wait and retry, give back, fail).
import { type Config } from '../lib/config';
import { type SharedRateLimiter } from './rate-limiter';
import { FanAccessLost, type createFanTokenSource } from './spotify-tokens';
import { type SpotifyClient, SpotifyError } from './providers/spotify';

export interface DeliveryTarget {
  albumId: string;
  artistIds: string[]; // empty when the campaign does not follow the artist
}

export type DeliveryOutcome =
  | { kind: 'done'; alreadyThere: boolean }
  | { kind: 'revoked'; reason: 'revoked' | 'token_expired' }
  | { kind: 'failed'; reason: string; error: string }
  | { kind: 'retry_later'; reason: string; error: string }
  | { kind: 'quota_exceeded'; untilMs: number };

const TRANSIENT_RETRIES = 3;

export function createPresaveDelivery(deps: {
  config: Config;
  spotify: SpotifyClient;
  limiter: SharedRateLimiter;
  tokens: ReturnType<typeof createFanTokenSource>;
}) {
  const { spotify, limiter, tokens } = deps;
  const extended = deps.config.SPOTIFY_API_MODE === 'extended';

  async function isDelivered(token: string, target: DeliveryTarget, onWait: () => void): Promise<boolean> {
    await limiter.acquire(onWait);
    if (!extended) {
      const uris = [`spotify:album:${target.albumId}`, ...target.artistIds.map((id) => `spotify:artist:${id}`)];
      return (await spotify.libraryContains(token, uris)).every(Boolean);
    }
    const [saved] = await spotify.albumsContain(token, [target.albumId]);
    if (!saved || target.artistIds.length === 0) return saved;
    await limiter.acquire(onWait);
    return (await spotify.followsArtists(token, target.artistIds)).every(Boolean);
  }

  async function save(token: string, target: DeliveryTarget, onWait: () => void): Promise<void> {
    await limiter.acquire(onWait);
    if (!extended) {
      // Development mode (2026): one generic library call for the album and the artist follow.
      await spotify.saveToLibrary(token, [`spotify:album:${target.albumId}`, ...target.artistIds.map((id) => `spotify:artist:${id}`)]);
      return;
    }
    await spotify.saveAlbums(token, [target.albumId]);
    if (target.artistIds.length > 0) {
      await limiter.acquire(onWait);
      await spotify.followArtists(token, target.artistIds);
    }
  }

  /** `uncertain`: an earlier attempt may have saved already, so look before saving again. */
  async function deliver(fanId: string, target: DeliveryTarget, uncertain: boolean, onWait: () => void): Promise<DeliveryOutcome> {
    let token: string | undefined;
    let stale: string | undefined;
    let transientFailures = 0;
    for (;;) {
      try {
        token = await tokens.accessToken(fanId, stale);
        if (uncertain && (await isDelivered(token, target, onWait))) return { kind: 'done', alreadyThere: true };
        await save(token, target, onWait);
        return { kind: 'done', alreadyThere: false };
      } catch (error) {
        if (error instanceof FanAccessLost) return { kind: 'revoked', reason: error.reason };
        if (!(error instanceof SpotifyError)) throw error;
        switch (error.kind) {
          case 'token_expired':
            if (stale) return { kind: 'revoked', reason: 'revoked' }; // a freshly refreshed token refused too
            stale = token;
            continue;
          case 'rate_limited':
            // Every worker waits; a 429 means nothing was applied, so no need to look first.
            await limiter.pause(Date.now() + (error.retryAfterMs ?? 1_000), 'rate_limited');
            continue;
          case 'quota_exceeded':
            await limiter.pause(Date.now() + (error.retryAfterMs ?? 3_600_000), 'quota_exceeded');
            return { kind: 'quota_exceeded', untilMs: Date.now() + (error.retryAfterMs ?? 3_600_000) };
          case 'unavailable':
            uncertain = true; // a timeout or 5xx may have been applied
            if (++transientFailures > TRANSIENT_RETRIES) {
              return { kind: 'retry_later', reason: 'provider_unavailable', error: error.message };
            }
            await new Promise((r) => setTimeout(r, 200 * 2 ** transientFailures));
            continue;
          case 'not_found':
            return { kind: 'failed', reason: 'not_found', error: error.message };
          default:
            return { kind: 'failed', reason: 'rejected', error: `${error.status ?? ''} ${error.message}`.trim() };
        }
      }
    }
  }

  return { deliver };
}
