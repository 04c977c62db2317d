// The per-fan variant's one activity, built like the production worker's (same Spotify client, shared rate
// limiter and fan tokens) but registered only by the bench's own worker (./worker.ts).
import { Context } from '@temporalio/activity';
import { type ActivityDeps } from '../../activities/deps';
import { createPresaveDelivery } from '../../activities/presave-delivery';
import { SharedRateLimiter } from '../../activities/rate-limiter';
import {
  type BatchResult,
  claimTokenOf,
  emptyResult,
  holdPresaveClaim,
  leaseFor,
  loadReleaseCampaign,
  settle,
  targetOf,
} from '../../activities/release';
import { createSpotifyAccess } from '../../activities/spotify-access';
import { claimPresave } from '../../db/presaves';

export function createPerFanActivities(deps: ActivityDeps) {
  const { config, pool } = deps;
  const { spotify } = deps.providers;
  // The same limiter key as the production worker: one Spotify rate for the whole app.
  const limiter = new SharedRateLimiter(pool, `spotify:${config.SPOTIFY_CLIENT_ID}`, config.SPOTIFY_MAX_RPS);
  const { tokens } = createSpotifyAccess({ ...deps, spotify });
  const delivery = createPresaveDelivery({ config, spotify, limiter, tokens });

  return {
    /** Claims one pre-save by id and delivers it; Temporal retries what could not be delivered yet. */
    async deliverOnePresave(input: { presaveId: string }): Promise<BatchResult> {
      const ctx = Context.current();
      const claimToken = claimTokenOf(ctx.info);
      const result = emptyResult();
      const row = await claimPresave(pool, {
        id: input.presaveId,
        claimToken,
        leaseMs: leaseFor(ctx.info.heartbeatTimeoutMs),
      });
      if (!row) return result;
      result.claimed = 1;
      const releaseClaim = holdPresaveClaim(deps, claimToken, leaseFor(ctx.info.heartbeatTimeoutMs), () =>
        ctx.heartbeat(),
      );
      try {
        const campaign = await loadReleaseCampaign(pool, row.campaignId);
        if (!campaign.spotifyAlbumId) throw new Error('release not resolved yet'); // retried by Temporal
        const outcome = await delivery.deliver(
          row.fanId,
          targetOf(campaign),
          row.attempts > 1,
          () => ctx.heartbeat(),
          ctx.cancellationSignal,
        );
        await settle({ campaign, row, claimToken, outcome, result }, pool);
      } finally {
        releaseClaim();
      }
      if (result.returned > 0) throw new Error('pre-save not delivered yet'); // Temporal retries
      return result;
    },
  };
}
