// Sends the Google conversions outbox: each artist's due click conversions in one uploadClickConversions request
// to the customer of their conversion action, with the account's Google connection, marked in the same
// transaction. Google answers per conversion (partial failure): a conversion it already has is sent, one whose
// click is too recent waits six hours, any other refusal is failed with Google's reason for the artist.
import { ApplicationFailure } from '@temporalio/common';
import { type DatabaseTransactionConnection } from 'slonik';
import { activeAccessToken } from '../db/connections';
import {
  claimGoogleConversionBatch,
  expireGoogleClickConversions,
  googleConversionDestination,
  markGoogleConversionFailed,
  markGoogleConversionsSent,
  noteGoogleConversionAttempt,
  type PendingGoogleConversion,
} from '../db/google-conversions';
import { ProviderError } from '../lib/providers/errors';
import { type ClickConversionOutcome, type GoogleAdsAccount } from '../lib/providers/google-ads';
import { createConnectionActivities } from './connections';
import { type ActivityDeps } from './deps';

const BATCH_SIZE = 2000; // Google's most per request
// The confirmation link of a sign-up lives 7 days (api/routes/subscribers.ts); a day more, then it never happened.
const HELD_DAYS = 8;
const MAX_AGE_DAYS = 90; // the longest click-through window Google offers
const RECORD_RETENTION_DAYS = 90;
const WAIT_FOR_ARTIST_SECONDS = 3600;
// conversionUploadError values that mean "later": Google has not processed the click or the new action yet.
const TOO_RECENT = new Set([
  'conversionUploadError.TOO_RECENT_EVENT',
  'conversionUploadError.TOO_RECENT_CONVERSION_ACTION',
]);
const TOO_RECENT_WAIT_SECONDS = 6 * 3600;
// Already recorded: an earlier attempt landed without our hearing the answer.
const ALREADY_THERE = 'conversionUploadError.CLICK_CONVERSION_ALREADY_EXISTS';

export function createGoogleConversionActivities(deps: ActivityDeps) {
  const { pool, keyRing, logger, providers } = deps;
  const connections = createConnectionActivities(deps);

  return {
    async sendGoogleClickConversions(input: {
      maxBatches: number;
    }): Promise<{ sent: number; dropped: number; failed: number; waiting: number }> {
      const expired = await expireGoogleClickConversions(pool, {
        heldDays: HELD_DAYS,
        maxAgeDays: MAX_AGE_DAYS,
        recordDays: RECORD_RETENTION_DAYS,
      });
      const counts = { sent: 0, dropped: expired.dropped, failed: 0, waiting: 0 };
      const skipArtists: string[] = [];
      const refreshed = new Set<string>(); // connections refreshed in this round
      let retryLater: string | null = null;
      for (let i = 0; i < input.maxBatches; i++) {
        let toRefresh: { artistId: string; connectionId: string } | null = null;
        const more = await pool.transaction(async (tx) => {
          const batch = await claimGoogleConversionBatch(tx, keyRing, { limit: BATCH_SIZE, skipArtists });
          if (batch.length === 0) return false;
          const ids = batch.map((c) => c.id);
          skipArtists.push(batch[0].artistId);
          const wait = async (why: string, seconds: number) => {
            await noteGoogleConversionAttempt(tx, ids, why, seconds);
            counts.waiting += ids.length;
          };
          const destination = await googleConversionDestination(tx, batch[0].artistId);
          if (!destination) {
            await wait('no active Google connection: connect Google Ads again', WAIT_FOR_ARTIST_SECONDS);
            return true;
          }
          try {
            const accessToken = await activeAccessToken(tx, keyRing, destination.connectionId);
            if (!accessToken) throw new ProviderError('google', 'token_invalid', 'the Google connection is not active');
            const account: GoogleAdsAccount = { accessToken, ...destination };
            const conversions = batch.map((c) => ({ ...c, conversionAction: destination.conversionAction }));
            const outcomes = await providers.googleAds.uploadClickConversions(account, conversions);
            counts.sent += await record(tx, batch, outcomes, counts);
          } catch (error) {
            if (!(error instanceof ProviderError)) throw error;
            logger.warn({ kind: error.kind, code: error.code }, 'Google Ads refused a conversion upload');
            if (error.kind === 'invalid_request' || error.kind === 'not_found') {
              const reason = error.detail.userMessage ?? error.message;
              for (const id of ids) await markGoogleConversionFailed(tx, id, reason);
              counts.failed += ids.length;
            } else if (error.kind === 'token_invalid' && !refreshed.has(destination.connectionId)) {
              // Google's hourly access token may have run out just before the connection workflow renewed it:
              // refreshed after this transaction (the refresh takes the connection's lock), then tried again.
              await noteGoogleConversionAttempt(tx, ids, error.message, 0);
              toRefresh = { artistId: batch[0].artistId, connectionId: destination.connectionId };
            } else if (error.kind === 'token_invalid') {
              await wait(
                `Google no longer accepts the connection: reconnect Google Ads (${error.message})`,
                WAIT_FOR_ARTIST_SECONDS,
              );
            } else if (error.kind === 'rate_limited' || error.kind === 'quota_exhausted') {
              await wait(error.message, Math.ceil((error.retryAfterMs ?? 60_000) / 1000));
            } else {
              // An outage, or a cut upload (Google recognises a repeat: CLICK_CONVERSION_ALREADY_EXISTS).
              await wait(error.message, 0);
              retryLater = error.message;
            }
          }
          return true;
        });
        if (!more) break;
        if (toRefresh) {
          const { artistId, connectionId } = toRefresh;
          refreshed.add(connectionId);
          const outcome = await connections.refreshConnection({ connectionId });
          if (outcome === 'refreshed') skipArtists.splice(skipArtists.indexOf(artistId), 1);
        }
      }
      if (retryLater)
        throw ApplicationFailure.retryable(`Google Ads unavailable, retrying: ${retryLater}`, 'ConversionsUnavailable');
      return counts;
    },
  };

  /** Marks each conversion by Google's answer for it; returns how many count as sent. */
  async function record(
    tx: DatabaseTransactionConnection,
    batch: PendingGoogleConversion[],
    outcomes: ClickConversionOutcome[],
    counts: { failed: number; waiting: number },
  ): Promise<number> {
    const sent = batch.filter((_, i) => outcomes[i].ok || (outcomes[i] as { code: string }).code === ALREADY_THERE);
    await markGoogleConversionsSent(
      tx,
      sent.map((c) => c.id),
    );
    for (const [i, c] of batch.entries()) {
      const outcome = outcomes[i];
      if (outcome.ok || outcome.code === ALREADY_THERE) continue;
      if (TOO_RECENT.has(outcome.code)) {
        await noteGoogleConversionAttempt(tx, [c.id], outcome.message, TOO_RECENT_WAIT_SECONDS);
        counts.waiting++;
      } else {
        await markGoogleConversionFailed(tx, c.id, `${outcome.code}: ${outcome.message}`);
        counts.failed++;
      }
    }
    return sent.length;
  }
}
