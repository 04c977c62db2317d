// What a release plan holds (docs/release-plan.md): items on days relative to the release (day 0 is release day,
// -21 three weeks before). Each item has a kind, a title and a text; an ad campaign item also its share of the ad
// budget, its days and the ids the artist gives (ad account and Page on Meta, customer id and video on Google).
// One zod schema serves the model's answer, the artist's edits and the stored rows.
import { z } from 'zod';

export const PLAN_KINDS = ['presave_push', 'instagram_post', 'ad_campaign', 'reminder', 'task'] as const;
export type PlanItemKind = (typeof PLAN_KINDS)[number];

/** The days a plan covers: four weeks before the release to two weeks after. */
export const PLAN_WINDOW = { firstDay: -28, lastDay: 14 } as const;
export const DAY_MS = 24 * 3600_000;

const day = z.number().int().min(-365).max(365);
/** Text with line breaks but no other control characters. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((t) => !/\p{Cc}/u.test(t.replace(/\r?\n/g, '')), 'no control characters except line breaks');

const country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as US');
const optionalId = (pattern: RegExp, message: string) =>
  z.string().trim().regex(pattern, message).nullable().default(null);

export const adFields = z.strictObject({
  platform: z.enum(['meta', 'google']),
  /** the item's share of the plan's budget, in the currency's minor unit (cents) */
  budget: z.number().int().min(0).max(1e12),
  startDay: day,
  endDay: day,
  countries: z.array(country).max(50).default([]),
  objective: z.enum(['traffic', 'awareness', 'engagement', 'conversions']).default('traffic'),
  adAccountId: optionalId(/^(act_)?\d{1,20}$/, 'a Meta ad account id such as act_1234567890'),
  pageId: optionalId(/^\d{1,20}$/, 'the numeric id of a Facebook Page'),
  customerId: optionalId(/^\d{3}-?\d{3}-?\d{4}$/, 'a Google Ads customer id such as 123-456-7890'),
  youtubeVideoId: optionalId(/^[\w-]{11}$/, 'an 11-character YouTube video id'),
});
export type AdFields = z.infer<typeof adFields>;

/** One item's fields; `planItem` adds the rule tying `ad` to the kind. */
export const planItemObject = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  day,
  kind: z.enum(PLAN_KINDS),
  title: text(120).pipe(z.string().min(1, 'a title is needed')),
  text: text(2200),
  ad: adFields.nullable().default(null),
});
export const planItem = planItemObject.refine((i) => (i.kind === 'ad_campaign') === (i.ad !== null), {
  message: 'an ad_campaign item has ad fields, other kinds none',
  path: ['ad'],
});
export type PlanItem = z.infer<typeof planItem>;

export const planItems = z
  .array(planItem)
  .max(40)
  .refine((l) => new Set(l.map((i) => i.id)).size === l.length, 'item ids must be unique');

/** Items in day order (ties keep their order). */
export const byDay = (items: readonly PlanItem[]): PlanItem[] =>
  items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => a.item.day - b.item.day || a.i - b.i)
    .map(({ item }) => item);

export interface Finding {
  itemId: string | null;
  code: string;
  severity: 'blocking' | 'warning';
  field?: string;
  message: string;
}
export const findingSchema = z.object({
  itemId: z.string().nullable(),
  code: z.string(),
  severity: z.enum(['blocking', 'warning']),
  field: z.string().optional(),
  message: z.string(),
});

/** The first whole day (relative to the release, ≤ 0) on which the pre-save was open: it opens with the campaign. */
export const presaveOpensDay = (campaignCreatedAt: number, releaseAt: number): number =>
  Math.min(0, Math.ceil((campaignCreatedAt - releaseAt) / DAY_MS) || 0);
