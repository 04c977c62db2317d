// Conversions on a Schedule (lib/starters/schedules.ts): every minute the conversions outbox goes to Meta's
// Conversions API. An outage is retried here with backoff; the events wait in PostgreSQL meanwhile, so none is lost.
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { sendConversions } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 12 },
});

export async function conversionDeliveryWorkflow(): Promise<{
  sent: number;
  dropped: number;
  failed: number;
  waiting: number;
}> {
  return sendConversions({ maxBatches: 50 });
}
