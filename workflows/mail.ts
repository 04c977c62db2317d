// E-mail on Schedules (lib/starters/schedules.ts): the outbox is delivered every minute, and once a day fans whose
// Spotify consent ends before their release are nudged to pre-save again.
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { deliverOutbox, queueReconsentNudges } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

export async function outboxDeliveryWorkflow(): Promise<{ sent: number; failed: number }> {
  return deliverOutbox({ limit: 500 });
}

export async function reconsentNudgeWorkflow(): Promise<{ queued: number; sent: number }> {
  const queued = await queueReconsentNudges();
  const { sent } = await deliverOutbox({ limit: 500 });
  return { queued, sent };
}
