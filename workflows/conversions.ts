// Conversions on a Schedule (lib/starters/schedules.ts): every minute the conversions outbox goes to Meta's
// Conversions API and the Google conversions outbox to Google Ads (offline click conversions). An outage is retried
// here with backoff; the events wait in PostgreSQL meanwhile, so none is lost.
import { patched, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { sendConversions, sendGoogleClickConversions } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 12 },
});

interface DeliveryCounts {
  sent: number;
  dropped: number;
  failed: number;
  waiting: number;
}

export async function conversionDeliveryWorkflow(): Promise<DeliveryCounts & { google?: DeliveryCounts }> {
  // Runs recorded before Google conversions existed send Meta's alone.
  if (!patched('google-click-conversions')) return sendConversions({ maxBatches: 50 });
  // Side by side, so one provider's outage (retried here for up to half an hour) does not hold the other's events.
  const [meta, google] = await Promise.allSettled([
    sendConversions({ maxBatches: 50 }),
    sendGoogleClickConversions({ maxBatches: 50 }),
  ]);
  if (meta.status === 'rejected') throw meta.reason;
  if (google.status === 'rejected') throw google.reason;
  return { ...meta.value, google: google.value };
}
