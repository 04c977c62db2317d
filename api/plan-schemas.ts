// HTTP shapes of the release plan routes (routes/release-plan.ts, docs/release-plan.md).
import { z } from 'zod';
import { isIsoCurrency } from '../lib/currency';
import { adFields, planItemObject } from '../lib/release-plan/items';

const amount = z.number().int("must be a whole number of the currency's minor unit (cents)").min(0).max(1e12);

export const createPlanBody = z.strictObject({
  budget: z.strictObject({
    amount,
    /** default USD: accounts have no currency of their own */
    currency: z.string().refine(isIsoCurrency, 'must be an ISO 4217 currency code such as USD').optional(),
  }),
  goals: z.string().trim().max(500).optional(),
  explicit: z.boolean().default(false),
});

/** The whole list of items as the artist wants it (an item without an id is new); the budget optionally changed. */
export const editPlanBody = z.strictObject({
  items: z
    .array(planItemObject.extend({ id: planItemObject.shape.id.optional(), ad: adFields.nullable().optional() }))
    .max(40),
  budget: z.strictObject({ amount }).optional(),
});
export type EditPlanBody = z.infer<typeof editPlanBody>;

// --- the app page's forms (routes/app-release-plan.ts): text as the browser sends it, bounded ---------------------
const csrf = z.string().max(200);
const field = (max: number) => z.string().trim().max(max).optional();
/** "150" or "150.00" in the currency's major unit */
const money = z
  .string()
  .trim()
  .regex(/^\d{1,10}(\.\d{1,3})?$/, 'a number such as 150 or 150.00');
const dayField = z
  .string()
  .trim()
  .regex(/^[-+]?\d{1,3}$/, 'a whole number of days, e.g. -7');

export const appPlanDraftForm = z.object({
  csrf,
  amount: money,
  currency: z.string().trim().toUpperCase().refine(isIsoCurrency, 'a three-letter code such as USD').optional(),
  goals: field(500),
});
export const appPlanItemForm = z.object({
  csrf,
  day: dayField,
  title: z.string().trim().min(1).max(120),
  text: z.string().max(2200).default(''),
  budget: money.optional(),
  startDay: dayField.optional(),
  endDay: dayField.optional(),
  countries: field(200),
  adAccountId: field(24),
  pageId: field(20),
  customerId: field(12),
  youtubeVideoId: field(11),
});
export const appPlanAcceptForm = z.object({ csrf, confirm: z.literal('yes') });
