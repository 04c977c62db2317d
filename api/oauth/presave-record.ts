// What every platform's pre-save does once the fan and their token are stored: the pre-save row, the AUTH event,
// and a word to the release engine when its plan changes. The word is durable: it is queued (release_handoffs) in
// the pre-save's own transaction, so should the signal below never happen (the API dies, Temporal is away) the
// `release-handoffs` Schedule delivers it.
import { type Request } from 'express';
import { type Campaign } from '../../db/campaigns';
import { insertEvent } from '../../db/events';
import { upsertPresave, waveAlreadyPlanned } from '../../db/presaves';
import { deleteReleaseHandoff, queueReleaseHandoff } from '../../db/release-handoffs';
import { type AppDeps } from '../deps';
import { type Tracking } from '../tracking';

// Close to its wave a pre-save always signals, so one committed while the wave drains is not left behind.
const WAVE_MARGIN_MS = 10_000;

export async function recordPresave(
  deps: Pick<AppDeps, 'pool' | 'releaseEngine' | 'logger'>,
  tracking: Tracking,
  req: Request,
  input: { campaign: Campaign; fanId: string; platform: 'spotify' | 'apple_music' },
) {
  const { pool, releaseEngine, logger } = deps;
  const { campaign, fanId, platform } = input;
  // Tell the release engine when this pre-save changes its plan: a new zone's wave, or a fan whose wave is now
  // (delivered at once). Fans joining a wave already planned need no word, which keeps the history small.
  const { presave, handoffId } = await pool.transaction(async (tx) => {
    const row = await upsertPresave(tx, { campaignId: campaign.id, fanId, platform });
    const waveSoon = row.dueAt <= Date.now() + WAVE_MARGIN_MS;
    const tell = row.state === 'pending' && (waveSoon || !(await waveAlreadyPlanned(tx, { presaveId: row.id })));
    return {
      presave: row,
      handoffId: tell ? await queueReleaseHandoff(tx, { campaignId: campaign.id, dueAt: row.dueAt }) : null,
    };
  });
  await insertEvent(pool, {
    campaignId: campaign.id,
    fanId,
    type: 'AUTH',
    dedupeKey: `AUTH:${campaign.id}:${fanId}`,
    platform,
    ...tracking.clientDimensions(req),
  });
  if (handoffId) {
    try {
      await releaseEngine.presaveAdded(campaign, presave.dueAt);
      await deleteReleaseHandoff(pool, handoffId);
    } catch (error) {
      // Stored and queued: the release-handoffs Schedule signals it shortly, so the fan still gets their page.
      logger.warn(
        { err: error, campaignId: campaign.id },
        'release engine not signalled; left to the hand-off Schedule',
      );
    }
  }
  return presave;
}
