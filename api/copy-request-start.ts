// Starting the copy workflow of a stored ad copy or caption request (lib/starters/ad-copy.ts), with the configured
// limits. Without its workflow the request would block the next one for its campaign or post forever, so a start
// that fails marks it failed before the error goes on.
import { setAdCopyStatus } from '../db/ad-copy';
import { startAdCopy } from '../lib/starters/ad-copy';
import { type AppDeps } from './deps';

export async function startCopyRequestWorkflow(
  { pool, temporal, config }: Pick<AppDeps, 'pool' | 'temporal' | 'config'>,
  input: { requestId: string; count: number; campaignId: string; accountId: string },
): Promise<void> {
  try {
    await startAdCopy(temporal, config.TEMPORAL_TASK_QUEUE, {
      ...input,
      maxRegenerations: config.AD_COPY_MAX_REGENERATIONS,
      maxRejections: config.AD_COPY_MAX_REJECTIONS,
      approvalTimeoutMs: config.AD_COPY_APPROVAL_TIMEOUT_SECONDS * 1000,
    });
  } catch (error) {
    await setAdCopyStatus(pool, {
      requestId: input.requestId,
      status: 'failed',
      failureReason: 'the copy workflow could not be started',
    });
    throw error;
  }
}
