// A workflow's history as the Temporal server holds it, read without the codec, as text a test can search: every
// field, and every byte string (payload data and metadata) read as UTF-8. (JSON.stringify alone writes bytes as
// numbers or base64, where no clear text could ever be found.)
import { type Client } from '@temporalio/client';
import { type temporal } from '@temporalio/proto';

export function historyText(events: unknown): string {
  // Walked by hand: protobuf messages' toJSON would write bytes as base64, where clear text is not found either.
  const plain = (value: unknown): unknown => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    if (Array.isArray(value)) return value.map(plain);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.keys(value).map((k) => [k, plain((value as Record<string, unknown>)[k])]));
    return value;
  };
  return JSON.stringify(plain(events));
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
