// Delivers one fan's pre-save: the release into their library and, if asked, a follow of the artist, under the
// shared rate limit. Each provider answer maps to one next step (done, revoked, wait and retry, give back, fail).
import { type Config } from '../lib/config';
import { ProviderPaused, type SharedRateLimiter } from './rate-limiter';
import { FanAccessLost, type createFanTokenSource } from './spotify-tokens';
import { type FanTokens } from '../db/fans';
import { ProviderError } from '../lib/providers/errors';
import { isForbidden, type SpotifyClient } from '../lib/providers/spotify';

export interface DeliveryTarget {
  albumId: string;
  artistIds: string[]; // empty when the campaign does not follow the artist
}

export type DeliveryOutcome =
  | { kind: 'done'; alreadyThere: boolean; followed: boolean }
  | { kind: 'revoked'; reason: 'revoked' | 'token_expired' | 'reauthorize' } // reauthorize: Apple Music (no refresh)
  | { kind: 'failed'; reason: string; error: string }
  | { kind: 'retry_later'; reason: string; error: string }
  /**
   * The provider is paused for long (a spent quota): give the row back. `uncertain`: an earlier try of this attempt
   * may have been applied (a timeout before the pause), so the next attempt must look before saving.
   */
  | { kind: 'paused'; reason: string; untilMs: number; uncertain: boolean };

const TRANSIENT_RETRIES = 3;

export function createPresaveDelivery(deps: {
  config: Config;
  spotify: SpotifyClient;
  limiter: SharedRateLimiter;
  tokens: ReturnType<typeof createFanTokenSource>;
}) {
  const { spotify, limiter, tokens } = deps;
  const extended = deps.config.SPOTIFY_API_MODE === 'extended';
  // The 2026 contract does not list artist URIs for PUT /me/library; once Spotify refuses them, stop sending them.
  let artistUrisRefused = false;

  const libraryUris = (target: DeliveryTarget, withArtists: boolean) => [
    `spotify:album:${target.albumId}`,
    ...(withArtists ? target.artistIds.map((id) => `spotify:artist:${id}`) : []),
  ];

  async function isDelivered(
    token: string,
    target: DeliveryTarget,
    withArtists: boolean,
    wait: Wait,
  ): Promise<boolean> {
    await wait();
    if (!extended) return (await spotify.libraryContains(token, libraryUris(target, withArtists))).every(Boolean);
    const [saved] = await spotify.albumsContain(token, [target.albumId]);
    if (!saved || !withArtists) return saved;
    await wait();
    return (await spotify.followsArtists(token, target.artistIds)).every(Boolean);
  }

  async function save(token: string, target: DeliveryTarget, withArtists: boolean, wait: Wait): Promise<void> {
    await wait();
    if (!extended) {
      // Development mode (2026): one generic library call for the album and, where accepted, the artist follow.
      await spotify.saveToLibrary(token, libraryUris(target, withArtists));
      return;
    }
    await spotify.saveAlbums(token, [target.albumId]);
    if (withArtists) {
      await wait();
      await spotify.followArtists(token, target.artistIds);
    }
  }

  /**
   * `uncertain`: an earlier attempt may have saved already, so look before saving again. `known`: the fan's tokens
   * read with the rest of the batch. `urgent`: goes before other deliveries waiting for the rate limit.
   */
  async function deliver(
    fanId: string,
    target: DeliveryTarget,
    uncertain: boolean,
    onWait: () => void,
    signal?: AbortSignal,
    known?: FanTokens | null,
    urgent = false,
  ): Promise<DeliveryOutcome> {
    const wait: Wait = () => limiter.acquire(onWait, signal, urgent);
    let withArtists = target.artistIds.length > 0 && (extended || !artistUrisRefused);
    let refusedWithArtists = false;
    let token: string | undefined;
    let stale: string | undefined;
    let transientFailures = 0;
    for (;;) {
      try {
        token = await tokens.accessToken(fanId, stale, token === undefined ? known : undefined);
        if (uncertain && (await isDelivered(token, target, withArtists, wait))) {
          return { kind: 'done', alreadyThere: true, followed: withArtists };
        }
        await save(token, target, withArtists, wait);
        if (refusedWithArtists) artistUrisRefused = true; // the album alone went through: it was the artist URIs
        return { kind: 'done', alreadyThere: false, followed: withArtists };
      } catch (error) {
        if (error instanceof FanAccessLost) return { kind: 'revoked', reason: error.reason };
        if (error instanceof ProviderPaused)
          return { kind: 'paused', reason: error.pause.reason, untilMs: error.pause.untilMs, uncertain };
        if (!(error instanceof ProviderError)) throw error;
        switch (error.kind) {
          case 'token_invalid':
            if (stale) return { kind: 'revoked', reason: 'revoked' }; // a freshly refreshed token refused too
            stale = token;
            continue;
          case 'rate_limited':
            // Every worker waits; a 429 means nothing was applied, so no need to look first.
            await limiter.pause(Date.now() + (error.retryAfterMs ?? 1_000), 'rate_limited');
            continue;
          case 'quota_exhausted': {
            const untilMs = Date.now() + (error.retryAfterMs ?? 3_600_000);
            await limiter.pause(untilMs, 'quota_exceeded');
            return { kind: 'paused', reason: 'quota_exceeded', untilMs, uncertain };
          }
          case 'unavailable':
          case 'outcome_unknown':
            uncertain = true; // a timeout or 5xx may have been applied
            if (++transientFailures > TRANSIENT_RETRIES) {
              return { kind: 'retry_later', reason: 'provider_unavailable', error: error.message };
            }
            await new Promise((r) => setTimeout(r, 200 * 2 ** transientFailures));
            continue;
          case 'invalid_request':
          case 'not_found':
            // A 403 (a missing scope) is not about the artist URIs: rejected as it is.
            if (isForbidden(error)) return { kind: 'failed', reason: 'rejected', error: `403 ${error.message}` };
            if (withArtists && !extended) {
              // Refused with the artist URIs: save the release alone; the follow is skipped, not the pre-save.
              refusedWithArtists = true;
              withArtists = false;
              continue;
            }
            return error.kind === 'not_found'
              ? { kind: 'failed', reason: 'not_found', error: error.message }
              : { kind: 'failed', reason: 'rejected', error: `${error.status ?? ''} ${error.message}`.trim() };
          default:
            return { kind: 'failed', reason: 'rejected', error: `${error.status ?? ''} ${error.message}`.trim() };
        }
      }
    }
  }

  return { deliver };
}

type Wait = () => Promise<void>;
