// One request for ad copy (id `ad-copy:<requestId>`): write N variants, check each against the platform's limits and
// the policy linter, regenerate only the failing ones a bounded number of rounds, store them and wait for the artist:
// `approve` {variantId} marks that variant as the campaign's copy; `reject` {feedback} writes a new generation with
// the feedback in the prompt (bounded); no decision before the deadline → expired. Query `state` at any time.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { CheckedDraft } from '../activities/ad-copy';
import type { Violation } from '../lib/ad-copy/linter';

type Activities = ReturnType<typeof createActivities>;

// The model: 429 waits for Google's RetryInfo delay (nextRetryDelay), 5xx backs off; then the request fails clearly.
const { writeAdCopy } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6 },
});
const { storeAdCopyVariants, setAdCopyStatus, approveAdCopyVariant } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export const approveSignal = defineSignal<[{ variantId: string }]>('approve');
export const rejectSignal = defineSignal<[{ feedback: string }]>('reject');

export interface AdCopyState {
  status: 'generating' | 'awaiting_approval' | 'approved' | 'rejected' | 'expired' | 'failed';
  generation: number;
  /** writing rounds spent on the current generation (1 + regenerations) */
  rounds: number;
  rejections: number;
  approvableVariantIds: string[];
  approvedVariantId: string | null;
  expiresAt: number | null;
  failureReason: string | null;
}
export const stateQuery = defineQuery<AdCopyState>('state');

export interface AdCopyInput {
  requestId: string;
  count: number;
  maxRegenerations: number;
  maxRejections: number;
  approvalTimeoutMs: number;
}

type Decision = { kind: 'approve'; variantId: string } | { kind: 'reject'; feedback: string };

export async function adCopyWorkflow(input: AdCopyInput): Promise<AdCopyState> {
  const state: AdCopyState = {
    status: 'generating',
    generation: 0,
    rounds: 0,
    rejections: 0,
    approvableVariantIds: [],
    approvedVariantId: null,
    expiresAt: null,
    failureReason: null,
  };
  let decision: Decision | null = null;
  setHandler(approveSignal, ({ variantId }) => {
    if (state.status === 'awaiting_approval' && !decision && state.approvableVariantIds.includes(variantId))
      decision = { kind: 'approve', variantId };
  });
  setHandler(rejectSignal, ({ feedback }) => {
    if (state.status === 'awaiting_approval' && !decision)
      decision = { kind: 'reject', feedback: String(feedback ?? '').slice(0, 1000) };
  });
  setHandler(stateQuery, () => state);

  const finish = async (
    status: 'rejected' | 'expired' | 'failed',
    failureReason: string | null,
  ): Promise<AdCopyState> => {
    Object.assign(state, { status, failureReason, expiresAt: null, approvableVariantIds: [] }); // no decision from now on
    await setAdCopyStatus({ requestId: input.requestId, status, failureReason });
    return state;
  };

  /** Writes until `count` variants pass or the rounds run out; failing ones are rewritten, passing ones kept. */
  async function writeCheckedVariants(feedback: string | null) {
    const passing: CheckedDraft[] = [];
    let failing: CheckedDraft[] = [];
    let refused: Violation[] = [];
    let source: 'gemini' | 'template' = 'template';
    state.rounds = 0;
    for (let round = 0; round <= input.maxRegenerations && passing.length < input.count; round++) {
      const written = await writeAdCopy({
        requestId: input.requestId,
        count: input.count - passing.length,
        refused,
        feedback,
      });
      source = written.source;
      passing.push(...written.drafts.filter((d) => d.violations.length === 0));
      failing = written.drafts.filter((d) => d.violations.length > 0);
      refused = failing.flatMap((d) => d.violations);
      state.rounds = round + 1;
    }
    return { source, passing, failing };
  }

  let feedback: string | null = null;
  let nextPosition = 0;
  for (let generation = 0; ; generation++) {
    Object.assign(state, { status: 'generating', generation, approvableVariantIds: [], expiresAt: null });
    if (generation > 0) await setAdCopyStatus({ requestId: input.requestId, status: 'generating', feedback });

    let written;
    try {
      written = await writeCheckedVariants(feedback);
    } catch (error) {
      const cause = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : null;
      return finish(
        'failed',
        `copy could not be written: ${cause?.message ?? (error instanceof Error ? error.message : String(error))}`,
      );
    }
    // Failing variants are kept too (with their violations), so the artist sees why; they cannot be approved.
    const ids = await storeAdCopyVariants({
      requestId: input.requestId,
      generation,
      firstPosition: nextPosition,
      source: written.source,
      variants: [...written.passing, ...written.failing],
    });
    nextPosition += ids.length;
    if (written.passing.length === 0) {
      const codes = [...new Set(written.failing.flatMap((d) => d.violations.map((v) => v.code)))].join(', ');
      return finish(
        'failed',
        `no variant passed the length limits and the policy linter after ${state.rounds} rounds (${codes})`,
      );
    }

    // Ready for a decision before the database says so: the API signals only once it reads awaiting_approval.
    decision = null;
    Object.assign(state, {
      status: 'awaiting_approval',
      approvableVariantIds: ids.slice(0, written.passing.length),
      expiresAt: Date.now() + input.approvalTimeoutMs,
    });
    await setAdCopyStatus({ requestId: input.requestId, status: 'awaiting_approval', expiresAt: state.expiresAt });
    if (!(await condition(() => decision !== null, input.approvalTimeoutMs))) return finish('expired', null);

    const decided = decision as Decision | null;
    if (decided?.kind === 'approve') {
      await approveAdCopyVariant({ requestId: input.requestId, variantId: decided.variantId });
      Object.assign(state, {
        status: 'approved',
        approvedVariantId: decided.variantId,
        expiresAt: null,
        approvableVariantIds: [],
      });
      return state;
    }
    state.rejections++;
    feedback = decided?.feedback ?? null;
    if (state.rejections > input.maxRejections) {
      return finish(
        'rejected',
        `rejected ${state.rejections} times; the limit is ${input.maxRejections} regenerations`,
      );
    }
  }
}
