// The model's plan, checked with zod before anything is stored: the JSON under planResponseSchema (flat items) into
// plan items (ids given here, an ad campaign's fields grouped, the smart link added to what is posted). An answer
// that does not fit is refused with the reasons, for the next round's prompt.
import { z } from 'zod';
import { withSmartLink } from '../ad-copy/caption-linter';
import { PLAN_KINDS, type PlanItem, planItems } from './items';

const int = z.number().int();
const modelItem = z.object({
  day: int,
  kind: z.enum(PLAN_KINDS),
  title: z.string(),
  text: z.string(),
  platform: z.enum(['meta', 'google']).nullish(),
  budget: int.min(0).nullish(),
  startDay: int.nullish(),
  endDay: int.nullish(),
  countries: z.array(z.string()).nullish(),
});
const modelPlan = z.object({ items: z.array(modelItem).min(1).max(40) });

export type ModelPlan = { ok: true; items: PlanItem[] } | { ok: false; problems: string[] };

const problemsOf = (error: z.ZodError) =>
  error.issues.slice(0, 10).map((i) => `${i.path.join('.') || 'answer'}: ${i.message}`);

export function readModelPlan(value: unknown, smartLink: string): ModelPlan {
  const parsed = modelPlan.safeParse(value);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  const problems: string[] = [];
  const items = parsed.data.items.map((m, i) => {
    const posted = m.kind === 'instagram_post' || m.kind === 'presave_push';
    let ad = null;
    if (m.kind === 'ad_campaign') {
      if (!m.platform || m.budget == null || m.startDay == null || m.endDay == null)
        problems.push(`items.${i}: an ad_campaign item needs platform, budget, startDay and endDay`);
      ad = {
        platform: m.platform ?? 'meta',
        budget: m.budget ?? 0,
        startDay: m.startDay ?? 0,
        endDay: m.endDay ?? 0,
        countries: (m.countries ?? []).map((c) => c.trim().toUpperCase()),
      };
    }
    return {
      id: `item-${i + 1}`,
      day: m.day,
      kind: m.kind,
      title: m.title,
      text: posted ? withSmartLink(m.text, smartLink) : m.text,
      ad,
    };
  });
  if (problems.length) return { ok: false, problems };
  const checked = planItems.safeParse(items);
  return checked.success ? { ok: true, items: checked.data } : { ok: false, problems: problemsOf(checked.error) };
}
