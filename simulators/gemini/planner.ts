// The simulator's "model" for release plans: deterministic items built from the prompt's "Plan (JSON): {...}" line
// (release, budget, firstDay, presaveOpensDay, adPlatforms), inside the days and with the budget split exactly, as a
// model that follows its instructions would answer. Asked for when the response schema has an `items` list.
export interface PlanPromptFacts {
  artist?: string;
  title?: string;
  releaseDate?: string;
  budget?: number;
  firstDay?: number;
  presaveOpensDay?: number;
  adPlatforms?: string[];
}

export function readPlanPrompt(text: string): PlanPromptFacts {
  const json = /Plan \(JSON\): (\{.*\})/.exec(text)?.[1];
  try {
    return json ? (JSON.parse(json) as PlanPromptFacts) : {};
  } catch {
    return {};
  }
}

export function writePlan(prompt: string): { items: Record<string, unknown>[] } {
  const f = readPlanPrompt(prompt);
  const artist = f.artist ?? 'the artist';
  const title = f.title ?? 'the new release';
  const opens = Math.max(f.firstDay ?? -28, f.presaveOpensDay ?? -28);
  const budget = Math.max(0, Math.trunc(f.budget ?? 0));
  const platforms = f.adPlatforms?.length ? f.adPlatforms : ['meta'];
  const start = Math.min(0, Math.max(-10, opens));
  const share = Math.floor(budget / platforms.length);
  const items: Record<string, unknown>[] = [
    {
      day: Math.min(0, Math.max(-14, opens)),
      kind: 'presave_push',
      title: `Pre-save "${title}"`,
      text: `"${title}" by ${artist} arrives ${f.releaseDate ?? 'soon'}. Pre-save it and hear it first.`,
    },
  ];
  if (budget > 0)
    platforms.forEach((platform, i) =>
      items.push({
        day: start,
        kind: 'ad_campaign',
        title: `${platform === 'google' ? 'YouTube' : 'Meta'} ads for "${title}"`,
        text: 'Reach listeners of similar artists around the release.',
        platform,
        budget: share + (i === 0 ? budget - share * platforms.length : 0),
        startDay: start,
        endDay: 10,
        countries: ['US'],
      }),
    );
  items.push(
    { day: 0, kind: 'reminder', title: 'Release-day reminders', text: 'Subscribers hear from us at release.' },
    {
      day: 0,
      kind: 'instagram_post',
      title: 'Release-day post',
      text: `"${title}" by ${artist} is out now. #newmusic`,
    },
    { day: 3, kind: 'task', title: 'Share fan reactions', text: 'Repost the best reactions from fans.' },
  );
  return { items };
}
