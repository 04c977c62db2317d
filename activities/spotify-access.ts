// Spotify access shared by every activity of a worker process that acts for a campaign's fans (release day and the
// attribution backfill): fans' tokens refreshed just in time, a revoked fan handed to retention, and a token for
// catalogue look-ups (the app's own, cached, with a client secret; else one of the campaign's fans').
import { Context } from '@temporalio/activity';
import { recentPresaversWithActiveTokens } from '../db/presaves';
import { startFanRetention } from '../lib/starters/fan-retention';
import { type ActivityDeps } from './deps';
import { type SpotifyClient } from '../lib/providers/spotify';
import { createFanTokenSource, FanAccessLost } from './spotify-tokens';

export type SpotifyAccess = ReturnType<typeof createSpotifyAccess>;

export function createSpotifyAccess(deps: ActivityDeps & { spotify: SpotifyClient }) {
  const { pool, keyRing, spotify, config } = deps;
  const tokens = createFanTokenSource({
    pool,
    keyRing,
    spotify,
    // From an activity: start (or join) the fan's retention workflow on the worker's own client.
    onRevoked: async (fanId) => {
      await startFanRetention(Context.current().client, config.TEMPORAL_TASK_QUEUE, {
        fanId,
        revokedAt: Date.now(),
        engagementRetentionMs: config.REVOKED_ENGAGEMENT_RETENTION_SECONDS * 1000,
      });
    },
  });

  let appToken: { token: string; expiresAt: number } | null = null;
  async function appAccessToken(): Promise<string> {
    if (appToken && appToken.expiresAt > Date.now() + 60_000) return appToken.token;
    const t = await spotify.clientCredentials();
    appToken = { token: t.accessToken, expiresAt: Date.now() + t.expiresInSeconds * 1000 };
    return t.accessToken;
  }

  /** A token for catalogue look-ups: the app's own when we have a client secret, else one of the campaign's fans. */
  async function catalogToken(campaignId: string): Promise<string | null> {
    if (config.SPOTIFY_CLIENT_SECRET !== undefined) return appAccessToken();
    const fanIds = await recentPresaversWithActiveTokens(pool, campaignId, 3);
    for (const fanId of fanIds) {
      try {
        return await tokens.accessToken(fanId);
      } catch (error) {
        if (!(error instanceof FanAccessLost)) throw error;
      }
    }
    return null;
  }

  return { tokens, catalogToken };
}
