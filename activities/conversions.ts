// Sends the conversions outbox to Meta's Conversions API: batches of one artist's events, their pixel's token,
// marked sent in the same transaction. Events too old for Meta are dropped first (with the reason), never sent.
// Retrying is safe: a row is sent at most once per success, and Meta deduplicates on event_name + event_id anyway.
import { ApplicationFailure } from '@temporalio/common';
import {
  claimConversionBatch,
  conversionsAccessToken,
  deleteOldConversionRecords,
  dropStaleConversions,
  markConversionsFailed,
  markConversionsSent,
  noteConversionAttempt,
  type PendingConversion,
} from '../db/conversions';
import { type ActivityDeps } from './deps';
import { ProviderError } from '../lib/providers/errors';
import { type CapiServerEvent, type CapiUserData, MAX_EVENT_AGE_SECONDS } from '../lib/providers/meta-conversions';

/** Sent only while at least this much of the 7 days is left, so an event never reaches Meta just past the limit. */
const SEND_MARGIN_SECONDS = 60;
const BATCH_SIZE = 500;
const RECORD_RETENTION_DAYS = 90;
// The confirmation link of a sign-up lives 7 days (api/routes/subscribers.ts); a day more, then it never happened.
const HELD_DAYS = 8;

const serverEvent = (e: PendingConversion): CapiServerEvent => ({
  event_name: e.eventName,
  event_time: Math.floor(e.eventTime / 1000),
  event_id: e.eventId,
  action_source: 'website',
  event_source_url: e.eventSourceUrl,
  user_data: e.userData as unknown as CapiUserData,
});

export function createConversionActivities({ pool, keyRing, logger, providers }: ActivityDeps) {
  const meta = providers.metaConversions;

  return {
    async sendConversions(input: {
      maxBatches: number;
    }): Promise<{ sent: number; dropped: number; failed: number; waiting: number }> {
      const maxAge = MAX_EVENT_AGE_SECONDS - SEND_MARGIN_SECONDS;
      const counts = { sent: 0, dropped: await dropStaleConversions(pool, maxAge), failed: 0, waiting: 0 };
      await deleteOldConversionRecords(pool, RECORD_RETENTION_DAYS, HELD_DAYS);
      const skipArtists: string[] = []; // not again in this round
      let retryLater: string | null = null;
      for (let i = 0; i < input.maxBatches; i++) {
        const more = await pool.transaction(async (tx) => {
          const batch = await claimConversionBatch(tx, keyRing, {
            limit: BATCH_SIZE,
            skipArtists,
            minEventTime: Date.now() - maxAge * 1000,
          });
          if (batch.length === 0) return false;
          const { artistId, pixelId, testEventCode } = batch[0];
          const ids = batch.map((e) => e.id);
          skipArtists.push(artistId);
          const accessToken = await conversionsAccessToken(tx, keyRing, artistId);
          if (!accessToken) {
            await noteConversionAttempt(tx, ids, 'no access token: set one with the pixel, or connect Meta');
            counts.waiting += ids.length;
            return true;
          }
          try {
            const result = await meta.sendEvents({
              pixelId,
              accessToken,
              events: batch.map(serverEvent),
              testEventCode,
            });
            await markConversionsSent(tx, ids, result.fbtraceId);
            counts.sent += ids.length;
          } catch (error) {
            if (!(error instanceof ProviderError)) throw error;
            logger.warn({ pixelId, kind: error.kind, code: error.code }, 'Conversions API refused a batch');
            if (error.kind === 'invalid_request' || error.kind === 'not_found') {
              await markConversionsFailed(tx, ids, error.message);
              counts.failed += ids.length;
            } else {
              // A refused token waits for the artist to fix it; an outage or a throttle is retried. Both stay pending
              // until sent or seven days old.
              await noteConversionAttempt(tx, ids, error.message);
              counts.waiting += ids.length;
              if (error.kind !== 'token_invalid') retryLater = error.message;
            }
          }
          return true;
        });
        if (!more) break;
      }
      if (retryLater)
        throw ApplicationFailure.retryable(
          `Conversions API unavailable, retrying: ${retryLater}`,
          'ConversionsUnavailable',
        );
      return counts;
    },
  };
}
