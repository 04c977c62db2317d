// The steps of adCampaignWorkflow (workflows/ad-campaign.ts) and the insights sync. Every step is idempotent: an
// object already recorded in ad_objects is returned as it is, and before creating one the provider is asked for an
// object with the step's deterministic name (a retry after an unknown outcome finds what the first attempt made).
// Provider errors are classified once, here: token → connection needs_reconnect, non-retryable; throttled →
// retried after the provider's hint (nextRetryDelay); invalid → non-retryable with the provider's message kept in
// ad_campaigns.last_error for the artist; transient → retried with the workflow's backoff.
import { ApplicationFailure } from '@temporalio/common';
import {
  type AdCampaign,
  type AdStep,
  adCampaignsToSync,
  copyVariantById,
  findAdCampaign,
  findAdObject,
  markAdObjectRemoved,
  recordAdError,
  recordAdObject,
  setAdCampaignState,
  setAdObjectStatus,
  upsertInsights,
  type AdState,
  type DailyInsight,
} from '../db/ad-campaigns';
import { type Campaign, findCampaignById } from '../db/campaigns';
import { activeAccessToken } from '../db/connections';
import { majorToMinor, microsToMinor, minorToMicros } from '../lib/currency';
import { connectionNeedsReconnect, createConnectionActivities } from './connections';
import { createAdLogos } from './ad-logo';
import { type ActivityDeps } from './deps';
import { createSpotifyAccess, type SpotifyAccess } from './spotify-access';
import { ProviderError } from '../lib/providers/errors';
import { type AdsService, type GoogleAdsAccount } from '../lib/providers/google-ads';
import { type MetaEdge } from '../lib/providers/meta-marketing';

const META_EDGE: Partial<Record<AdStep, MetaEdge>> = {
  campaign: 'campaigns',
  adset: 'adsets',
  creative: 'adcreatives',
  ad: 'ads',
};
const GOOGLE_SERVICE: Partial<Record<AdStep, AdsService>> = {
  budget: 'campaignBudgets',
  campaign: 'campaigns',
  ad_group: 'adGroups',
  ad: 'adGroupAds',
};
const GOOGLE_RESOURCE: Partial<Record<AdStep, string>> = {
  budget: 'campaign_budget',
  campaign: 'campaign',
  ad_group: 'ad_group',
  ad: 'ad_group_ad',
};

/** dropday's objective → Meta's outcome objective and the ad set's optimisation goal. */
export const META_OBJECTIVES = {
  traffic: { objective: 'OUTCOME_TRAFFIC', optimizationGoal: 'LINK_CLICKS' },
  awareness: { objective: 'OUTCOME_AWARENESS', optimizationGoal: 'REACH' },
  engagement: { objective: 'OUTCOME_ENGAGEMENT', optimizationGoal: 'POST_ENGAGEMENT' },
} as const;
/** dropday's objective → a Demand Gen bidding strategy. */
export const GOOGLE_OBJECTIVES = {
  traffic: { targetSpend: {} }, // maximise clicks
  conversions: { maximizeConversions: {} },
} as const;

const LABEL = { meta: 'Meta', google: 'Google Ads' } as const;

const objectName = (adCampaignId: string, step: AdStep) => `dropday:${adCampaignId}:${step}`;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** `spotifyAccess`: the worker's shared one (its cached app token), else one of its own. */
export function createAdCampaignActivities(deps: ActivityDeps & { spotifyAccess?: SpotifyAccess }) {
  const { pool, keyRing, logger } = deps;
  const { metaMarketing: meta, googleAds: google, spotify } = deps.providers;
  const connections = createConnectionActivities(deps);
  const logos = createAdLogos({
    ...deps,
    spotifyAccess: deps.spotifyAccess ?? createSpotifyAccess({ ...deps, spotify }),
  });

  async function load(adCampaignId: string): Promise<AdCampaign> {
    const ad = await findAdCampaign(pool, adCampaignId);
    if (!ad) throw ApplicationFailure.nonRetryable(`ad campaign ${adCampaignId} not found`, 'AdCampaignMissing');
    return ad;
  }

  async function accessToken(ad: AdCampaign, step: string): Promise<string> {
    const token = ad.connectionId ? await activeAccessToken(pool, keyRing, ad.connectionId) : null;
    if (token) return token;
    const message = `Your ${LABEL[ad.platform]} connection is not active. Reconnect it, then create the ads again.`;
    await recordAdError(pool, ad.id, { code: 'connection_needs_reconnect', message, step });
    throw ApplicationFailure.create({ message, type: 'AdConnectionNeedsReconnect', nonRetryable: true });
  }

  /** What a classified provider error means for the workflow (and what the artist is told). */
  async function failureFor(ad: AdCampaign, step: string, error: ProviderError): Promise<ApplicationFailure> {
    const label = LABEL[ad.platform];
    switch (error.kind) {
      case 'token_invalid': {
        if (ad.connectionId) await connectionNeedsReconnect(pool, ad.connectionId);
        const message = `${label} no longer accepts dropday's access to your account. Reconnect ${label}, then create the ads again.`;
        await recordAdError(pool, ad.id, { code: 'connection_needs_reconnect', message, step });
        return ApplicationFailure.create({
          message,
          type: 'AdConnectionNeedsReconnect',
          nonRetryable: true,
          details: [{ providerCode: error.detail.code }],
        });
      }
      case 'rate_limited':
        return ApplicationFailure.create({
          message: `${label} asked us to slow down: ${error.message}`,
          type: 'AdProviderThrottled',
          nextRetryDelay: error.detail.retryAfterMs,
        });
      case 'invalid_request':
      case 'not_found': {
        const message = error.detail.userMessage ?? error.message;
        await recordAdError(pool, ad.id, { code: 'provider_rejected', message, step });
        return ApplicationFailure.create({
          message,
          type: 'AdRejectedByProvider',
          nonRetryable: true,
          details: [{ providerCode: error.detail.code }],
        });
      }
      default:
        return ApplicationFailure.create({ message: `${label}: ${error.message}`, type: 'AdProviderUnavailable' });
    }
  }

  /** One provider call with the artist's token. Google's hourly access token may have run out just before the
   * connection workflow renewed it: a token error refreshes once and tries again. */
  async function withProvider<T>(ad: AdCampaign, step: string, call: (token: string) => Promise<T>): Promise<T> {
    let token = await accessToken(ad, step);
    for (let attempt = 0; ; attempt++) {
      try {
        return await call(token);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        if (error.kind === 'token_invalid' && ad.platform === 'google' && attempt === 0 && ad.connectionId) {
          const outcome = await connections.refreshConnection({ connectionId: ad.connectionId });
          if (outcome === 'refreshed') {
            token = await accessToken(ad, step);
            continue;
          }
        }
        throw await failureFor(ad, step, error);
      }
    }
  }

  async function launchInstant(ad: AdCampaign): Promise<number> {
    if (ad.startAt !== null) return ad.startAt;
    const campaign = await findCampaignById(pool, ad.campaignId);
    if (!campaign) throw ApplicationFailure.nonRetryable('the release campaign is gone', 'AdCampaignMissing');
    return campaign.releaseAt;
  }

  async function providerIdOf(ad: AdCampaign, step: AdStep): Promise<string> {
    const o = await findAdObject(pool, ad.id, step);
    if (!o)
      throw ApplicationFailure.nonRetryable(`the ${step} of ad campaign ${ad.id} was not created`, 'AdStepOutOfOrder');
    return o.providerId;
  }

  async function copyOf(ad: AdCampaign) {
    const copy = await copyVariantById(pool, ad.copyVariantId);
    if (!copy) throw ApplicationFailure.nonRetryable('the approved ad copy is gone', 'AdCopyMissing');
    return copy;
  }

  async function createOnMeta(ad: AdCampaign, step: AdStep, token: string): Promise<string> {
    const edge = META_EDGE[step]!;
    const name = objectName(ad.id, step);
    const existing = await meta.findByName(token, ad.adAccountId, edge, name);
    if (existing) return existing;
    const goal = META_OBJECTIVES[ad.objective as keyof typeof META_OBJECTIVES];
    switch (step) {
      case 'campaign':
        return meta.create(token, ad.adAccountId, edge, {
          name,
          objective: goal.objective,
          status: 'PAUSED',
          special_ad_categories: [],
        });
      case 'adset': {
        // No start_time: the ad set starts when we activate it at the launch instant, which may still move.
        return meta.create(token, ad.adAccountId, edge, {
          name,
          campaign_id: await providerIdOf(ad, 'campaign'),
          lifetime_budget: ad.budgetMinor, // the account currency's minimum unit
          billing_event: 'IMPRESSIONS',
          optimization_goal: goal.optimizationGoal,
          bid_strategy: 'LOWEST_COST_WITHOUT_CAP',
          targeting: { geo_locations: { countries: ad.countries }, age_min: 18 },
          end_time: new Date(ad.endAt).toISOString(),
          status: 'PAUSED',
        });
      }
      case 'creative': {
        const copy = await copyOf(ad);
        return meta.create(token, ad.adAccountId, edge, {
          name,
          object_story_spec: {
            page_id: ad.pageId,
            link_data: {
              link: ad.landingUrl,
              message: copy.primaryText,
              name: copy.headline,
              description: copy.description,
              call_to_action: { type: 'LISTEN_NOW', value: { link: ad.landingUrl } },
            },
          },
        });
      }
      case 'ad':
        return meta.create(token, ad.adAccountId, edge, {
          name,
          adset_id: await providerIdOf(ad, 'adset'),
          creative: { creative_id: await providerIdOf(ad, 'creative') },
          status: 'PAUSED',
        });
      default:
        throw ApplicationFailure.nonRetryable(`Meta has no ${step} step`, 'AdStepUnknown');
    }
  }

  /** The campaign's location criteria, one per country (Google's country constants looked up by ISO code). */
  async function targetCountries(account: GoogleAdsAccount, ad: AdCampaign): Promise<string> {
    const campaign = await providerIdOf(ad, 'campaign');
    const existing = await google.findAll(
      account,
      'campaignCriterion',
      `SELECT campaign_criterion.resource_name FROM campaign_criterion WHERE campaign.resource_name = '${campaign}'`,
    );
    if (existing.length) return existing.join(',');
    const list = ad.countries.map((c) => `'${c}'`).join(', ');
    const places = await google.findAll(
      account,
      'geoTargetConstant',
      `SELECT geo_target_constant.resource_name FROM geo_target_constant WHERE geo_target_constant.country_code IN (${list}) AND geo_target_constant.target_type = 'Country'`,
    );
    if (places.length !== ad.countries.length) {
      throw new ProviderError('google', 'invalid_request', 'unknown country', {
        code: 'geo_target_not_found',
        userMessage: `Google Ads does not know every country of ${ad.countries.join(', ')}.`,
      });
    }
    const criteria = await google.mutate(
      account,
      'campaignCriteria',
      places.map((geoTargetConstant) => ({ create: { campaign, location: { geoTargetConstant } } })),
    );
    return criteria.join(',');
  }

  /** The object an earlier attempt of `step` made (by its deterministic name; an ad by its ad group), if any. */
  async function findOnGoogle(account: GoogleAdsAccount, ad: AdCampaign, step: AdStep): Promise<string | null> {
    const resource = GOOGLE_RESOURCE[step]!;
    const lookup =
      step === 'ad'
        ? `SELECT ad_group_ad.resource_name FROM ad_group_ad WHERE ad_group.resource_name = '${await providerIdOf(ad, 'ad_group')}'`
        : `SELECT ${resource}.resource_name FROM ${resource} WHERE ${resource}.name = '${objectName(ad.id, step)}'`;
    return google.findOne(
      account,
      resource.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
      lookup,
    );
  }

  /** The ad's square logo (see ad-logo.ts) as an image asset, found by its name when an earlier attempt made it, so a
   * retry keeps the image it chose even if the release artwork has appeared since. */
  async function logoAsset(account: GoogleAdsAccount, ad: AdCampaign, campaign: Campaign): Promise<string> {
    const name = objectName(ad.id, 'ad') + ':logo';
    const existing = await google.findOne(
      account,
      'asset',
      `SELECT asset.resource_name FROM asset WHERE asset.name = '${name}'`,
    );
    if (existing) return existing;
    const logo = await logos.logoImage(ad, campaign);
    const asset = await google.create(account, 'assets', {
      name,
      type: 'IMAGE',
      imageAsset: { data: logo.bytes.toString('base64') },
    });
    logger.info({ adCampaignId: ad.id, logoSource: logo.source, asset }, 'google ad logo created');
    return asset;
  }

  async function createOnGoogle(ad: AdCampaign, step: AdStep, token: string): Promise<string> {
    const account: GoogleAdsAccount = {
      accessToken: token,
      customerId: ad.adAccountId,
      loginCustomerId: ad.loginCustomerId,
    };
    if (step === 'targeting') return targetCountries(account, ad);
    const name = objectName(ad.id, step);
    const existing = await findOnGoogle(account, ad, step);
    if (existing) return existing;
    switch (step) {
      case 'budget': {
        // Google budgets are daily: the flight's total spread over its days.
        const days = Math.max(1, Math.ceil((ad.endAt - Math.max(await launchInstant(ad), Date.now())) / 86_400_000));
        const dailyMinor = Math.max(1, Math.floor(ad.budgetMinor / days));
        return google.create(account, 'campaignBudgets', {
          name,
          amountMicros: String(minorToMicros(dailyMinor, ad.currency)),
          deliveryMethod: 'STANDARD',
          explicitlyShared: false,
        });
      }
      case 'campaign':
        return google.create(account, 'campaigns', {
          name,
          status: 'PAUSED',
          advertisingChannelType: 'DEMAND_GEN',
          campaignBudget: await providerIdOf(ad, 'budget'),
          containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
          ...GOOGLE_OBJECTIVES[ad.objective as keyof typeof GOOGLE_OBJECTIVES],
        });
      case 'ad_group':
        return google.create(account, 'adGroups', {
          name,
          campaign: await providerIdOf(ad, 'campaign'),
          status: 'PAUSED',
        });
      case 'ad': {
        const copy = await copyOf(ad);
        const campaign = await findCampaignById(pool, ad.campaignId);
        if (!campaign) throw ApplicationFailure.nonRetryable('the release campaign is gone', 'AdCampaignMissing');
        const videoQuery = `SELECT asset.resource_name FROM asset WHERE asset.youtube_video_asset.youtube_video_id = '${ad.youtubeVideoId}'`;
        const video =
          (await google.findOne(account, 'asset', videoQuery)) ??
          (await google.create(account, 'assets', {
            name: `dropday video ${ad.youtubeVideoId}`,
            youtubeVideoAsset: { youtubeVideoId: ad.youtubeVideoId },
          }));
        const logo = await logoAsset(account, ad, campaign);
        return google.create(account, 'adGroupAds', {
          adGroup: await providerIdOf(ad, 'ad_group'),
          status: 'PAUSED',
          ad: {
            name,
            finalUrls: [ad.landingUrl],
            demandGenVideoResponsiveAd: {
              headlines: [{ text: copy.headline }],
              longHeadlines: [{ text: copy.primaryText }],
              descriptions: [{ text: copy.description }],
              videos: [{ asset: video }],
              logoImages: [{ asset: logo }],
              businessName: { text: campaign.artistName.slice(0, 25) },
            },
          },
        });
      }
      default:
        throw ApplicationFailure.nonRetryable(`Google Ads has no ${step} step`, 'AdStepUnknown');
    }
  }

  return {
    /** When to launch (the start given, else the release instant) and when to stop. */
    async adSchedule(input: { adCampaignId: string }): Promise<{ launchAt: number; endAt: number }> {
      const ad = await load(input.adCampaignId);
      return { launchAt: await launchInstant(ad), endAt: ad.endAt };
    },

    /** Creates one object PAUSED (or finds the one an earlier attempt made) and records it. */
    async createAdObject(input: { adCampaignId: string; step: AdStep }): Promise<{ providerId: string }> {
      const recorded = await findAdObject(pool, input.adCampaignId, input.step);
      if (recorded) return { providerId: recorded.providerId };
      const ad = await load(input.adCampaignId);
      const providerId = await withProvider(ad, input.step, (token) =>
        ad.platform === 'meta' ? createOnMeta(ad, input.step, token) : createOnGoogle(ad, input.step, token),
      );
      await recordAdObject(pool, ad.id, input.step, providerId);
      return { providerId };
    },

    /** Compensation: deletes (Meta) or removes (Google) one created object; nothing recorded or already gone is fine.
     * `createInFlight`: this step's create was cancelled or given up on, so it may have made the object without
     * recording it (e.g. an attempt that created it and then lost the answer, cancelled while its retry waited):
     * the provider is asked for the object by its name, and one found is recorded and removed like the others. */
    async removeAdObject(input: {
      adCampaignId: string;
      step: AdStep;
      createInFlight?: boolean;
    }): Promise<'removed' | 'nothing'> {
      let o = await findAdObject(pool, input.adCampaignId, input.step);
      if (o?.removedAt) return 'nothing';
      if (!o && (!input.createInFlight || input.step === 'targeting')) return 'nothing'; // criteria go with their campaign
      const ad = await load(input.adCampaignId);
      if (!o) {
        const found = await withProvider(ad, `undo ${input.step}`, (token) =>
          ad.platform === 'meta'
            ? meta.findByName(token, ad.adAccountId, META_EDGE[input.step]!, objectName(ad.id, input.step))
            : findOnGoogle(
                { accessToken: token, customerId: ad.adAccountId, loginCustomerId: ad.loginCustomerId },
                ad,
                input.step,
              ),
        );
        if (!found) return 'nothing';
        await recordAdObject(pool, ad.id, input.step, found);
        o = (await findAdObject(pool, ad.id, input.step))!;
      }
      const { providerId } = o;
      if (input.step === 'targeting') {
        // Criteria belong to their campaign and go with it.
        await markAdObjectRemoved(pool, ad.id, input.step);
        return 'removed';
      }
      await withProvider(ad, `undo ${input.step}`, async (token) => {
        if (ad.platform === 'meta') return meta.remove(token, providerId);
        // A Google ad's video and logo assets stay: assets cannot be removed, and they are harmless.
        return google.remove(
          { accessToken: token, customerId: ad.adAccountId, loginCustomerId: ad.loginCustomerId },
          GOOGLE_SERVICE[input.step]!,
          providerId,
        );
      });
      await markAdObjectRemoved(pool, ad.id, input.step);
      return 'removed';
    },

    /** Launch (children first, so everything starts together) or pause (the campaign stops all of it). */
    async setAdDelivery(input: { adCampaignId: string; deliver: boolean }): Promise<void> {
      const ad = await load(input.adCampaignId);
      const steps: AdStep[] = input.deliver
        ? ad.platform === 'meta'
          ? ['ad', 'adset', 'campaign']
          : ['ad', 'ad_group', 'campaign']
        : ['campaign'];
      for (const step of steps) {
        const id = await providerIdOf(ad, step);
        const status =
          ad.platform === 'meta' ? (input.deliver ? 'ACTIVE' : 'PAUSED') : input.deliver ? 'ENABLED' : 'PAUSED';
        await withProvider(ad, input.deliver ? 'launch' : 'pause', (token) =>
          ad.platform === 'meta'
            ? meta.setStatus(token, id, status as 'ACTIVE' | 'PAUSED')
            : google.setStatus(
                { accessToken: token, customerId: ad.adAccountId, loginCustomerId: ad.loginCustomerId },
                GOOGLE_SERVICE[step]!,
                id,
                status as 'ENABLED' | 'PAUSED',
              ),
        );
        await setAdObjectStatus(pool, ad.id, step, status);
      }
    },

    async recordAdCampaignState(input: {
      adCampaignId: string;
      state: AdState;
      error?: { code: string; message: string };
    }): Promise<void> {
      await setAdCampaignState(pool, input.adCampaignId, input.state, input.error);
    },

    async adCampaignsToSync(): Promise<readonly string[]> {
      return adCampaignsToSync(pool);
    },

    /** Daily spend, impressions, clicks and conversions since launch, upserted per day. */
    async syncAdCampaignInsights(input: { adCampaignId: string }): Promise<{ days: number }> {
      const ad = await load(input.adCampaignId);
      const campaign = await findAdObject(pool, ad.id, 'campaign');
      if (!campaign || ad.launchedAt === null) return { days: 0 };
      const since = isoDate(ad.launchedAt - 86_400_000); // the account's day may start before ours
      const until = isoDate(Date.now() + 86_400_000);
      const rows: DailyInsight[] = await withProvider(ad, 'insights', async (token) => {
        if (ad.platform === 'meta') {
          const daily = await meta.dailyInsights(token, campaign.providerId, since, until);
          return daily.map((d) => ({
            date: d.date,
            spendMinor: majorToMinor(d.spend, ad.currency),
            impressions: d.impressions,
            clicks: d.clicks,
            conversions: d.conversions,
          }));
        }
        const daily = await google.campaignDailyMetrics(
          { accessToken: token, customerId: ad.adAccountId, loginCustomerId: ad.loginCustomerId },
          campaign.providerId,
          since,
          until,
        );
        return daily.map((d) => ({
          date: d.date,
          spendMinor: microsToMinor(d.costMicros, ad.currency),
          impressions: d.impressions,
          clicks: d.clicks,
          conversions: d.conversions,
        }));
      });
      await upsertInsights(pool, ad.id, rows);
      return { days: rows.length };
    },
  };
}
