// One per artist connection (id `connection:<connectionId>`): keeps its access token fresh — refreshed a margin
// before it expires — until the artist disconnects (then the grant is revoked) or the provider refuses the grant
// (then the connection needs reconnecting and the artist is told). Continues as new to keep its history short.
import { condition, continueAsNew, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { connectionState, refreshConnection, revokeConnection } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
});

export const disconnectSignal = defineSignal('disconnect');

export interface ConnectionTokenInput {
  connectionId: string;
  refreshMarginMs: number;
  refreshes?: number;
}

export async function connectionTokenWorkflow(
  input: ConnectionTokenInput,
): Promise<'disconnected' | 'needs_reconnect'> {
  let disconnectRequested = false;
  setHandler(disconnectSignal, () => {
    disconnectRequested = true;
  });
  for (let refreshes = input.refreshes ?? 0; ; refreshes++) {
    const state = await connectionState({ connectionId: input.connectionId });
    if (state.status === 'needs_reconnect') return 'needs_reconnect';
    if (state.status !== 'active' || state.accessExpiresAt === null) break;
    const refreshAt = state.accessExpiresAt - input.refreshMarginMs;
    await condition(() => disconnectRequested, Math.max(1, refreshAt - Date.now()));
    if (disconnectRequested) break;
    const outcome = await refreshConnection({ connectionId: input.connectionId });
    if (outcome === 'needs_reconnect') return 'needs_reconnect';
    if (outcome === 'gone') break;
    if (refreshes >= 50) await continueAsNew<typeof connectionTokenWorkflow>({ ...input, refreshes: 0 });
  }
  await revokeConnection({ connectionId: input.connectionId });
  return 'disconnected';
}
