// Creating one paid campaign for a release (POST /v1/campaigns/:id/ads, and accepting a release plan's ad item,
// api/release-plan-accept.ts): the checks (dates, connection, approved copy, Google's logo and targets), the row,
// and its adCampaignWorkflow. Every refusal is an ApiError and leaves nothing behind.
import {
  approvedCopyVariant,
  deleteAdCampaign,
  findAdCampaign,
  insertAdCampaign,
  type AdCampaign,
} from '../db/ad-campaigns';
import { packageOfCampaign } from '../db/billing';
import { type Campaign } from '../db/campaigns';
import { listConnections } from '../db/connections';
import { YOUTUBE_PREMIERE } from '../lib/billing/plans';
import { startAdCampaign } from '../lib/starters/ad-campaign';
import { youtubeVideoIdOf } from '../lib/youtube';
import { type AppDeps } from './deps';
import { ApiError } from './errors';
import { type CreateAdCampaignBody } from './schemas';

const LABEL = { meta: 'Meta', google: 'Google Ads' } as const;
const invalidBody = (path: string, message: string) =>
  new ApiError(400, 'validation_failed', 'invalid request body', [{ path, message }]);

export function createAdCampaigns({ pool, config, temporal }: Pick<AppDeps, 'pool' | 'config' | 'temporal'>) {
  /**
   * A Google ad's video and countries: as given, else what the campaign's YouTube Premiere package named at checkout.
   */
  async function googleTargets(
    campaign: Campaign,
    body: Extract<CreateAdCampaignBody, { platform: 'google' }>,
  ): Promise<{ youtubeVideoId: string; countries: string[] }> {
    const order = body.youtubeVideoId && body.countries ? null : await packageOfCampaign(pool, campaign.id);
    const premiere = order?.packageId === YOUTUBE_PREMIERE ? order : null;
    const youtubeVideoId = body.youtubeVideoId ?? (premiere?.youtubeUrl ? youtubeVideoIdOf(premiere.youtubeUrl) : null);
    const countries = body.countries ?? (premiere?.targetCountries.length ? premiere.targetCountries : null);
    const fromPackage = `required: this campaign's ${YOUTUBE_PREMIERE} package does not name`;
    if (!youtubeVideoId)
      throw invalidBody('youtubeVideoId', premiere ? `${fromPackage} a video` : 'required for Google ads');
    if (!countries) throw invalidBody('countries', premiere ? `${fromPackage} countries` : 'required');
    return { youtubeVideoId, countries };
  }

  const start = (ad: AdCampaign, campaign: Campaign, accountId: string) =>
    startAdCampaign(temporal, config.TEMPORAL_TASK_QUEUE, {
      adCampaignId: ad.id,
      platform: ad.platform,
      campaignId: campaign.id,
      accountId,
    });

  /**
   * `id`: chosen ahead by a caller that may ask twice for the same campaign (a release plan's accept finishing one
   * cut short): once the row exists under it, asking again only makes sure its workflow was started.
   */
  return async function createAdCampaign(
    accountId: string,
    campaign: Campaign,
    body: CreateAdCampaignBody,
    { id }: { id?: string } = {},
  ): Promise<AdCampaign> {
    const made = id ? await findAdCampaign(pool, id) : null;
    if (made && made.accountId === accountId) {
      await start(made, campaign, accountId);
      return made;
    }
    const startAt = body.startAt ? Date.parse(body.startAt) : undefined;
    const endAt = Date.parse(body.endAt);
    const launchAt = startAt ?? campaign.releaseAt;
    if (endAt <= Date.now()) throw invalidBody('endAt', 'must be in the future');
    if (endAt <= launchAt)
      throw invalidBody(
        'endAt',
        `must be after the launch (${body.startAt ? 'startAt' : `the release instant ${new Date(launchAt).toISOString()}`})`,
      );

    const google = body.platform === 'google' ? await googleTargets(campaign, body) : null;
    const connection = (await listConnections(pool, accountId)).find((c) => c.provider === body.platform);
    if (!connection || connection.status !== 'active') {
      throw new ApiError(
        409,
        'connection_required',
        connection
          ? `your ${LABEL[body.platform]} connection needs reconnecting (POST /v1/connections/${body.platform})`
          : `connect ${LABEL[body.platform]} first (POST /v1/connections/${body.platform})`,
        { platform: body.platform, connectionStatus: connection?.status ?? null },
      );
    }
    const copy = await approvedCopyVariant(pool, campaign.id, body.platform, body.copyVariantId);
    if (!copy) {
      throw new ApiError(
        409,
        'ad_copy_not_approved',
        body.copyVariantId
          ? `copy variant ${body.copyVariantId} is not an approved ${body.platform} variant of this campaign`
          : `no approved ${body.platform} ad copy for this campaign yet: request copy and approve a variant first`,
      );
    }

    if (body.platform === 'google' && !campaign.artworkUrl && !campaign.artistSpotifyId) {
      // The Demand Gen ad's logo is the release artwork once Spotify lists the release, before that the artist's
      // Spotify picture (activities/ad-logo.ts): with neither, Google would refuse the ad.
      throw new ApiError(
        409,
        'logo_image_required',
        "Google Demand Gen ads need a square logo: dropday uses the release artwork, which Spotify publishes with the release, or before that the artist's Spotify picture, but this campaign's artist has no Spotify artist id. Create the Google ads once the release is on Spotify, or for an artist created with its spotifyArtistId",
        { resolution: campaign.resolution, artistSpotifyId: null },
      );
    }

    const ad = await insertAdCampaign(pool, {
      id,
      campaignId: campaign.id,
      accountId,
      connectionId: connection.id,
      platform: body.platform,
      adAccountId: body.platform === 'meta' ? body.adAccountId : body.customerId,
      loginCustomerId: body.platform === 'google' ? body.loginCustomerId : undefined,
      pageId: body.platform === 'meta' ? body.pageId : undefined,
      youtubeVideoId: google?.youtubeVideoId,
      objective: body.objective,
      budgetMinor: body.budget.amount,
      currency: body.budget.currency,
      countries: google?.countries ?? body.countries!,
      startAt,
      endAt,
      copyVariantId: copy.id,
      landingUrl: `${config.PUBLIC_URL}/l/${campaign.slug}`,
    });
    try {
      await start(ad, campaign, accountId);
    } catch (error) {
      await deleteAdCampaign(pool, ad.id); // nothing was created at the provider
      throw error;
    }
    return ad;
  };
}
