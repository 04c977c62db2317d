// Ad copy (see workflows/ad-copy.ts): write variants with Gemini — or the template writer when no key is configured
// — (an Instagram caption request: captions, ./caption-drafts.ts), check each against the platform limits and the policy linter, store them, record decisions. Gemini failures
// become Temporal failures the workflow's retry policy understands: 429 waits for Google's RetryInfo delay, 5xx
// retries with backoff, 400/403/404 never retry (a bad key or request does not get better).
import { ApplicationFailure } from '@temporalio/common';
import {
  approveAdCopyVariant,
  type AdCopyStatus,
  captionFactsFor,
  releaseMetadataFor,
  setAdCopyStatus,
  storeAdCopyVariants,
} from '../db/ad-copy';
import { type CopyDraft, lintCopy, type Violation } from '../lib/ad-copy/linter';
import { buildCopyPrompt } from '../lib/ad-copy/prompt';
import { writeTemplateVariants } from '../lib/ad-copy/template-writer';
import { writeCaptionDrafts } from './caption-drafts';
import { type ActivityDeps } from './deps';
import { ProviderError } from '../lib/providers/errors';

export interface CheckedDraft extends CopyDraft {
  violations: Violation[];
}

const failedDraft = (violation: Violation): CheckedDraft => ({
  headline: '',
  primaryText: '',
  description: '',
  violations: [violation],
});

export function createAdCopyActivities({ pool, logger, providers, config }: ActivityDeps) {
  const { gemini } = providers;

  return {
    /** `count` variants, each with its lint result (empty = passed). Only release metadata reaches the model. */
    async writeAdCopy(input: {
      requestId: string;
      count: number;
      refused?: Violation[];
      feedback?: string | null;
    }): Promise<{ source: 'gemini' | 'template'; drafts: CheckedDraft[] }> {
      // An Instagram post's caption request: captions, not ad copy (activities/caption-drafts.ts).
      const captionFacts = await captionFactsFor(pool, input.requestId);
      if (captionFacts) return writeCaptionDrafts({ config, logger, providers }, captionFacts, input);
      const meta = await releaseMetadataFor(pool, input.requestId);
      if (!meta)
        throw ApplicationFailure.nonRetryable(
          'the ad copy request or its campaign no longer exists',
          'AdCopyRequestGone',
        );
      const check = (d: CopyDraft): CheckedDraft => ({
        ...d,
        violations: lintCopy(d, { platform: meta.platform, explicit: meta.explicit, names: [meta.artist, meta.title] }),
      });
      if (!gemini) return { source: 'template', drafts: writeTemplateVariants(meta, input.count).map(check) };

      const prompt = buildCopyPrompt({ meta, count: input.count, refused: input.refused, feedback: input.feedback });
      let answer;
      try {
        answer = await gemini.writeVariants(prompt, input.count);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        logger.warn({ kind: error.kind, status: error.status, retryDelayMs: error.retryDelayMs }, 'gemini call failed');
        if (error.kind === 'rate_limited') {
          throw ApplicationFailure.create({
            message: error.message,
            type: 'GeminiRateLimited',
            nextRetryDelay: error.retryDelayMs,
          });
        }
        // Only a wait or another try can help with these; every other kind is the request itself.
        if (error.kind !== 'unavailable' && error.kind !== 'outcome_unknown') {
          throw ApplicationFailure.nonRetryable(error.message, 'GeminiRejected');
        }
        throw ApplicationFailure.retryable(error.message, 'GeminiUnavailable');
      }
      if (answer.kind !== 'variants') {
        const violation: Violation =
          answer.kind === 'blocked'
            ? { code: 'blocked_by_model', message: `the model refused to answer: ${answer.reason}` }
            : { code: 'malformed_output', message: answer.reason };
        return { source: 'gemini', drafts: Array.from({ length: input.count }, () => failedDraft(violation)) };
      }
      const drafts = answer.drafts.map(check);
      while (drafts.length < input.count)
        drafts.push(
          failedDraft({ code: 'malformed_output', message: 'the model wrote fewer variants than asked for' }),
        );
      return { source: 'gemini', drafts };
    },

    async storeAdCopyVariants(input: Parameters<typeof storeAdCopyVariants>[1]): Promise<string[]> {
      return storeAdCopyVariants(pool, input);
    },

    async setAdCopyStatus(input: {
      requestId: string;
      status: AdCopyStatus;
      failureReason?: string | null;
      expiresAt?: number | null;
      feedback?: string | null;
    }): Promise<void> {
      await setAdCopyStatus(pool, input);
    },

    async approveAdCopyVariant(input: { requestId: string; variantId: string }): Promise<void> {
      if (!(await approveAdCopyVariant(pool, input)))
        throw ApplicationFailure.nonRetryable('the variant is not part of this request', 'AdCopyVariantUnknown');
    },
  };
}
