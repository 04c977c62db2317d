// What the model is asked for an Instagram caption: the release metadata as one JSON line (nothing about anyone),
// Instagram's limits less the room the smart link takes (dropday adds the link itself), the policy rules of ad
// copy, and — when regenerating — what was wrong with the refused captions and the artist's feedback.
import { CAPTION_LIMITS, captionWordsLimit } from './caption-linter';
import { type CaptionMetadata } from './caption-template-writer';
import { type Violation } from './linter';
import { type CopyPrompt } from './prompt';

export function buildCaptionPrompt(input: {
  meta: CaptionMetadata;
  count: number;
  smartLink: string;
  refused?: Violation[];
  feedback?: string | null;
}): CopyPrompt {
  const { meta } = input;
  const system = [
    'You write short, warm Instagram captions for the post that announces a music release on its release day.',
    'Make no unverifiable claims (no guaranteed streams, plays or followers, no "#1", no "viral", no chart positions);',
    'never suggest buying or faking streams, followers or plays; never assert or imply personal attributes of the reader (health, religion, sexuality, finances, age, ethnicity).',
    'Do not write any link or URL: the pre-save link is added after your text.',
    'Use only the release facts given. Answer with JSON only, matching the response schema.',
  ].join(' ');
  const lines = [
    `Write ${input.count} Instagram captions for this release.`,
    `Release (JSON): ${JSON.stringify({ artist: meta.artist, title: meta.title, genres: meta.genres, releaseDate: meta.releaseDate, explicit: meta.explicit })}`,
    'Hard limits per caption:',
    `- caption: at most ${captionWordsLimit(input.smartLink)} characters, at most ${CAPTION_LIMITS.hashtags} hashtags and ${CAPTION_LIMITS.mentions} @-mentions`,
  ];
  if (meta.explicit)
    lines.push('The release is explicit: no caption may address minors (kids, teens, students, all ages).');
  if (input.refused?.length) {
    const unique = [...new Set(input.refused.map((v) => `${v.code}: ${v.message}`))];
    lines.push('Earlier captions were refused for these reasons; do not repeat them:', ...unique.map((u) => `- ${u}`));
  }
  if (input.feedback)
    lines.push(`The artist rejected the previous variants with this feedback: ${JSON.stringify(input.feedback)}`);
  return { system, user: lines.join('\n') };
}
