// Drafting one release plan (id `release-plan:<planId>`): Gemini under the plan's JSON schema, an answer outside
// the schema asked again a bounded number of rounds (with the reasons), then — or when Gemini is not configured or
// fails — the template writer. The draft is stored with the linter's findings; the artist edits and accepts it
// through the API (api/release-plan-accept.ts), not through this workflow.
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { PlanItem } from '../lib/release-plan/items';

type Activities = ReturnType<typeof createActivities>;

// The model: 429 waits for RetryInfo, 5xx backs off, a few times; then the template writer takes over.
const { askGeminiForPlan } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 3 },
});
const { releasePlanWriter, templatePlan, storeReleasePlanDraft, failReleasePlanDraft } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 10 },
});

export interface ReleasePlanInput {
  planId: string;
  maxRegenerations: number;
}

export interface ReleasePlanResult {
  source: 'gemini' | 'template';
  rounds: number;
  fallbackReason: string | null;
}

export async function releasePlanWorkflow(input: ReleasePlanInput): Promise<ReleasePlanResult> {
  const { planId } = input;
  let fallbackReason: string | null = null;
  let rounds = 0;
  try {
    if ((await releasePlanWriter()) === 'gemini') {
      let refused: string[] = [];
      for (let round = 0; round <= input.maxRegenerations; round++) {
        rounds = round + 1;
        let answer;
        try {
          answer = await askGeminiForPlan({ planId, refused });
        } catch (error) {
          if (!(error instanceof ActivityFailure)) throw error;
          fallbackReason = `Gemini failed: ${error.cause?.message ?? error.message}`;
          break;
        }
        if (answer.kind === 'plan') {
          await storeReleasePlanDraft({ planId, source: 'gemini', rounds, items: answer.items });
          return { source: 'gemini', rounds, fallbackReason: null };
        }
        refused = answer.problems;
        fallbackReason = `Gemini's answer did not fit the plan schema after ${rounds} rounds (${refused[0] ?? ''})`;
      }
    } else fallbackReason = 'Gemini is not configured';
    const items: PlanItem[] = await templatePlan({ planId });
    await storeReleasePlanDraft({ planId, source: 'template', rounds, items });
    return { source: 'template', rounds, fallbackReason };
  } catch (error) {
    await failReleasePlanDraft({
      planId,
      reason: `the plan could not be drafted: ${error instanceof Error ? error.message : String(error)}`,
    });
    throw error;
  }
}
