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
  findAdCampaign,
  insightTotals,
  listAdCampaigns,
  listAdObjects,
  setAdCampaignState,
} from '../../db/ad-campaigns';
import { findCampaign } from '../../db/campaigns';
import { adCampaignWorkflowId } from '../../lib/starters/ad-campaign';
import { auth } from '../auth';
import { createAdCampaigns } from '../ad-campaign-create';
import { type AppDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { createAdCampaignBody, uuidParam } from '../schemas';
import { requirePlanFeature } from '../plan-gate';
import { parseBody, parseParams } from '../validation';

const adParams = z.object({ id: z.string().uuid(), adId: z.string().uuid() });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function adRoutes({ pool, config, temporal }: AppDeps): Router {
  const router = Router();
  const createAdCampaign = createAdCampaigns({ pool, config, temporal });

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

  router.post('/v1/campaigns/:id/ads', requirePlanFeature({ pool, config }, 'adAutomation'), async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const { accountId } = auth(res);
    const campaign = await ownedCampaign(accountId, id);
    const body = parseBody(createAdCampaignBody, req);
    if (campaign.status === 'cancelled') throw new ApiError(409, 'campaign_cancelled', 'this campaign is cancelled');

    const ad = await createAdCampaign(accountId, campaign, body);
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
