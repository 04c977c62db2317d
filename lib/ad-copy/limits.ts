// Per-platform length limits of the three copy fields every variant has (ad_copy_variants columns headline /
// primary_text / description). Lengths count Unicode code points, as both platforms' counters do for Latin text.
//
// Meta (Facebook/Instagram feed, single image or video ad): primary text 125, headline 40, description 30 —
//   the text recommendations of Meta's Ads Guide (facebook.com/business/ads-guide, "Text Recommendations");
//   longer text is truncated behind "See more", so dropday treats them as hard limits.
// Google (Demand Gen video responsive ad, YouTube): headline 40, long headline 90, description 90 — Google Ads Help
//   "About Demand Gen ad specs". primary_text holds the long headline for Google (longHeadlines[] of
//   demandGenVideoResponsiveAd); headline → headlines[], description → descriptions[].
export type AdPlatform = 'meta' | 'google';
export type CopyField = 'headline' | 'primaryText' | 'description';

export const COPY_FIELDS: readonly CopyField[] = ['headline', 'primaryText', 'description'];

export const COPY_LIMITS: Record<AdPlatform, Record<CopyField, number>> = {
  meta: { headline: 40, primaryText: 125, description: 30 },
  google: { headline: 40, primaryText: 90, description: 90 },
};

/** What each field is called on the platform, for prompts and messages. */
export const FIELD_LABELS: Record<AdPlatform, Record<CopyField, string>> = {
  meta: { headline: 'headline', primaryText: 'primary text', description: 'description' },
  google: { headline: 'headline', primaryText: 'long headline', description: 'description' },
};

export const textLength = (text: string): number => [...text].length;
