// Release plans (see workflows/release-plan.ts): one Gemini round under the plan's JSON schema, checked with zod;
// the template writer's plan; storing the draft with the linter's findings. Gemini failures become Temporal
// failures the workflow's retry policy understands (as for ad copy: 429 waits for RetryInfo, 5xx retries, other 4xx
// never); when they run out, the workflow falls back to the template writer.
import { ApplicationFailure } from '@temporalio/common';
import { failPlanDraft, planFactsFor, storePlanDraft } from '../db/release-plans';
import { ProviderError } from '../lib/providers/errors';
import { type PlanFacts } from '../lib/release-plan/facts';
import { PLAN_KINDS, type PlanItem } from '../lib/release-plan/items';
import { lintPlan, planContextOf } from '../lib/release-plan/linter';
import { readModelPlan } from '../lib/release-plan/model-answer';
import { buildPlanPrompt } from '../lib/release-plan/prompt';
import { writeTemplatePlan } from '../lib/release-plan/template-writer';
import { type ActivityDeps } from './deps';

export type PlanRound = { kind: 'plan'; items: PlanItem[] } | { kind: 'refused'; problems: string[] };

export function createReleasePlanActivities({ pool, logger, providers, config }: ActivityDeps) {
  const { gemini } = providers;

  async function factsOf(planId: string): Promise<PlanFacts> {
    const facts = await planFactsFor(pool, planId, config.PUBLIC_URL);
    if (!facts) throw ApplicationFailure.nonRetryable('the plan or its campaign no longer exists', 'ReleasePlanGone');
    return facts;
  }

  return {
    /** Whether a Gemini key is configured: without one the workflow goes straight to the template writer. */
    async releasePlanWriter(): Promise<'gemini' | 'template'> {
      return gemini ? 'gemini' : 'template';
    },

    /** One Gemini round: the plan when its answer fits the schema, else the reasons (for the next round's prompt). */
    async askGeminiForPlan(input: { planId: string; refused: string[] }): Promise<PlanRound> {
      if (!gemini) throw ApplicationFailure.nonRetryable('no Gemini key is configured', 'GeminiNotConfigured');
      const facts = await factsOf(input.planId);
      let answer;
      try {
        answer = await gemini.writePlan(buildPlanPrompt(facts, input.refused), PLAN_KINDS);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        logger.warn({ kind: error.kind, status: error.status }, 'gemini plan call failed');
        if (error.kind === 'rate_limited')
          throw ApplicationFailure.create({
            message: error.message,
            type: 'GeminiRateLimited',
            nextRetryDelay: error.retryDelayMs,
          });
        if (error.kind !== 'unavailable' && error.kind !== 'outcome_unknown')
          throw ApplicationFailure.nonRetryable(error.message, 'GeminiRejected');
        throw ApplicationFailure.retryable(error.message, 'GeminiUnavailable');
      }
      if (answer.kind === 'blocked') return { kind: 'refused', problems: [`the model refused: ${answer.reason}`] };
      if (answer.kind === 'malformed') return { kind: 'refused', problems: [answer.reason] };
      const plan = readModelPlan(answer.value, facts.smartLink);
      return plan.ok ? { kind: 'plan', items: plan.items } : { kind: 'refused', problems: plan.problems };
    },

    async templatePlan(input: { planId: string }): Promise<PlanItem[]> {
      return writeTemplatePlan(await factsOf(input.planId));
    },

    /** Lints and stores the draft; storing again (a retry) writes the same. */
    async storeReleasePlanDraft(input: {
      planId: string;
      source: 'gemini' | 'template';
      rounds: number;
      items: PlanItem[];
    }): Promise<void> {
      const facts = await factsOf(input.planId);
      const findings = lintPlan(input.items, planContextOf(facts));
      await storePlanDraft(pool, { ...input, findings });
    },

    async failReleasePlanDraft(input: { planId: string; reason: string }): Promise<void> {
      await failPlanDraft(pool, input.planId, input.reason);
    },
  };
}
