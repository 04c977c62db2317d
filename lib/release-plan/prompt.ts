// What the model is asked for a release plan. The user turn carries the plan's facts as one JSON line (release,
// budget, days, connected ad platforms; nothing about anyone), the rules the linter will check, and — when
// regenerating — why the last answer was refused.
import { type CopyPrompt } from '../ad-copy/prompt';
import { type PlanFacts } from './facts';
import { PLAN_KINDS, PLAN_WINDOW } from './items';

export function buildPlanPrompt(facts: PlanFacts, refused: string[] = []): CopyPrompt {
  const system = [
    'You plan the promotion of a music release for an independent artist: the weeks before and after the release.',
    'Follow the platforms\' advertising policies: no unverifiable claims (no guaranteed streams, "#1", "viral", chart positions),',
    'never suggest buying or faking streams or followers, never assert personal attributes of the reader.',
    'Use only the facts given. Answer with JSON only, matching the response schema.',
  ].join(' ');
  const lines = [
    'Write a release plan for this release.',
    `Plan (JSON): ${JSON.stringify({
      artist: facts.artist,
      title: facts.title,
      releaseDate: facts.releaseDate,
      explicit: facts.explicit,
      budget: facts.budgetMinor,
      currency: facts.currency,
      goals: facts.goals,
      firstDay: Math.max(PLAN_WINDOW.firstDay, facts.presaveOpensDay),
      lastDay: PLAN_WINDOW.lastDay,
      presaveOpensDay: facts.presaveOpensDay,
      adPlatforms: facts.adPlatforms,
    })}`,
    `Each item: day (0 is release day, negative before), kind (one of ${PLAN_KINDS.join(', ')}), title (at most 120 characters), text.`,
    '- presave_push: a post or story telling fans to pre-save, between presaveOpensDay and day 0;',
    '- instagram_post: the release-day post (day 0), its caption at most 2000 characters and 30 hashtags;',
    `- ad_campaign: platform (one of adPlatforms), budget in minor units of ${facts.currency} (cents), startDay and endDay (startDay ≥ presaveOpensDay, endDay after startDay); the ad items' budgets add up to exactly ${facts.budgetMinor};`,
    '- reminder: the release-day reminders to subscribers (dropday sends them); task: anything else, a checklist entry.',
    'Every day between firstDay and lastDay. Do not write links: dropday adds the smart link.',
  ];
  if (facts.explicit) lines.push('The release is explicit: address no minors (kids, teens, students, all ages).');
  if (refused.length)
    lines.push(
      'The previous answer was refused for these reasons; do not repeat them:',
      ...refused.map((r) => `- ${r}`),
    );
  return { system, user: lines.join('\n') };
}
