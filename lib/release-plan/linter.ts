// The release plan's linter: what must hold before a plan can be accepted (blocking) and what only limits what
// dropday can run (warning). Text goes through the same policy rules as ad copy (../ad-copy/linter.ts) and, for
// what is posted on Instagram, the caption limits and the smart link (../ad-copy/caption-linter.ts).
//   outside_window        an item (or an ad's start or end) outside the plan's days (PLAN_WINDOW)
//   presave_closed        a pre-save push before the pre-save opens (the campaign's creation) or after the release
//   ad_before_presave     an ad starting before the pre-save opens: it would send people to a page that is not there
//   ad_dates              an ad ending on or before its start day, or with a zero budget
//   budget_split          the ad items' budgets do not add up to the plan's budget
//   instagram_post_day    a post dropday publishes is the release-day post (day 0); other days are tasks
//   ids_missing, countries_missing   (warnings) what an ad item needs before dropday can create it
//   + every ad copy policy code (unverifiable_claim, prohibited_wording, personal_attribute, targets_minors) and the
//     caption codes (missing_text, too_long, too_many_hashtags, too_many_mentions, smart_link_missing)
import { lintCaption } from '../ad-copy/caption-linter';
import { maskNames, policyViolations, type Violation } from '../ad-copy/linter';
import { type PlanFacts } from './facts';
import { type Finding, PLAN_WINDOW, type PlanItem } from './items';
import { formatMinor } from './money';

export interface PlanContext {
  budgetMinor: number;
  currency: string;
  explicit: boolean;
  /** artist and title: facts, not claims */
  names: string[];
  smartLink: string;
  /** the day (relative to the release, ≤ 0) the pre-save opened: the campaign's creation */
  presaveOpensDay: number;
}

/** The context a plan is linted in, from the same facts its writer had (a draft and an edit alike). */
export function planContextOf(facts: PlanFacts): PlanContext {
  return { ...facts, names: [facts.artist, facts.title] };
}

const blocking = (itemId: string | null, code: string, message: string, field?: string): Finding => ({
  itemId,
  code,
  severity: 'blocking',
  ...(field ? { field } : {}),
  message,
});

const fromViolations = (itemId: string, field: string, violations: Violation[]): Finding[] =>
  violations.map((v) => ({ itemId, code: v.code, severity: 'blocking', field, message: v.message }));

const inWindow = (d: number) => d >= PLAN_WINDOW.firstDay && d <= PLAN_WINDOW.lastDay;
const dayWords = (d: number) => (d === 0 ? 'release day' : d < 0 ? `day ${d}` : `day +${d}`);

function itemFindings(item: PlanItem, ctx: PlanContext): Finding[] {
  const findings: Finding[] = [];
  const id = item.id;
  const mask = maskNames(ctx.names);
  if (!inWindow(item.day))
    findings.push(
      blocking(
        id,
        'outside_window',
        `${dayWords(item.day)} is outside the plan (${PLAN_WINDOW.firstDay} to +${PLAN_WINDOW.lastDay} days around the release)`,
        'day',
      ),
    );
  findings.push(
    ...fromViolations(
      id,
      'title',
      policyViolations(mask(item.title), { field: 'headline', label: 'title', explicit: ctx.explicit }),
    ),
  );
  if (item.kind === 'instagram_post' || item.kind === 'presave_push') {
    findings.push(
      ...fromViolations(
        id,
        'text',
        lintCaption(item.text, { explicit: ctx.explicit, names: ctx.names, smartLink: ctx.smartLink }),
      ),
    );
  } else {
    findings.push(
      ...fromViolations(
        id,
        'text',
        policyViolations(mask(item.text), { field: 'primaryText', label: 'text', explicit: ctx.explicit }),
      ),
    );
  }
  if (item.kind === 'presave_push' && (item.day < ctx.presaveOpensDay || item.day > 0))
    findings.push(
      blocking(
        id,
        'presave_closed',
        `the pre-save is open from ${dayWords(ctx.presaveOpensDay)} to release day; ${dayWords(item.day)} is not in it`,
        'day',
      ),
    );
  if (item.kind === 'instagram_post' && item.day !== 0)
    findings.push(
      blocking(
        id,
        'instagram_post_day',
        'dropday publishes the release-day post at the release instant (day 0); make a post on another day a task',
        'day',
      ),
    );
  if (item.ad) findings.push(...adFindings(id, item.ad, ctx));
  return findings;
}

function adFindings(id: string, ad: NonNullable<PlanItem['ad']>, ctx: PlanContext): Finding[] {
  const findings: Finding[] = [];
  for (const [field, d] of [
    ['ad.startDay', ad.startDay],
    ['ad.endDay', ad.endDay],
  ] as const)
    if (!inWindow(d))
      findings.push(blocking(id, 'outside_window', `the ad's ${dayWords(d)} is outside the plan's days`, field));
  if (ad.startDay < ctx.presaveOpensDay)
    findings.push(
      blocking(
        id,
        'ad_before_presave',
        `the ad starts on ${dayWords(ad.startDay)}, before the pre-save opens (${dayWords(ctx.presaveOpensDay)})`,
        'ad.startDay',
      ),
    );
  if (ad.endDay <= ad.startDay)
    findings.push(blocking(id, 'ad_dates', 'the ad must end after the day it starts', 'ad.endDay'));
  if (ad.budget <= 0) findings.push(blocking(id, 'ad_dates', 'the ad needs a budget above zero', 'ad.budget'));
  const missing =
    ad.platform === 'meta'
      ? [!ad.adAccountId && 'the ad account id', !ad.pageId && 'the Facebook Page id']
      : [!ad.customerId && 'the Google Ads customer id', !ad.youtubeVideoId && 'the YouTube video id'];
  const names = missing.filter((m): m is string => Boolean(m));
  if (names.length)
    findings.push({
      itemId: id,
      code: 'ids_missing',
      severity: 'warning',
      field: 'ad',
      message: `fill in ${names.join(' and ')} before accepting, or dropday leaves this ad to you`,
    });
  if (ad.countries.length === 0)
    findings.push({
      itemId: id,
      code: 'countries_missing',
      severity: 'warning',
      field: 'ad.countries',
      message: 'name the countries the ad runs in, or dropday leaves this ad to you',
    });
  return findings;
}

export function lintPlan(items: readonly PlanItem[], ctx: PlanContext): Finding[] {
  const findings = items.flatMap((item) => itemFindings(item, ctx));
  const allocated = items.reduce((sum, i) => sum + (i.ad?.budget ?? 0), 0);
  if (allocated !== ctx.budgetMinor)
    findings.push(
      blocking(
        null,
        'budget_split',
        `the ad items share ${formatMinor(allocated, ctx.currency)} but the plan's budget is ${formatMinor(ctx.budgetMinor, ctx.currency)}`,
      ),
    );
  return findings;
}

export const hasBlocking = (findings: readonly Finding[]) => findings.some((f) => f.severity === 'blocking');
