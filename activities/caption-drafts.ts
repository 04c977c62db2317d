// Instagram caption drafts (a caption request of the ad copy workflow, workflows/ad-copy.ts): Gemini writes the
// words under a JSON schema, dropday adds the campaign's smart link, the caption linter checks each. When Gemini is
// not configured — or fails in any way (throttled, down, refusing the request) — the template writer drafts instead:
// an artist who asks for a caption gets one now. A blocked or malformed answer is a model's answer, not a failure:
// those variants fail the linter and are rewritten like ad copy's.
import { type CaptionMetadata, writeTemplateCaptions } from '../lib/ad-copy/caption-template-writer';
import { lintCaption, withSmartLink } from '../lib/ad-copy/caption-linter';
import { buildCaptionPrompt } from '../lib/ad-copy/caption-prompt';
import { type Violation } from '../lib/ad-copy/linter';
import { ProviderError } from '../lib/providers/errors';
import { type CheckedDraft } from './ad-copy';
import { type ActivityDeps } from './deps';

const asDraft = (caption: string, violations: Violation[]): CheckedDraft => ({
  headline: '',
  primaryText: caption,
  description: '',
  violations,
});

export async function writeCaptionDrafts(
  { config, logger, providers }: Pick<ActivityDeps, 'config' | 'logger' | 'providers'>,
  facts: CaptionMetadata & { slug: string },
  input: { count: number; refused?: Violation[]; feedback?: string | null },
): Promise<{ source: 'gemini' | 'template'; drafts: CheckedDraft[] }> {
  const smartLink = `${config.PUBLIC_URL}/l/${facts.slug}`;
  const check = (caption: string) =>
    asDraft(caption, lintCaption(caption, { explicit: facts.explicit, names: [facts.artist, facts.title], smartLink }));
  const template = () => ({
    source: 'template' as const,
    drafts: writeTemplateCaptions(facts, input.count, smartLink).map(check),
  });
  const { gemini } = providers;
  if (!gemini) return template();

  const prompt = buildCaptionPrompt({
    meta: facts,
    count: input.count,
    smartLink,
    refused: input.refused,
    feedback: input.feedback,
  });
  let answer;
  try {
    answer = await gemini.writeCaptions(prompt, input.count);
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    logger.warn({ kind: error.kind, status: error.status }, 'gemini call failed: captions from the template writer');
    return template();
  }
  if (answer.kind !== 'captions') {
    const violation: Violation =
      answer.kind === 'blocked'
        ? { code: 'blocked_by_model', message: `the model refused to answer: ${answer.reason}` }
        : { code: 'malformed_output', message: answer.reason };
    return { source: 'gemini', drafts: Array.from({ length: input.count }, () => asDraft('', [violation])) };
  }
  const drafts = answer.captions.map((words) => check(words.trim() ? withSmartLink(words, smartLink) : ''));
  while (drafts.length < input.count)
    drafts.push(asDraft('', [{ code: 'malformed_output', message: 'the model wrote fewer captions than asked for' }]));
  return { source: 'gemini', drafts };
}
