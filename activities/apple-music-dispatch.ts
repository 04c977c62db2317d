// The release engine's hand-off to Apple Music delivery for one claimed row: the pre-add at consent (`preadded_at`)
// or an earlier attempt means the album may be there already, so it is read back before adding. Without an Apple
// Music key configured a row cannot be delivered: it is failed with that reason rather than retried for ever.
import { type Campaign } from '../db/campaigns';
import { createAppleMusicDelivery } from './apple-music-delivery';
import { type ActivityDeps } from './deps';
import { type DeliveryOutcome } from './presave-delivery';
import { type SharedRateLimiter } from './rate-limiter';

export function appleMusicDeliveryFor(deps: ActivityDeps & { appleMusicLimiter?: SharedRateLimiter }) {
  const appleMusic = deps.providers.appleMusic;
  const delivery =
    appleMusic && deps.appleMusicLimiter
      ? createAppleMusicDelivery({
          pool: deps.pool,
          keyRing: deps.keyRing,
          appleMusic,
          limiter: deps.appleMusicLimiter,
        })
      : null;
  return async (
    campaign: Campaign,
    row: { fanId: string; attempts: number; preadded?: boolean },
    heartbeat: () => void,
    signal: AbortSignal,
  ): Promise<DeliveryOutcome> => {
    if (!delivery) return { kind: 'failed', reason: 'not_configured', error: 'no Apple Music key is configured' };
    const mayBeThere = row.attempts > 1 || row.preadded === true;
    return delivery.deliver(campaign, { fanId: row.fanId, mayBeThere }, heartbeat, signal);
  };
}
