// Activities of the attribution backfill (attributionWorkflow): resolve the campaign's own tracks, then for each
// consenting fan read what they played since their cursor (STREAM, only the campaign's tracks), whether the release,
// its tracks and the artist are in their library (SAVE_TRACK, FOLLOW_ARTIST), each stored once by its dedupe key.
// Every Spotify call waits its turn in the same shared rate limiter as release day. Listening data stays here:
// nothing of it goes to an ad platform (Spotify's terms forbid profiling).
import { Context } from '@temporalio/activity';
import {
  advanceRun,
  type AttributionFan,
  attributionFans,
  campaignTrackIds,
  finishRun,
  saveCursor,
  startOrResumeRun,
  storeCampaignTracks,
  storedKeys,
} from '../db/attribution';
import { type Campaign, findCampaignById } from '../db/campaigns';
import { insertEvents, type NewEvent } from '../db/events';
import { attributionWindow, deleteAttributionSchedule, ensureAttributionSchedule } from '../lib/starters/attribution';
import { type ActivityDeps } from './deps';
import { ProviderError } from '../lib/providers/errors';
import { isForbidden, type SpotifyClient } from '../lib/providers/spotify';
import { ProviderPaused, type SharedRateLimiter } from './rate-limiter';
import { type SpotifyAccess } from './spotify-access';
import { FanAccessLost } from './spotify-tokens';

/** Plays per recently-played call: Spotify's maximum. */
const PAGE_LIMIT = 50;
/** A fan with more pages than this in one run continues next run (their cursor is stored after each page). */
const MAX_PAGES_PER_FAN = 20;

export type AttributionPrepared = { state: 'ready'; tracks: number } | { state: 'gone' | 'cancelled' | 'not_live' };

export interface AttributionBatchResult {
  fans: number;
  skipped: number;
  streams: number;
  saves: number;
  follows: number;
  /** no fan left after this batch */
  done: boolean;
  /** Spotify's quota is spent: the run stops here, the next one carries on */
  paused: { reason: string; untilMs: number } | null;
}

type FanOutcome =
  { skipped: string } | { streams: number; saves: number; follows: number; history: 'read' | 'no_scope' };

/** From an activity: make sure the live campaign's attribution Schedule exists (the release engine calls this). */
export async function ensureAttributionScheduleFor(deps: ActivityDeps, campaignId: string): Promise<void> {
  const campaign = await findCampaignById(deps.pool, campaignId);
  if (!campaign || campaign.status === 'cancelled') return;
  await ensureAttributionSchedule(Context.current().client, {
    campaignId: campaign.id,
    accountId: campaign.accountId,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    intervalMinutes: deps.config.ATTRIBUTION_INTERVAL_MINUTES,
    ...attributionWindow(deps.config.ATTRIBUTION_WINDOW_DAYS, campaign),
  });
}

export function createAttributionActivities(
  deps: ActivityDeps & { spotify: SpotifyClient; spotifyLimiter: SharedRateLimiter; spotifyAccess: SpotifyAccess },
) {
  const { pool, spotify, spotifyLimiter: limiter, spotifyAccess, logger, config } = deps;
  const extended = config.SPOTIFY_API_MODE === 'extended';
  const { tokens, catalogToken } = spotifyAccess;

  /**
   * Runs one Spotify call for a fan under the shared limit: waits its turn (heartbeating), refreshes the token once
   * on a 401, waits out a short 429 with every other worker. A spent quota is thrown as ProviderPaused.
   */
  async function call<T>(fanId: string, heartbeat: () => void, request: (token: string) => Promise<T>): Promise<T> {
    let stale: string | undefined;
    for (let attempt = 0; ; attempt++) {
      await limiter.acquire(heartbeat, Context.current().cancellationSignal);
      const token = await tokens.accessToken(fanId, stale);
      try {
        return await request(token);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        if (error.kind === 'token_invalid' && !stale) {
          stale = token;
          continue;
        }
        if (error.kind === 'rate_limited' && attempt < 10) {
          await limiter.pause(Date.now() + (error.retryAfterMs ?? 1_000), 'rate_limited');
          continue;
        }
        if (error.kind === 'quota_exhausted') {
          const untilMs = Date.now() + (error.retryAfterMs ?? 3_600_000);
          await limiter.pause(untilMs, 'quota_exceeded');
          throw new ProviderPaused({ untilMs, reason: 'quota_exceeded' });
        }
        throw error;
      }
    }
  }

  /** STREAM events for the campaign's tracks among the fan's plays since their cursor; the cursor moves per page. */
  async function readHistory(
    campaign: Campaign,
    fan: AttributionFan,
    trackIds: ReadonlySet<string>,
    heartbeat: () => void,
  ): Promise<number | 'no_scope'> {
    let after = fan.playedAfter;
    let streams = 0;
    for (let page = 0; page < MAX_PAGES_PER_FAN; page++) {
      let result;
      try {
        result = await call(fan.fanId, heartbeat, (token) =>
          spotify.recentlyPlayed(token, { afterMs: after, limit: PAGE_LIMIT }),
        );
      } catch (error) {
        // A consent given before we asked for listening history: the library checks still run.
        if (error instanceof ProviderError && isForbidden(error)) return 'no_scope';
        throw error;
      }
      const events: NewEvent[] = result.plays
        .filter((p) => trackIds.has(p.trackId) && p.playedAt > after)
        .map((p) => ({
          campaignId: campaign.id,
          fanId: fan.fanId,
          type: 'STREAM',
          dedupeKey: `STREAM:${campaign.id}:${fan.fanId}:${p.trackId}:${p.playedAt}`,
          occurredAt: p.playedAt,
          platform: 'spotify',
          trackId: p.trackId,
          playedAt: p.playedAt,
        }));
      streams += await insertEvents(pool, events);
      // Events first, cursor second: a crash in between reads the page again and the dedupe keys absorb it.
      after = result.newestMs;
      await saveCursor(pool, { campaignId: campaign.id, fanId: fan.fanId, playedAfter: after, outcome: 'reading' });
      heartbeat();
      if (result.nextAfterMs === null) break;
    }
    return streams;
  }

  /** SAVE_TRACK for the release or any of its tracks in the library, FOLLOW_ARTIST for the artist: once each. */
  async function checkLibrary(
    campaign: Campaign,
    fan: AttributionFan,
    trackIds: readonly string[],
    heartbeat: () => void,
  ) {
    const albumKey = `SAVE_TRACK:${fan.presaveId}`; // the key release day uses: a delivered pre-save counts once
    const trackKey = (id: string) => `SAVE_TRACK:${campaign.id}:${fan.fanId}:${id}`;
    const followKey = `FOLLOW_ARTIST:${campaign.id}:${fan.fanId}`;
    const artistIds = campaign.spotifyArtistIds;
    const known = await storedKeys(pool, [albumKey, followKey, ...trackIds.map(trackKey)]);
    const album = campaign.spotifyAlbumId && !known.has(albumKey) ? [campaign.spotifyAlbumId] : [];
    const tracks = trackIds.filter((id) => !known.has(trackKey(id)));
    // Only a campaign that follows the artist asked the fan for the follow scopes (api/oauth/spotify-fan-sign-in.ts).
    const artists = campaign.followArtist && !known.has(followKey) ? artistIds : [];
    const found = { album: false, tracks: [] as string[], artist: false };

    if (!extended) {
      const uris = [
        ...album.map((id) => `spotify:album:${id}`),
        ...tracks.map((id) => `spotify:track:${id}`),
        ...artists.map((id) => `spotify:artist:${id}`),
      ];
      for (let i = 0; i < uris.length; i += 40) {
        const chunk = uris.slice(i, i + 40);
        const contained = await call(fan.fanId, heartbeat, (token) => spotify.libraryContains(token, chunk));
        chunk.forEach((uri, j) => {
          if (!contained[j]) return;
          const [, type, id] = uri.split(':');
          if (type === 'album') found.album = true;
          else if (type === 'track') found.tracks.push(id);
          else found.artist = true;
        });
      }
    } else {
      if (album.length)
        found.album = (await call(fan.fanId, heartbeat, (token) => spotify.albumsContain(token, album)))[0] === true;
      for (let i = 0; i < tracks.length; i += 50) {
        const chunk = tracks.slice(i, i + 50);
        const contained = await call(fan.fanId, heartbeat, (token) => spotify.tracksContain(token, chunk));
        found.tracks.push(...chunk.filter((_, j) => contained[j]));
      }
      if (artists.length)
        found.artist = (await call(fan.fanId, heartbeat, (token) => spotify.followsArtists(token, artists))).some(
          Boolean,
        );
    }

    const base = { campaignId: campaign.id, fanId: fan.fanId, platform: 'spotify' };
    const events: NewEvent[] = [
      ...(found.album
        ? [
            {
              ...base,
              type: 'SAVE_TRACK' as const,
              dedupeKey: albumKey,
              properties: { item: 'album', source: 'library_check' },
            },
          ]
        : []),
      ...found.tracks.map((id) => ({
        ...base,
        type: 'SAVE_TRACK' as const,
        dedupeKey: trackKey(id),
        trackId: id,
        properties: { item: 'track', source: 'library_check' },
      })),
      ...(found.artist
        ? [{ ...base, type: 'FOLLOW_ARTIST' as const, dedupeKey: followKey, properties: { source: 'library_check' } }]
        : []),
    ];
    await insertEvents(pool, events);
    return { saves: Number(found.album) + found.tracks.length, follows: Number(found.artist) };
  }

  async function attributeFan(
    campaign: Campaign,
    fan: AttributionFan,
    trackIds: readonly string[],
    heartbeat: () => void,
  ): Promise<FanOutcome> {
    if (fan.skipReason) return { skipped: fan.skipReason };
    try {
      const history = await readHistory(campaign, fan, new Set(trackIds), heartbeat);
      const library = await checkLibrary(campaign, fan, trackIds, heartbeat);
      return {
        ...library,
        streams: history === 'no_scope' ? 0 : history,
        history: history === 'no_scope' ? 'no_scope' : 'read',
      };
    } catch (error) {
      if (error instanceof FanAccessLost) return { skipped: error.reason };
      // A freshly refreshed token refused too: as on release day, treat the access as gone for this run.
      if (error instanceof ProviderError && error.kind === 'token_invalid') return { skipped: 'token_refused' };
      // The fan's account refuses (deleted at Spotify, say): skip them this run rather than stall the others.
      if (error instanceof ProviderError && (error.kind === 'not_found' || error.kind === 'invalid_request')) {
        const reason = error.kind === 'not_found' ? 'not_found' : isForbidden(error) ? 'forbidden' : 'bad_request';
        return { skipped: `spotify_${reason}` };
      }
      throw error;
    }
  }

  return {
    /** Whether the campaign can be attributed now, and its own tracks stored (resolved from the album once). */
    async prepareAttribution(input: { campaignId: string }): Promise<AttributionPrepared> {
      const campaign = await findCampaignById(pool, input.campaignId);
      if (!campaign) return { state: 'gone' };
      if (campaign.status === 'cancelled') return { state: 'cancelled' };
      if (!campaign.spotifyAlbumId || campaign.resolution !== 'live') return { state: 'not_live' };
      let tracks = await campaignTrackIds(pool, campaign.id);
      if (tracks.length === 0) {
        const token = await catalogToken(campaign.id);
        if (!token) return { state: 'not_live' };
        await limiter.acquire(() => Context.current().heartbeat());
        const album = await spotify.album(token, campaign.spotifyAlbumId);
        if (!album) return { state: 'not_live' };
        await storeCampaignTracks(
          pool,
          campaign.id,
          album.trackUris.map((uri) => uri.split(':').pop()!).filter(Boolean),
        );
        tracks = await campaignTrackIds(pool, campaign.id);
      }
      return { state: 'ready', tracks: tracks.length };
    },

    /**
     * The next batch of the run's fans, after the last one the run finished (stored, so a retry after a crash or a
     * worker restart carries on there). Heartbeats per fan and while waiting for the rate limiter.
     */
    async attributeFanBatch(input: {
      campaignId: string;
      runKey: string;
      batchSize?: number;
    }): Promise<AttributionBatchResult> {
      const ctx = Context.current();
      const batchSize = input.batchSize ?? config.ATTRIBUTION_FAN_BATCH;
      const result: AttributionBatchResult = {
        fans: 0,
        skipped: 0,
        streams: 0,
        saves: 0,
        follows: 0,
        done: false,
        paused: null,
      };
      const heartbeat = () => ctx.heartbeat({ fans: result.fans, skipped: result.skipped });
      const campaign = await findCampaignById(pool, input.campaignId);
      if (!campaign) return { ...result, done: true };
      const run = await startOrResumeRun(pool, { runKey: input.runKey, campaignId: campaign.id });
      if (run.finished) return { ...result, done: true };
      const trackIds = await campaignTrackIds(pool, campaign.id);
      const fans = await attributionFans(pool, {
        campaignId: campaign.id,
        afterFanId: run.afterFanId,
        limit: batchSize,
      });
      for (const fan of fans) {
        ctx.cancellationSignal.throwIfAborted();
        let outcome: FanOutcome;
        try {
          outcome = await attributeFan(campaign, fan, trackIds, heartbeat);
        } catch (error) {
          if (!(error instanceof ProviderPaused)) throw error;
          return { ...result, paused: error.pause };
        }
        if ('skipped' in outcome) {
          result.skipped++;
          logger.info(
            { campaignId: campaign.id, fanId: fan.fanId, reason: outcome.skipped },
            'attribution: fan skipped',
          );
          await saveCursor(pool, { campaignId: campaign.id, fanId: fan.fanId, outcome: `skipped:${outcome.skipped}` });
        } else {
          result.fans++;
          result.streams += outcome.streams;
          result.saves += outcome.saves;
          result.follows += outcome.follows;
          await saveCursor(pool, {
            campaignId: campaign.id,
            fanId: fan.fanId,
            outcome: outcome.history === 'no_scope' ? 'checked:no_history_scope' : 'checked',
          });
        }
        await advanceRun(pool, {
          runKey: input.runKey,
          fanId: fan.fanId,
          skipped: 'skipped' in outcome,
          streams: 'streams' in outcome ? outcome.streams : 0,
        });
        heartbeat();
      }
      return { ...result, done: fans.length < batchSize };
    },

    /** Marks the run finished; a campaign deleted or cancelled takes its Schedule with it. */
    async finishAttributionRun(input: { campaignId: string; runKey: string; endSchedule: boolean }): Promise<void> {
      if (input.endSchedule) {
        await deleteAttributionSchedule(Context.current().client, input.campaignId);
        return;
      }
      const run = await finishRun(pool, input.runKey);
      logger.info({ campaignId: input.campaignId, ...run }, 'attribution run finished');
    },
  };
}
