// Activities of the release engine: plan the waves, verify the release on Spotify, deliver due pre-saves in
// claimed batches, close the campaign. Every one may run again after a crash and does the right thing.
import { Context } from '@temporalio/activity';
import { z } from 'zod';
import {
  type Campaign,
  findCampaignById,
  markAlerted,
  recordResolution,
  setCampaignStatus,
} from '../db/campaigns';
import { queueEmail } from '../db/outbox';
import { type DatabasePool, sql } from '../db/pool';
import {
  claimDuePresaves,
  claimPresave,
  finishPresave,
  pendingWaves,
  type PresaveProgress,
  presaveProgress,
  recordEvent,
  returnPresave,
} from '../db/presaves';
import { type ActivityDeps } from './deps';
import { createPresaveDelivery, type DeliveryOutcome, type DeliveryTarget } from './presave-delivery';
import { type SpotifyClient } from './providers/spotify';
import { type SharedRateLimiter } from './rate-limiter';
import { createFanTokenSource, FanAccessLost } from './spotify-tokens';

export interface ReleasePlan {
  status: Campaign['status'];
  resolution: Campaign['resolution'];
  releaseAt: number;
  closesAt: number;
  progress: PresaveProgress;
  waves: number[];
  pause: { reason: string; untilMs: number } | null;
}

export interface BatchResult {
  claimed: number;
  done: number;
  failed: number;
  revoked: number;
  returned: number;
  paused: { reason: string; untilMs: number } | null;
  notLive: boolean;
}

/** Rows that failed this often for provider reasons are given up on, with their last error. */
const MAX_ATTEMPTS = 8;
const LEASE_MS = 5 * 60_000;
const DELIVERY_CONCURRENCY = 8;

export function createReleaseActivities(
  deps: ActivityDeps & { spotify: SpotifyClient; spotifyLimiter: SharedRateLimiter },
) {
  const { pool, keyRing, spotify, spotifyLimiter: limiter, logger } = deps;
  const tokens = createFanTokenSource({ pool, keyRing, spotify });
  const delivery = createPresaveDelivery({ config: deps.config, spotify, limiter, tokens });
  const appToken = createAppTokenCache(spotify, deps.config.SPOTIFY_CLIENT_SECRET !== undefined);

  async function loadCampaign(campaignId: string): Promise<Campaign> {
    const campaign = await findCampaignById(pool, campaignId);
    if (!campaign) throw new Error(`campaign ${campaignId} not found`);
    return campaign;
  }

  /** A token for catalogue look-ups: the app's own when we have a client secret, else one of the campaign's fans. */
  async function catalogToken(campaignId: string): Promise<string | null> {
    if (appToken.available) return appToken.get();
    const fanIds = await pool.anyFirst(sql.type(z.object({ fanId: z.string() }))`
      SELECT p.fan_id AS "fanId" FROM presaves p JOIN fan_tokens t ON t.fan_id = p.fan_id
      WHERE p.campaign_id = ${campaignId} AND t.status = 'active' ORDER BY p.created_at DESC LIMIT 3`);
    for (const fanId of fanIds) {
      try {
        return await tokens.accessToken(fanId);
      } catch (error) {
        if (!(error instanceof FanAccessLost)) throw error;
      }
    }
    return null;
  }

  return {
    async planRelease(input: { campaignId: string }): Promise<ReleasePlan> {
      const campaign = await loadCampaign(input.campaignId);
      const [progress, waves, pause] = await Promise.all([
        presaveProgress(pool, campaign.id),
        pendingWaves(pool, campaign.id),
        limiter.sharedPause(),
      ]);
      return {
        status: campaign.status,
        resolution: campaign.resolution,
        releaseAt: campaign.releaseAt,
        closesAt: campaign.closesAt,
        progress,
        waves: [...waves],
        pause,
      };
    },

    /** unresolved → candidate (found by UPC/ISRC) → confirmed (album read, UPC matches) → live (saveable now). */
    async verifyRelease(input: { campaignId: string; alertWithinMs: number }): Promise<{ resolution: Campaign['resolution'] }> {
      const campaign = await loadCampaign(input.campaignId);
      if (campaign.resolution === 'live') return { resolution: 'live' };
      const token = await catalogToken(campaign.id);
      let resolution: Campaign['resolution'] = 'unresolved';
      if (token) {
        const albumId = campaign.spotifyAlbumId ?? (await spotify.findAlbumId(token, campaign));
        const album = albumId ? await spotify.album(token, albumId) : null;
        if (albumId) resolution = 'candidate';
        if (album && (!campaign.upc || album.upc === undefined || normaliseUpc(album.upc) === normaliseUpc(campaign.upc))) {
          resolution = 'live'; // the simulator and Spotify serve an album only once it can be saved
          await recordResolution(pool, campaign.id, {
            resolution,
            spotifyAlbumId: album.id,
            spotifyArtistIds: campaign.artistSpotifyId ? [campaign.artistSpotifyId] : album.artistIds,
            artworkUrl: album.imageUrl,
          });
        } else {
          await recordResolution(pool, campaign.id, { resolution, spotifyAlbumId: albumId ?? undefined });
        }
      }
      if (resolution === 'unresolved' && campaign.releaseAt - Date.now() < input.alertWithinMs) {
        await alertUnresolved(pool, campaign);
      }
      return { resolution };
    },

    /** Claims a batch of due pre-saves and delivers it, heartbeating progress; see db/presaves.ts for claims. */
    async deliverDuePresaves(input: { campaignId: string; batchSize: number }): Promise<BatchResult> {
      const ctx = Context.current();
      const claimToken = `${ctx.info.workflowExecution?.runId ?? ctx.info.workflowType}:${ctx.info.activityId}`;
      const result: BatchResult = { claimed: 0, done: 0, failed: 0, revoked: 0, returned: 0, paused: null, notLive: false };
      const campaign = await loadCampaign(input.campaignId);
      if (campaign.status === 'cancelled') return result;
      const claimed = await claimDuePresaves(pool, { campaignId: campaign.id, claimToken, limit: input.batchSize, leaseMs: LEASE_MS });
      result.claimed = claimed.length;
      if (claimed.length === 0) return result;
      if (!campaign.spotifyAlbumId || campaign.resolution !== 'live') {
        for (const row of claimed) await returnPresave(pool, { id: row.id, claimToken, lastError: 'release not live yet' });
        return { ...result, returned: claimed.length, notLive: true };
      }
      const target: DeliveryTarget = {
        albumId: campaign.spotifyAlbumId,
        artistIds: campaign.followArtist ? campaign.spotifyArtistIds : [],
      };
      const heartbeat = () => ctx.heartbeat({ done: result.done, failed: result.failed, revoked: result.revoked });

      // A lane can sit in one slow provider call for many seconds; heartbeat on a clock so the batch is not taken
      // for dead (and retried while it still runs).
      const heartbeatTimer = setInterval(heartbeat, 1_000);
      const queue = [...claimed];
      const runLane = async () => {
        for (let row = queue.shift(); row; row = queue.shift()) {
          if (result.paused || ctx.cancellationSignal.aborted) {
            await returnPresave(pool, { id: row.id, claimToken, lastError: 'batch stopped', reason: result.paused?.reason });
            result.returned++;
            continue;
          }
          const outcome = await delivery.deliver(row.fanId, target, row.attempts > 1, heartbeat);
          await settle({ campaign, row, claimToken, outcome, followed: target.artistIds.length > 0, result }, pool);
          heartbeat();
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.min(DELIVERY_CONCURRENCY, claimed.length) }, runLane));
      } finally {
        clearInterval(heartbeatTimer);
      }
      logger.debug({ campaignId: campaign.id, ...result }, 'pre-save batch delivered');
      return result;
    },

    /** The one-workflow-per-fan variant (bench:release compares it with the batches above). */
    async deliverOnePresave(input: { presaveId: string }): Promise<BatchResult> {
      const ctx = Context.current();
      const claimToken = `${ctx.info.workflowExecution?.workflowId ?? 'direct'}:${ctx.info.activityId}`;
      const result: BatchResult = { claimed: 0, done: 0, failed: 0, revoked: 0, returned: 0, paused: null, notLive: false };
      const row = await claimPresave(pool, { id: input.presaveId, claimToken, leaseMs: LEASE_MS });
      if (!row) return result;
      result.claimed = 1;
      const campaign = await loadCampaign(row.campaignId);
      if (!campaign.spotifyAlbumId) throw new Error('release not resolved yet'); // retried by Temporal
      const target: DeliveryTarget = { albumId: campaign.spotifyAlbumId, artistIds: campaign.followArtist ? campaign.spotifyArtistIds : [] };
      const outcome = await delivery.deliver(row.fanId, target, row.attempts > 1, () => ctx.heartbeat());
      await settle({ campaign, row, claimToken, outcome, followed: target.artistIds.length > 0, result }, pool);
      if (result.returned > 0) throw new Error(`pre-save not delivered yet: ${outcome.kind}`); // Temporal retries
      return result;
    },

    async markReleaseStatus(input: { campaignId: string; status: 'releasing' | 'completed' }): Promise<void> {
      await setCampaignStatus(pool, input.campaignId, input.status);
    },
  };
}

/** Records what one delivery came to, and counts it. */
async function settle(args: {
  campaign: Campaign;
  row: { id: string; fanId: string; attempts: number };
  claimToken: string;
  outcome: DeliveryOutcome;
  followed: boolean;
  result: BatchResult;
}, pool: DatabasePool): Promise<void> {
  const { campaign, row, claimToken, outcome, result } = args;
  switch (outcome.kind) {
    case 'done':
      if (await finishPresave(pool, { id: row.id, claimToken, state: 'done' })) {
        await recordEvent(pool, { campaignId: campaign.id, fanId: row.fanId, type: 'SAVE_TRACK', dedupeKey: `SAVE_TRACK:${row.id}` });
        if (args.followed) {
          await recordEvent(pool, { campaignId: campaign.id, fanId: row.fanId, type: 'FOLLOW_ARTIST', dedupeKey: `FOLLOW_ARTIST:${campaign.id}:${row.fanId}` });
        }
      }
      result.done++;
      return;
    case 'revoked':
      await finishPresave(pool, { id: row.id, claimToken, state: 'revoked', reason: outcome.reason });
      result.revoked++;
      return;
    case 'failed':
      await finishPresave(pool, { id: row.id, claimToken, state: 'failed', reason: outcome.reason, lastError: outcome.error });
      result.failed++;
      return;
    case 'retry_later':
      if (row.attempts >= MAX_ATTEMPTS) {
        await finishPresave(pool, { id: row.id, claimToken, state: 'failed', reason: outcome.reason, lastError: outcome.error });
        result.failed++;
      } else {
        await returnPresave(pool, { id: row.id, claimToken, lastError: outcome.error, reason: outcome.reason });
        result.returned++;
      }
      return;
    case 'quota_exceeded':
      await returnPresave(pool, { id: row.id, claimToken, lastError: 'Spotify quota exceeded', reason: 'quota_exceeded' });
      result.returned++;
      result.paused = { reason: 'quota_exceeded', untilMs: outcome.untilMs };
      return;
  }
}

async function alertUnresolved(pool: DatabasePool, campaign: Campaign): Promise<void> {
  if (!(await markAlerted(pool, campaign.id))) return;
  const dedupeKey = `release-unresolved:${campaign.id}`;
  await pool.query(sql.unsafe`
    INSERT INTO notifications (account_id, kind, data, dedupe_key)
    VALUES (${campaign.accountId}, 'release_unresolved', ${sql.jsonb({ campaignId: campaign.id, title: campaign.title })}, ${dedupeKey})
    ON CONFLICT (dedupe_key) DO NOTHING`);
  await queueEmail(pool, { accountId: campaign.accountId, template: 'release_unresolved', data: { campaignId: campaign.id, title: campaign.title }, dedupeKey });
}

function normaliseUpc(upc: string): string {
  return upc.replace(/^0+/, '');
}

function createAppTokenCache(spotify: SpotifyClient, available: boolean) {
  let cached: { token: string; expiresAt: number } | null = null;
  return {
    available,
    async get(): Promise<string> {
      if (cached && cached.expiresAt > Date.now() + 60_000) return cached.token;
      const t = await spotify.clientCredentials();
      cached = { token: t.accessToken, expiresAt: Date.now() + t.expiresInSeconds * 1000 };
      return t.accessToken;
    },
  };
}
