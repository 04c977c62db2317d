// All activities, built once per worker process from injected dependencies. The provider clients come in with the
// deps; the shared rate limiter is made here from configuration, so every activity of the process shares them.
import { createAccountActivities } from './accounts';
import { createAnalyticsRollupActivities } from './analytics-rollup';
import { createAdCopyActivities } from './ad-copy';
import { createAdCampaignActivities } from './ad-campaigns';
import { type ActivityDeps } from './deps';
import { SharedRateLimiter } from './rate-limiter';
import { createSpotifyAccess } from './spotify-access';
import { createAccountDeletionActivities } from './account-deletion';
import { createBillingActivities } from './billing';
import { createAttributionActivities } from './attribution';
import { createConnectionActivities } from './connections';
import { createConversionActivities } from './conversions';
import { createDeletionActivities } from './deletion';
import { createGoogleConversionActivities } from './google-conversions';
import { createInstagramPostActivities } from './instagram-posts';
import { createInstagramInboxActivities } from './instagram-inbox';
import { createKeyRotationActivities } from './key-rotation';
import { createMailActivities } from './mail';
import { createMetaUserDeletionActivities } from './meta-user-deletion';
import { createReleaseActivities } from './release';
import { createReleaseHandoffActivities } from './release-handoffs';
import { createReleasePlanActivities } from './release-plan';
import { createReminderActivities } from './reminders';
import { createRetentionActivities } from './retention';
import { createStuckDetectionActivities } from './stuck-detection';

export function createActivities(deps: ActivityDeps) {
  const { config, pool } = deps;
  const { spotify } = deps.providers;
  const spotifyLimiter = new SharedRateLimiter(pool, `spotify:${config.SPOTIFY_CLIENT_ID}`, config.SPOTIFY_MAX_RPS);
  const spotifyAccess = createSpotifyAccess({ ...deps, spotify });
  // Apple limits per developer account (Team ID), apart from Spotify's: docs/providers/apple-music.md "Rate limits".
  const appleMusicLimiter = new SharedRateLimiter(
    pool,
    `apple_music:${config.APPLE_MUSIC_TEAM_ID ?? 'none'}`,
    config.APPLE_MUSIC_MAX_RPS,
  );
  return {
    ...createAccountActivities(deps),
    ...createReleaseActivities({ ...deps, spotify, spotifyLimiter, spotifyAccess, appleMusicLimiter }),
    // the same limiter as release day: one Spotify rate for the whole app
    ...createAttributionActivities({ ...deps, spotify, spotifyLimiter, spotifyAccess }),
    ...createReleaseHandoffActivities(deps),
    ...createRetentionActivities(deps),
    ...createAnalyticsRollupActivities(deps),
    ...createKeyRotationActivities(deps),
    ...createDeletionActivities(deps),
    ...createMetaUserDeletionActivities(deps),
    ...createAccountDeletionActivities(deps),
    ...createMailActivities(deps),
    ...createReminderActivities(deps),
    ...createInstagramPostActivities(deps),
    ...createInstagramInboxActivities(deps),
    ...createConnectionActivities(deps),
    ...createStuckDetectionActivities(deps),
    ...createConversionActivities(deps),
    ...createGoogleConversionActivities(deps),
    ...createAdCopyActivities(deps),
    ...createReleasePlanActivities(deps),
    ...createBillingActivities(deps),
    ...createAdCampaignActivities({ ...deps, spotifyAccess }),
  };
}

export type { ActivityDeps };
