// Activities of the release engine: plan the waves, verify the release on Spotify, deliver due pre-saves in
// claimed batches, close the campaign. Every one may run again after a crash and does the right thing.
import { Context } from '@temporalio/activity';
import { type Campaign, findCampaignById, markAlerted, recordResolution, setCampaignStatus } from '../db/campaigns';
import { notifyAccount } from '../db/notifications';
import { queueEmail } from '../db/outbox';
import { type DatabasePool } from '../db/pool';
import {
  claimDuePresaves,
  enrolForeverSaveFans,
  interleaveWaves,
  nextWaveInstant,
  pendingWaves,
  type PresaveProgress,
  presaveProgress,
  renewLease,
} from '../db/presaves';
import { type FanTokens } from '../db/fans';
import { orderSessionOfCampaign } from '../db/billing';
import { signalOrder } from '../lib/starters/order';
import { ensureAttributionScheduleFor } from './attribution';
import { appleMusicDeliveryFor } from './apple-music-dispatch';
import { type ActivityDeps } from './deps';
import { createPresaveDelivery, type DeliveryOutcome, type DeliveryTarget } from './presave-delivery';
import { createBatchSettler, type SettledRow } from './presave-settlement';
import { batchPaceOf } from './batch-pace';
import { createClaimFeed } from './claim-feed';
import { type SpotifyAlbum, type SpotifyClient } from '../lib/providers/spotify';
import { type SharedRateLimiter } from './rate-limiter';
import { type SpotifyAccess } from './spotify-access';

export interface ReleasePlan {
  status: Campaign['status'];
  resolution: Campaign['resolution'];
  releaseAt: number;
  closesAt: number;
  progress: PresaveProgress;
  waves: number[];
  pause: { reason: string; untilMs: number } | null;
  /** the worker's configured batch size and batches in flight per wave (absent in plans recorded before) */
  delivery?: { batchSize: number; parallelBatches: number };
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

export function createReleaseActivities(
  deps: ActivityDeps & {
    spotify: SpotifyClient;
    spotifyLimiter: SharedRateLimiter;
    spotifyAccess: SpotifyAccess;
    appleMusicLimiter?: SharedRateLimiter;
  },
) {
  const { pool, spotify, spotifyLimiter: limiter, spotifyAccess, logger } = deps;
  const { tokens, catalogToken } = spotifyAccess;
  const delivery = createPresaveDelivery({ config: deps.config, spotify, limiter, tokens });
  const deliverAppleMusic = appleMusicDeliveryFor(deps);

  const holdClaim = (claimToken: string, leaseMs: number, heartbeat: () => void) =>
    holdPresaveClaim(deps, claimToken, leaseMs, heartbeat);
  const loadCampaign = (campaignId: string) => loadReleaseCampaign(pool, campaignId);

  const markCampaignStatus = (input: { campaignId: string; status: 'releasing' | 'completed' }) =>
    setCampaignStatus(pool, input.campaignId, input.status);
  /** Live: the campaign's attribution backfill Schedule runs from the release for the attribution window. */
  const ensureAttributionSchedule = (input: { campaignId: string }) =>
    ensureAttributionScheduleFor(deps, input.campaignId);
  /** A campaign paid for by a package: its order sends "is live" / "has completed" now, not at its next check. */
  async function nudgeOrderOfCampaign(input: { campaignId: string }): Promise<void> {
    const checkoutSessionId = await orderSessionOfCampaign(pool, input.campaignId);
    if (checkoutSessionId)
      await signalOrder(Context.current().client, logger, { checkoutSessionId, what: 'campaignChanged' });
  }

  return {
    async planRelease(input: { campaignId: string }): Promise<ReleasePlan> {
      const campaign = await loadCampaign(input.campaignId);
      // Forever-save fans of the artist are part of the plan (docs/forever-save.md): enrolled from the first plan
      // (the workflow starts with the campaign, so they count at once) and again before every wave, for fans who
      // opt in meanwhile. Idempotent, and a no-op once the campaign is closed.
      await enrolForeverSaveFans(pool, campaign.id);
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
        delivery: { batchSize: deps.config.RELEASE_BATCH_SIZE, parallelBatches: deps.config.RELEASE_PARALLEL_BATCHES },
      };
    },

    /**
     * unresolved → candidate (an album found by UPC or ISRC) → confirmed (the album carries every identifier the
     * campaign gave: its UPC, and its ISRC on one of its tracks) → live (confirmed and out: saveable now).
     * An album whose identifiers disagree stays a candidate and nothing is delivered to it: saving the wrong album
     * to every fan's library is worse than waiting for the artist to correct the campaign.
     */
    async verifyRelease(input: {
      campaignId: string;
      alertWithinMs: number;
    }): Promise<{ resolution: Campaign['resolution'] }> {
      const campaign = await loadCampaign(input.campaignId);
      if (campaign.resolution === 'live') return { resolution: 'live' };
      const token = await catalogToken(campaign.id);
      let resolution: Campaign['resolution'] = 'unresolved';
      if (token) {
        const albumId = campaign.spotifyAlbumId ?? (await spotify.findAlbumId(token, campaign));
        const album = albumId ? await spotify.album(token, albumId) : null;
        if (albumId) resolution = 'candidate';
        if (album && (await carriesIdentifiers(token, album, campaign, spotify))) {
          resolution = isOut(album, Date.now()) ? 'live' : 'confirmed';
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
      if (
        (resolution === 'unresolved' || resolution === 'candidate') &&
        campaign.resolution !== 'confirmed' &&
        campaign.releaseAt - Date.now() < input.alertWithinMs
      ) {
        await alertUnresolved(pool, campaign);
      }
      return { resolution };
    },

    /**
     * Claims due pre-saves a chunk at a time (fairly across due waves) and delivers them, up to `batchSize` in all,
     * heartbeating progress. The claim is this attempt's own and its lease is renewed while the attempt lives: a
     * retry after a crash takes the rows over only once the dead attempt's lease has run out, so two attempts never
     * work on one row. `notBefore`: started ahead of a wave's instant, the batch claims nothing before it.
     */
    async deliverDuePresaves(input: {
      campaignId: string;
      batchSize: number;
      notBefore?: number;
    }): Promise<BatchResult> {
      const ctx = Context.current();
      const claimToken = claimTokenOf(ctx.info);
      const leaseMs = leaseFor(ctx.info.heartbeatTimeoutMs);
      const result = emptyResult();
      const heartbeat = atMostEvery(HEARTBEAT_EVERY_MS, () =>
        ctx.heartbeat({ done: result.done, failed: result.failed, revoked: result.revoked }),
      );
      if (input.notBefore) await waitUntil(input.notBefore, heartbeat, ctx.cancellationSignal);
      const campaign = await loadCampaign(input.campaignId);
      if (campaign.status === 'cancelled') return result;
      const settler = createBatchSettler({ pool, campaign, claimToken, result });
      // Each row goes to its platform's delivery; Spotify's rows wait for the release to be live on Spotify: then
      // one claim as before, its Spotify rows given back, and no more (they would only be claimed again).
      const spotifyLive = Boolean(campaign.spotifyAlbumId) && campaign.resolution === 'live';
      const target = spotifyLive ? targetOf(campaign) : null;
      const pace = batchPaceOf(deps.config, {
        batchSize: input.batchSize,
        appleMusic: Boolean(deps.appleMusicLimiter),
      });
      let givenBack = 0;
      // Every chunk's fans' tokens in one read, dropped once the fan's row is delivered.
      const known = new Map<string, FanTokens | null>();
      const claim = async (limit: number) => {
        const claimed = await claimDuePresaves(pool, { campaignId: campaign.id, claimToken, limit, leaseMs });
        result.claimed += claimed.length;
        const ready = spotifyLive ? claimed : claimed.filter((row) => row.platform === 'apple_music');
        for (const row of claimed) if (!ready.includes(row)) void settler.giveBack(row, 'release not live yet');
        givenBack += claimed.length - ready.length;
        const spotifyFans = ready.filter((row) => row.platform !== 'apple_music').map((row) => row.fanId);
        if (spotifyFans.length > 0) for (const [id, t] of await tokens.tokensOf(spotifyFans)) known.set(id, t);
        return ready;
      };

      const releaseClaim = holdClaim(claimToken, leaseMs, heartbeat);
      // One lane failing (a database error) stops the others before the activity fails and is retried.
      const stop = new AbortController();
      const stopSignals = AbortSignal.any([stop.signal, ctx.cancellationSignal]);
      const feed = createClaimFeed({
        claim,
        total: input.batchSize,
        chunk: spotifyLive ? pace.chunk : input.batchSize,
        lowWater: pace.lowWater,
        stopped: () => Boolean(result.paused) || stopSignals.aborted,
        // A chunk bringing a wave whose instant has just come puts its first rows ahead of the rows still waiting.
        order: interleaveWaves,
        // and each batch claims at the next wave's instant, so its first rows do not wait for a refill
        nextWaveAt: () => nextWaveInstant(pool, campaign.id),
      });
      const runLane = async () => {
        for (let row = await feed.next(); row; row = await feed.next()) {
          if (result.paused || stopSignals.aborted) {
            await settler.giveBack(row, 'batch stopped', result.paused?.reason);
            continue;
          }
          try {
            const outcome =
              row.platform === 'apple_music'
                ? await deliverAppleMusic(campaign, row, heartbeat, stopSignals)
                : await delivery.deliver(
                    row.fanId,
                    target!,
                    row.attempts > 1,
                    heartbeat,
                    stopSignals,
                    known.get(row.fanId),
                    Date.now() - row.dueAt < FRESH_WAVE_MS,
                  );
            known.delete(row.fanId);
            await settler.add(row, outcome);
          } catch (error) {
            stop.abort(error);
            throw error;
          }
        }
      };
      try {
        const lanes = await Promise.allSettled(Array.from({ length: pace.lanes }, runLane));
        await settler.flush();
        const failure = lanes.find((lane) => lane.status === 'rejected');
        if (failure) throw failure.reason;
      } finally {
        releaseClaim();
      }
      if (givenBack > 0 && givenBack === result.claimed) return { ...result, notLive: true };
      if (result.claimed > 0) logger.debug({ campaignId: campaign.id, ...result }, 'pre-save batch delivered');
      return result;
    },

    // One job each; the release engine calls them in this order (workflows/release.ts).
    markCampaignStatus,
    ensureAttributionSchedule,
    nudgeOrderOfCampaign,

    /** Kept for runs that started before the split (their histories call it): the three above, in order. */
    async markReleaseStatus(input: { campaignId: string; status: 'releasing' | 'completed' }): Promise<void> {
      await markCampaignStatus(input);
      await ensureAttributionSchedule(input);
      await nudgeOrderOfCampaign(input);
    },
  };
}

/**
 * While an attempt works on claimed rows: heartbeat and renew their lease on a clock (a lane can sit in one slow
 * provider call for many seconds), so the attempt is not taken for dead and its rows not taken over while it
 * runs. Returns the function that stops doing so.
 */
export function holdPresaveClaim(
  deps: Pick<ActivityDeps, 'pool' | 'logger'>,
  claimToken: string,
  leaseMs: number,
  heartbeat: () => void,
): () => void {
  const timer = setInterval(
    () => {
      heartbeat();
      renewLease(deps.pool, { claimToken, leaseMs }).catch((error: unknown) =>
        deps.logger.warn({ err: error }, 'lease renewal failed'),
      );
    },
    Math.max(500, Math.floor(leaseMs / 3)),
  );
  return () => clearInterval(timer);
}

/** Waits until `at` (a batch started ahead of its wave), heartbeating; stops early when the activity is cancelled. */
async function waitUntil(at: number, heartbeat: () => void, signal: AbortSignal): Promise<void> {
  while (Date.now() < at && !signal.aborted) {
    heartbeat();
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(1_000, at - Date.now()))));
  }
}

export async function loadReleaseCampaign(pool: DatabasePool, campaignId: string): Promise<Campaign> {
  const campaign = await findCampaignById(pool, campaignId);
  if (!campaign) throw new Error(`campaign ${campaignId} not found`);
  return campaign;
}

/** Records what one delivery came to, and counts it (only while this claim still holds the row). */
export async function settle(
  args: { campaign: Campaign; row: SettledRow; claimToken: string; outcome: DeliveryOutcome; result: BatchResult },
  pool: DatabasePool,
): Promise<void> {
  const settler = createBatchSettler({ pool, ...args });
  await settler.add(args.row, args.outcome);
  await settler.flush();
}

/** Unique per activity attempt, so a superseded attempt can never finish a row its successor has taken over. */
export function claimTokenOf(info: {
  workflowExecution?: { runId: string };
  activityId: string;
  attempt: number;
}): string {
  return `${info.workflowExecution?.runId ?? 'direct'}:${info.activityId}:${info.attempt}`;
}

// A row whose wave came less than this ago goes before the backlog waiting for the provider's ceiling: a zone's
// first fans are delivered within this of its instant, not after the 1.5 s of deliveries in flight (batch-pace.ts).
const FRESH_WAVE_MS = 2_000;

// The SDK encodes (so encrypts, a random IV each) every heartbeat's details before it coalesces them: a batch's
// lanes waiting on the rate limiter called it hundreds of times a second, a tenth of a worker's CPU while the
// provider's ceiling binds. The server needs one every few seconds (heartbeat timeout 30 s).
const HEARTBEAT_EVERY_MS = 1_000;

function atMostEvery(ms: number, fn: () => void): () => void {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last < ms) return;
    last = now;
    fn();
  };
}

/** A lease outlives a missed heartbeat or two, and runs out soon after a crash (the retry waits for it). */
export function leaseFor(heartbeatTimeoutMs: number | undefined): number {
  return Math.max(5_000, heartbeatTimeoutMs ?? 30_000);
}

export function targetOf(campaign: Campaign): DeliveryTarget {
  return { albumId: campaign.spotifyAlbumId!, artistIds: campaign.followArtist ? campaign.spotifyArtistIds : [] };
}

export function emptyResult(): BatchResult {
  return { claimed: 0, done: 0, failed: 0, revoked: 0, returned: 0, paused: null, notLive: false };
}

/** Notification and e-mail are idempotent (dedupe keys), so they go first and the mark last: a crash in between
 * repeats them harmlessly instead of losing the alert. One transaction, so neither is ever seen without the other. */
async function alertUnresolved(pool: DatabasePool, campaign: Campaign): Promise<void> {
  const dedupeKey = `release-unresolved:${campaign.id}`;
  const data = { campaignId: campaign.id, title: campaign.title };
  await pool.transaction(async (tx) => {
    await notifyAccount(tx, { accountId: campaign.accountId, kind: 'release_unresolved', data, dedupeKey });
    await queueEmail(tx, { accountId: campaign.accountId, template: 'release_unresolved', data, dedupeKey });
  });
  await markAlerted(pool, campaign.id);
}

/**
 * Whether the album read is the campaign's release: its UPC equals the campaign's (leading zeros aside: GTIN forms)
 * and, when the campaign also names an ISRC, that recording is on it. An ISRC-only campaign found it by that ISRC.
 */
async function carriesIdentifiers(
  token: string,
  album: SpotifyAlbum,
  campaign: Pick<Campaign, 'upc' | 'isrc'>,
  spotify: SpotifyClient,
): Promise<boolean> {
  if (campaign.upc && album.upc !== undefined && normaliseUpc(album.upc) !== normaliseUpc(campaign.upc)) return false;
  if (!campaign.upc || !campaign.isrc) return true;
  return (await spotify.albumIdsOfIsrc(token, campaign.isrc)).includes(album.id);
}

/**
 * Out somewhere on Earth: Spotify lists some albums ahead of their day; until the day has begun in the earliest
 * zone (UTC+14) the album is confirmed but not saveable. A year or month precision date counts as out.
 */
function isOut(album: SpotifyAlbum, now: number): boolean {
  if (!album.releaseDate || !/^\d{4}-\d{2}-\d{2}$/.test(album.releaseDate)) return true;
  const earliestToday = new Date(now + 14 * 3600_000).toISOString().slice(0, 10);
  return album.releaseDate <= earliestToday;
}

function normaliseUpc(upc: string): string {
  return upc.replace(/^0+/, '');
}
