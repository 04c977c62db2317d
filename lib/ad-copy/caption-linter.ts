// Instagram captions, checked like ad copy before an artist can approve one: Instagram's own limits (2,200
// characters, 30 hashtags, 20 @-mentions — docs/providers/instagram.md), the campaign's smart link in it (the
// post exists to send fans to the pre-save), and the same policy rules as ad copy (linter.ts).
import { maskNames, policyViolations, type Violation } from './linter';
import { textLength } from './limits';

export const CAPTION_LIMITS = { characters: 2200, hashtags: 30, mentions: 20 } as const;

export const hashtagCount = (caption: string) => (caption.match(/#[\p{L}\p{N}_]/gu) ?? []).length;
export const mentionCount = (caption: string) => (caption.match(/@[\w.]/g) ?? []).length;

/** The writer's words and the smart link on its own line at the end (a model is never trusted to copy a URL). */
export function withSmartLink(text: string, smartLink: string): string {
  const words = text.trim();
  return words.includes(smartLink) ? words : `${words}\n\n${smartLink}`;
}

/** Room the words have once the link is added. */
export const captionWordsLimit = (smartLink: string) => CAPTION_LIMITS.characters - textLength(smartLink) - 2;

export function lintCaption(
  caption: string,
  opts: { explicit: boolean; names?: string[]; smartLink: string },
): Violation[] {
  const field = 'primaryText' as const; // where a caption variant keeps its text (ad_copy_variants.primary_text)
  const raw = caption.trim();
  if (!raw) return [{ code: 'missing_text', field, message: 'the caption is empty' }];
  const violations: Violation[] = [];
  const length = textLength(raw);
  if (length > CAPTION_LIMITS.characters)
    violations.push({
      code: 'too_long',
      field,
      message: `the caption has ${length} characters; Instagram allows ${CAPTION_LIMITS.characters}`,
    });
  const hashtags = hashtagCount(raw);
  if (hashtags > CAPTION_LIMITS.hashtags)
    violations.push({
      code: 'too_many_hashtags',
      field,
      message: `the caption has ${hashtags} hashtags; Instagram allows ${CAPTION_LIMITS.hashtags}`,
    });
  const mentions = mentionCount(raw);
  if (mentions > CAPTION_LIMITS.mentions)
    violations.push({
      code: 'too_many_mentions',
      field,
      message: `the caption has ${mentions} @-mentions; Instagram allows ${CAPTION_LIMITS.mentions}`,
    });
  if (!raw.includes(opts.smartLink))
    violations.push({
      code: 'smart_link_missing',
      field,
      message: `the caption must carry the campaign's smart link (${opts.smartLink})`,
    });
  const masked = maskNames(opts.names)(raw.split(opts.smartLink).join(' '));
  violations.push(...policyViolations(masked, { field, label: 'caption', explicit: opts.explicit }));
  return violations;
}
