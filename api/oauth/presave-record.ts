// What every platform's pre-save does once the fan has authorized: in one transaction, the fan and their encrypted
// token (the caller's step), the pre-save row, the AUTH event and, when its plan changes, the word to the release
// engine; and, when the fan ticked it, their forever-save with the artist (docs/forever-save.md), with the words they
// were shown. For a Spotify fan new to us who ticked no forever-save (most fans on release day) one statement
// writes the same rows instead (db/presave-capture.ts): one round trip. The word is durable: it is queued
// (release_handoffs) in that same commit, so should the signal below never happen (the API dies, Temporal is away)
// the `release-handoffs` Schedule delivers it.
import { type Request } from 'express';
import { type DatabaseTransactionConnection } from 'slonik';
import { type Campaign } from '../../db/campaigns';
import { insertEvent } from '../../db/events';
import { type ConsentingFan, storeConsentedFan } from '../../db/fans';
import { recordNewFanPresave } from '../../db/presave-capture';
import { startForeverSave } from '../../db/forever-saves';
import { upsertPresave } from '../../db/presaves';
import { deleteReleaseHandoff, queueReleaseHandoff } from '../../db/release-handoffs';
import { type AppDeps } from '../deps';
import { foreverSaveConsentVersion, foreverSaveText } from '../../lib/forever-save-text';
import { languageOr } from '../../lib/i18n';
import { type Tracking } from '../tracking';

// Close to its wave a pre-save always signals, so one committed while the wave drains is not left behind.
const WAVE_MARGIN_MS = 10_000;

export async function recordPresave(
  deps: Pick<AppDeps, 'pool' | 'releaseEngine' | 'logger' | 'keyRing'>,
  tracking: Tracking,
  req: Request,
  input: {
    campaign: Campaign;
    platform: 'spotify' | 'apple_music';
    /** the fan's language: their pre-save's messages (a re-consent nudge) are in it */
    lang?: string | null;
    /**
     * The fan: a Spotify consent (the fan and their tokens: for a fan new to us the whole pre-save is one statement,
     * db/presave-capture.ts), or how another platform stores its fan and token in the pre-save's transaction
     * (resolves to the fan's id).
     */
    fan: { spotify: ConsentingFan } | { store: (tx: DatabaseTransactionConnection) => Promise<string> };
    /** the page's "also save this artist's next releases" box was ticked */
    foreverSave?: boolean;
  },
) {
  const { pool, releaseEngine, logger, keyRing } = deps;
  const { campaign, platform, fan } = input;
  const spotifyFan = 'spotify' in fan ? fan.spotify : null;
  // Tell the release engine when this pre-save changes its plan: a new zone's wave, or a fan whose wave is now
  // (delivered at once). Fans joining a wave already planned need no word, which keeps the history small.
  const newFan =
    spotifyFan && !input.foreverSave
      ? await recordNewFanPresave(pool, keyRing, {
          fan: spotifyFan,
          campaignId: campaign.id,
          platform,
          lang: input.lang ?? null,
          auth: tracking.clientDimensions(req),
          tellIfDueBefore: Date.now() + WAVE_MARGIN_MS,
        })
      : null;
  const { fanId, presave, handoffId } =
    newFan ??
    (await pool.transaction(async (tx) => {
      const id = await ('store' in fan ? fan.store(tx) : storeConsentedFan(tx, keyRing, fan.spotify));
      const row = await upsertPresave(tx, { campaignId: campaign.id, fanId: id, platform, lang: input.lang ?? null });
      if (input.foreverSave) {
        await startForeverSave(tx, {
          fanId: id,
          artistId: campaign.artistId,
          campaignId: campaign.id,
          // the words the fan saw, in the language of their page
          consentVersion: foreverSaveConsentVersion(languageOr(input.lang)),
          consentText: foreverSaveText(languageOr(input.lang)).consent({ artist: campaign.artistName }),
        });
      }
      const waveSoon = row.dueAt <= Date.now() + WAVE_MARGIN_MS;
      const tell = row.state === 'pending' && (waveSoon || !row.wavePlanned);
      await insertEvent(tx, {
        campaignId: campaign.id,
        fanId: id,
        type: 'AUTH',
        dedupeKey: `AUTH:${campaign.id}:${id}`,
        platform,
        ...tracking.clientDimensions(req),
      });
      return {
        fanId: id,
        presave: row,
        handoffId: tell ? await queueReleaseHandoff(tx, { campaignId: campaign.id, dueAt: row.dueAt }) : null,
      };
    }));
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
  return { fanId, presave };
}
