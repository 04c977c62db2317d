// Which items of a release plan dropday runs when the plan is accepted, and why not the others: an ad campaign item
// becomes the same POST /v1/campaigns/:id/ads body (checked by its zod schema), the release-day post the same
// Instagram post body; reminders are automatic; everything else is the artist's checklist.
import { approvedCopyVariant } from '../db/ad-campaigns';
import { type Campaign } from '../db/campaigns';
import { listConnections } from '../db/connections';
import { type DatabasePool } from '../db/pool';
import { DAY_MS, type PlanItem } from '../lib/release-plan/items';
import { artworkSrc } from './pages/artwork-src';
import { createAdCampaignBody, type CreateAdCampaignBody, createInstagramPostBody } from './schemas';
import type { z } from 'zod';

export type ItemRun =
  | { runs: true; as: 'ad_campaign'; reason: string; body: CreateAdCampaignBody }
  | { runs: true; as: 'instagram_post'; reason: string; body: z.infer<typeof createInstagramPostBody> }
  | { runs: boolean; as: 'reminders' | 'task' | 'ad_campaign' | 'instagram_post'; reason: string; body?: undefined };

export interface RunContext {
  campaign: Campaign;
  currency: string;
  publicUrl: string;
  activeConnections: { id: string; provider: string }[];
  approvedCopy: { meta: boolean; google: boolean };
}

export async function runContext(
  pool: DatabasePool,
  accountId: string,
  campaign: Campaign,
  currency: string,
  publicUrl: string,
): Promise<RunContext> {
  const [connections, meta, google] = await Promise.all([
    listConnections(pool, accountId),
    approvedCopyVariant(pool, campaign.id, 'meta'),
    approvedCopyVariant(pool, campaign.id, 'google'),
  ]);
  return {
    campaign,
    currency,
    publicUrl,
    activeConnections: connections.filter((c) => c.status === 'active'),
    approvedCopy: { meta: meta !== null, google: google !== null },
  };
}

const LABEL = { meta: 'Meta', google: 'Google Ads' } as const;
const issuesOf = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');

function adRun(item: PlanItem, ctx: RunContext): ItemRun {
  const ad = item.ad!;
  const no = (reason: string): ItemRun => ({ runs: false, as: 'ad_campaign', reason });
  if (!ctx.activeConnections.some((c) => c.provider === ad.platform))
    return no(`connect ${LABEL[ad.platform]} and dropday creates this ad; until then it is yours to run`);
  if (!ctx.approvedCopy[ad.platform])
    return no(`approve ${LABEL[ad.platform]} ad copy for this campaign first (the ad runs with it)`);
  const at = (day: number) => new Date(ctx.campaign.releaseAt + day * DAY_MS).toISOString();
  const objective =
    ad.platform === 'meta'
      ? ad.objective === 'conversions'
        ? 'traffic'
        : ad.objective
      : ad.objective === 'conversions'
        ? 'conversions'
        : 'traffic';
  const ids =
    ad.platform === 'meta'
      ? { adAccountId: ad.adAccountId, pageId: ad.pageId }
      : { customerId: ad.customerId, youtubeVideoId: ad.youtubeVideoId };
  const parsed = createAdCampaignBody.safeParse({
    platform: ad.platform,
    budget: { amount: ad.budget, currency: ctx.currency },
    startAt: at(ad.startDay),
    endAt: at(ad.endDay),
    countries: ad.countries,
    objective,
    ...Object.fromEntries(Object.entries(ids).filter(([, v]) => v)),
  });
  if (!parsed.success) return no(`fill in what the ad needs: ${issuesOf(parsed.error)}`);
  return {
    runs: true,
    as: 'ad_campaign',
    reason: `dropday creates the ${LABEL[ad.platform]} campaign paused and launches it on its start day`,
    body: parsed.data,
  };
}

function postRun(item: PlanItem, ctx: RunContext): ItemRun {
  const no = (reason: string): ItemRun => ({ runs: false, as: 'instagram_post', reason });
  const connection = ctx.activeConnections.find((c) => c.provider === 'instagram');
  if (!connection)
    return no('connect an Instagram account and dropday publishes this post; until then post it yourself');
  const src = artworkSrc(ctx.campaign, 640);
  if (!src) return no('the campaign has no artwork yet: upload it and dropday publishes the post with it');
  const parsed = createInstagramPostBody.safeParse({
    connectionId: connection.id,
    media: { kind: 'image', imageUrl: `${ctx.publicUrl}${src}`, altText: `Cover of ${ctx.campaign.title}` },
    caption: item.text,
  });
  if (!parsed.success) return no(`Instagram cannot take this post: ${issuesOf(parsed.error)}`);
  return {
    runs: true,
    as: 'instagram_post',
    reason: 'dropday publishes it with the artwork at the release instant',
    body: parsed.data,
  };
}

export function itemRun(item: PlanItem, ctx: RunContext): ItemRun {
  switch (item.kind) {
    case 'ad_campaign':
      return adRun(item, ctx);
    case 'instagram_post':
      return postRun(item, ctx);
    case 'reminder':
      return { runs: true, as: 'reminders', reason: 'release-day reminders go out automatically to every subscriber' };
    case 'presave_push':
      return {
        runs: false,
        as: 'task',
        reason: 'dropday publishes Instagram posts at the release instant only: post this one yourself on its day',
      };
    default:
      return { runs: false, as: 'task', reason: 'a checklist entry: yours to do' };
  }
}
