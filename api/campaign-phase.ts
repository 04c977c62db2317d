// Where a campaign's delivery stands, as the campaign page shows it, from the campaign row and its pre-saves'
// counts (the same database reads as /v1). campaigns.status alone cannot say it: a release stays "releasing" until
// the last time zone's midnight has passed (closesAt), hours after its fans were all delivered.
import { type Campaign } from '../db/campaigns';
import { type PresaveProgress } from '../db/presaves';

export type CampaignPhase = 'countdown' | 'waiting_for_live' | 'delivering' | 'delivered' | 'cancelled';

/** The page's phase at `now`. */
export function campaignPhase(
  c: Pick<Campaign, 'status' | 'resolution' | 'releaseAt'>,
  progress: Pick<PresaveProgress, 'pending' | 'dueNow'>,
  now: number,
): CampaignPhase {
  if (c.status === 'cancelled') return 'cancelled';
  if (c.status === 'completed') return 'delivered';
  if (progress.dueNow > 0) return c.resolution === 'live' ? 'delivering' : 'waiting_for_live';
  if (progress.pending > 0) return c.status === 'releasing' ? 'delivering' : 'countdown';
  return now >= c.releaseAt ? 'delivered' : 'countdown';
}

/** The estimated ms until the due pre-saves are delivered, at the pace of the last `windowMs`; null before any. */
export function deliveryEtaMs(dueNow: number, deliveredInWindow: number, windowMs: number): number | null {
  if (dueNow === 0) return 0;
  if (deliveredInWindow === 0) return null;
  return Math.round((dueNow * windowMs) / deliveredInWindow);
}
