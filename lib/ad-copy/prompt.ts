// What the model is asked. The user turn carries the release metadata as one JSON line (and nothing else about
// anyone), the hard limits, the age-gating rule for explicit releases, and — when regenerating — what was wrong
// with the refused variants and the artist's feedback.
import { EXPLICIT_NOTICE, type Violation } from './linter';
import { COPY_FIELDS, COPY_LIMITS, FIELD_LABELS } from './limits';
import { type ReleaseMetadata } from './metadata';

export interface CopyPrompt {
  system: string;
  user: string;
}

const PLATFORM_NAMES = {
  meta: 'Facebook and Instagram (Meta) feed ads',
  google: 'YouTube Demand Gen ads (Google Ads)',
};

export function buildCopyPrompt(input: {
  meta: ReleaseMetadata;
  count: number;
  refused?: Violation[];
  feedback?: string | null;
}): CopyPrompt {
  const { meta } = input;
  const system = [
    `You write short, honest ad copy that promotes a music release on ${PLATFORM_NAMES[meta.platform]}.`,
    'Follow the platforms\' advertising policies: make no unverifiable claims (no guaranteed streams, plays or followers, no "#1", no "viral", no chart positions);',
    'never suggest buying or faking streams, followers or plays; never assert or imply personal attributes of the viewer (health, religion, sexuality, finances, age, ethnicity).',
    'Use only the release facts given. Answer with JSON only, matching the response schema.',
  ].join(' ');
  const limits = COPY_FIELDS.map(
    (f) => `- ${f} (${FIELD_LABELS[meta.platform][f]}): at most ${COPY_LIMITS[meta.platform][f]} characters`,
  );
  const lines = [
    `Write ${input.count} ad copy variants for this release.`,
    `Release (JSON): ${JSON.stringify({ artist: meta.artist, title: meta.title, genres: meta.genres, releaseDate: meta.releaseDate, explicit: meta.explicit, platform: meta.platform })}`,
    'Hard limits per variant:',
    ...limits,
  ];
  if (meta.explicit) {
    lines.push(
      `The release is explicit: every primaryText must include the notice "${EXPLICIT_NOTICE}", and no field may address minors (kids, teens, students, all ages).`,
    );
  }
  if (input.refused?.length) {
    const unique = [...new Set(input.refused.map((v) => `${v.code}: ${v.message}`))];
    lines.push('Earlier variants were refused for these reasons; do not repeat them:', ...unique.map((u) => `- ${u}`));
  }
  if (input.feedback)
    lines.push(`The artist rejected the previous variants with this feedback: ${JSON.stringify(input.feedback)}`);
  return { system, user: lines.join('\n') };
}
