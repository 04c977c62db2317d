// Paid campaigns for a release: POST creates one on Meta or Google Ads through adCampaignWorkflow (everything
// created paused, launched at the release instant or the given start, paused at the end); GET lists them with
// their state, the provider objects, the last error the provider gave and the synced insight totals; cancel
// undoes (before launch) or pauses (after) through the workflow. The ad account travels in the body: Meta
// `adAccountId` + `pageId`, Google `customerId` (+ `loginCustomerId` for a manager) + `youtubeVideoId` (a YouTube
// Premiere campaign's video and countries default to its package's).
import { WorkflowNotFoundError } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import {
  type AdCampaign,
  approvedCopyVariant,
  deleteAdCampaign,
  findAdCampaign,
  insertAdCampaign,
  insightTotals,
  listAdCampaigns,
  listAdObjects,
  setAdCampaignState,
} from '../../db/ad-campaigns';
import { packageOfCampaign } from '../../db/billing';
import { type Campaign, findCampaign } from '../../db/campaigns';
import { listConnections } from '../../db/connections';
import { adCampaignWorkflowId, startAdCampaign } from '../../lib/starters/ad-campaign';
import { auth } from '../auth';
import { type AppDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { type CreateAdCampaignBody, createAdCampaignBody, uuidParam } from '../schemas';
import { YOUTUBE_PREMIERE } from '../../lib/billing/plans';
import { youtubeVideoIdOf } from '../../lib/youtube';
import { requirePlanFeature } from '../plan-gate';
import { parseBody, parseParams } from '../validation';

const adParams = z.object({ id: z.string().uuid(), adId: z.string().uuid() });
const LABEL = { meta: 'Meta', google: 'Google Ads' } as const;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const invalidBody = (path: string, message: string) =>
  new ApiError(400, 'validation_failed', 'invalid request body', [{ path, message }]);

export function adRoutes({ pool, config, temporal }: AppDeps): Router {
  const router = Router();

  /** `releaseAt`: the campaign's release instant, the launch when no start was given. */
  async function present(ad: AdCampaign, releaseAt: number) {
    const [objects, totals] = await Promise.all([listAdObjects(pool, ad.id), insightTotals(pool, ad.id)]);
    return {
      id: ad.id,
      campaignId: ad.campaignId,
      platform: ad.platform,
      state: ad.state,
      objective: ad.objective,
      budget: { amount: ad.budgetMinor, currency: ad.currency },
      countries: ad.countries,
      startAt: iso(ad.startAt),
      launchAt: iso(ad.startAt ?? releaseAt),
      endAt: iso(ad.endAt),
      copyVariantId: ad.copyVariantId,
      ...(ad.platform === 'meta'
        ? { adAccountId: `act_${ad.adAccountId}`, pageId: ad.pageId }
        : { customerId: ad.adAccountId, loginCustomerId: ad.loginCustomerId, youtubeVideoId: ad.youtubeVideoId }),
      objects: objects.map((o) => ({
        type: o.step,
        id: o.providerId,
        status: o.status,
        removed: o.removedAt !== null,
      })),
      lastError: ad.lastError,
      insights: {
        spend: { amount: totals.spendMinor, currency: ad.currency },
        impressions: totals.impressions,
        clicks: totals.clicks,
        conversions: totals.conversions,
        days: totals.days,
        syncedAt: iso(totals.syncedAt),
      },
      launchedAt: iso(ad.launchedAt),
      endedAt: iso(ad.endedAt),
      createdAt: iso(ad.createdAt),
    };
  }

  async function ownedCampaign(accountId: string, id: string) {
    const campaign = await findCampaign(pool, accountId, id);
    if (!campaign) throw notFound('campaign');
    return campaign;
  }

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

  router.post('/v1/campaigns/:id/ads', requirePlanFeature({ pool, config }, 'adAutomation'), async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const { accountId } = auth(res);
    const campaign = await ownedCampaign(accountId, id);
    const body = parseBody(createAdCampaignBody, req);
    if (campaign.status === 'cancelled') throw new ApiError(409, 'campaign_cancelled', 'this campaign is cancelled');

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
      await startAdCampaign(temporal, config.TEMPORAL_TASK_QUEUE, {
        adCampaignId: ad.id,
        platform: ad.platform,
        campaignId: campaign.id,
        accountId,
      });
    } catch (error) {
      await deleteAdCampaign(pool, ad.id); // nothing was created at the provider
      throw error;
    }
    res.status(202).json(await present(ad, campaign.releaseAt));
  });

  router.get('/v1/campaigns/:id/ads', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const campaign = await ownedCampaign(auth(res).accountId, id);
    const ads = await listAdCampaigns(pool, campaign.id);
    res.json({ items: await Promise.all(ads.map((ad) => present(ad, campaign.releaseAt))) });
  });

  router.post('/v1/campaigns/:id/ads/:adId/cancel', async (req, res) => {
    const { id, adId } = parseParams(adParams, req);
    const campaign = await ownedCampaign(auth(res).accountId, id);
    const ad = await findAdCampaign(pool, adId);
    if (!ad || ad.campaignId !== campaign.id) throw notFound('ad campaign');
    if (['ended', 'failed', 'cancelled'].includes(ad.state))
      throw new ApiError(
        409,
        'ad_campaign_finished',
        `this ad campaign already ${ad.state === 'ended' ? 'ended' : `is ${ad.state}`}`,
      );
    try {
      // The workflow undoes what it created (before launch) or pauses it (after), then records `cancelled`.
      await temporal.workflow.getHandle(adCampaignWorkflowId(ad.id)).cancel();
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      await setAdCampaignState(pool, ad.id, 'cancelled', { code: 'cancelled', message: 'cancelled' });
    }
    res
      .status(202)
      .json({ ...(await present((await findAdCampaign(pool, ad.id))!, campaign.releaseAt)), cancelRequested: true });
  });

  return router;
}
