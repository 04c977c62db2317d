// One keyword private reply (id `instagram-auto-reply:<inboxId>`: one per comment even if Meta delivers it twice):
// waits for the connection's next free slot (private replies are spaced, Meta allows 750 an hour), then sends the
// post's reply text with the smart link, once.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { reserveInstagramReplySlot, sendKeywordPrivateReply } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20 },
});

export async function instagramAutoReplyWorkflow(input: {
  inboxId: string;
  connectionId: string;
}): Promise<'sent' | 'skipped'> {
  const slotAt = await reserveInstagramReplySlot({ connectionId: input.connectionId });
  if (slotAt > Date.now()) await sleep(slotAt - Date.now());
  return sendKeywordPrivateReply({ inboxId: input.inboxId });
}
