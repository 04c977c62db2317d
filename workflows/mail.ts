// E-mail on Schedules (lib/starters/schedules.ts): the outbox is delivered every minute (with the release-day
// reminders now due, activities/reminders.ts), and once a day fans whose
// Spotify consent ends before their release are nudged to pre-save again.
import { patched, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { deliverOutbox, queueReconsentNudges, queueDueReminders } = proxyActivities<ReturnType<typeof createActivities>>(
  {
    startToCloseTimeout: '5 minutes',
    retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
  },
);

export async function outboxDeliveryWorkflow(): Promise<{ sent: number; failed: number }> {
  // Release-day reminders due since the last run join the outbox first (at most REMINDERS_PER_MINUTE a run).
  if (patched('release-reminders')) await queueDueReminders();
  return deliverOutbox({ limit: 500 });
}

export async function reconsentNudgeWorkflow(): Promise<{ queued: number; sent: number }> {
  const queued = await queueReconsentNudges();
  const { sent } = await deliverOutbox({ limit: 500 });
  return { queued, sent };
}
