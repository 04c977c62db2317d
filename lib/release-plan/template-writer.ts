// The deterministic plan writer: used when no GEMINI_API_KEY is configured, or when Gemini fails or keeps answering
// outside the schema. A fixed outline over the release's facts, placed inside the plan's days, with the budget split
// across the connected ad platforms (Meta alone when none is): every plan it writes passes the linter's blocking
// rules, so it can be accepted once the artist has filled in what only they know (ad account ids, countries).
import { withSmartLink } from '../ad-copy/caption-linter';
import { EXPLICIT_NOTICE } from '../ad-copy/linter';
import { type PlanFacts } from './facts';
import { type PlanItem, PLAN_WINDOW } from './items';

/** `total` in shares as equal as whole minor units allow; the first share takes the remainder. */
export function splitBudget(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i === 0 ? total - base * parts : 0));
}

export function writeTemplatePlan(facts: PlanFacts): PlanItem[] {
  const opens = Math.max(facts.presaveOpensDay, PLAN_WINDOW.firstDay);
  const notice = facts.explicit ? `${EXPLICIT_NOTICE} ` : '';
  const link = (text: string) => withSmartLink(notice + text, facts.smartLink);
  const release = `"${facts.title}" by ${facts.artist}`;
  const items: Omit<PlanItem, 'id'>[] = [];
  const add = (item: Omit<PlanItem, 'id' | 'ad'> & { ad?: PlanItem['ad'] }) => items.push({ ad: null, ...item });

  add({
    day: Math.max(-21, opens),
    kind: 'presave_push',
    title: 'Announce the pre-save',
    text: link(
      `${release} is out on ${facts.releaseDate}. Pre-save it now and it is in your library the moment it is out.`,
    ),
  });
  if (Math.max(-7, opens) !== Math.max(-21, opens))
    add({
      day: Math.max(-7, opens),
      kind: 'presave_push',
      title: 'One week to go: pre-save reminder',
      text: link(`One week until ${release}. Pre-save it today.`),
    });
  add({
    day: Math.max(-14, opens),
    kind: 'task',
    title: 'Pitch the release to playlists and press',
    text: 'Send the release to editorial playlists, blogs and radio with the smart link.',
  });
  if (facts.budgetMinor > 0) {
    const platforms = facts.adPlatforms.length ? facts.adPlatforms : (['meta'] as const);
    const shares = splitBudget(facts.budgetMinor, platforms.length);
    const startDay = Math.min(Math.max(-7, opens), 0);
    platforms.forEach((platform, i) =>
      add({
        day: startDay,
        kind: 'ad_campaign',
        title: `${platform === 'meta' ? 'Facebook and Instagram' : 'YouTube'} ads for the release`,
        text: 'Runs with the approved ad copy, from the pre-save week to a week after the release.',
        ad: {
          platform,
          budget: shares[i],
          startDay,
          endDay: 7,
          countries: [],
          objective: 'traffic',
          adAccountId: null,
          pageId: null,
          customerId: null,
          youtubeVideoId: null,
        },
      }),
    );
  }
  add({
    day: 0,
    kind: 'reminder',
    title: 'Release-day reminders',
    text: 'Fans who asked to be reminded get an e-mail or SMS at the release instant.',
  });
  add({
    day: 0,
    kind: 'instagram_post',
    title: 'Release-day post',
    text: link(`${release} is out now. Listen on your favourite service.`),
  });
  add({
    day: 1,
    kind: 'task',
    title: 'Thank the fans',
    text: 'Share the first reactions and thank everyone who pre-saved.',
  });
  add({
    day: 7,
    kind: 'task',
    title: 'Review the first week',
    text: 'Look at the smart link clicks, saves and ad results; decide what to do in week two.',
  });
  return items.map((item, i) => ({ id: `item-${i + 1}`, ...item }));
}
