// A workflow's history as the Temporal server holds it, read without the codec, as text a test can search: every
// field, and every byte string (payload data and metadata) read as UTF-8. (JSON.stringify alone writes bytes as
// numbers, where no clear text could ever be found.)
import { type Client } from '@temporalio/client';
import { type temporal } from '@temporalio/proto';

export function historyText(events: unknown): string {
  return JSON.stringify(events, function (this: Record<string, unknown>, key: string, value: unknown) {
    const original = this[key];
    return original instanceof Uint8Array ? Buffer.from(original).toString('utf8') : value;
  });
}

export async function rawHistoryText(client: Client, workflowId: string, namespace = 'default'): Promise<string> {
  const events: temporal.api.history.v1.IHistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.getWorkflowExecutionHistory({
      namespace,
      execution: { workflowId },
      nextPageToken,
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return historyText(events);
}
