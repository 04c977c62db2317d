// The deterministic copywriter: used when no GEMINI_API_KEY is configured. Variants are filled-in templates over the
// release metadata; every field picks the first candidate that fits the platform's limit and passes the linter, and
// ends with a neutral line that always does, so every variant it writes is approvable.
import { type CopyDraft, EXPLICIT_NOTICE, lintCopy } from './linter';
import { COPY_LIMITS, type CopyField, textLength } from './limits';
import { releaseDateWords, type ReleaseMetadata } from './metadata';

export const MAX_VARIANTS = 5;

type Candidates = (m: ReleaseMetadata, genre: string | null, date: { long: string; short: string }) => string[];

const HEADLINES: Candidates[] = [
  (m, _g, d) => [`${m.title} — out ${d.short}`, m.title],
  (m) => [`New from ${m.artist}`, `${m.artist}: new release`, 'New music'],
  (m) => [`${m.artist}: ${m.title}`, m.title],
  (m) => [`Pre-save ${m.title}`, 'Pre-save the new release'],
  (m, _g, d) => [`${m.title} drops ${d.short}`, `Out ${d.short}`],
];

const PRIMARY: Candidates[] = [
  (m, g, d) => [
    `${m.artist} releases "${m.title}" on ${d.long}. Pre-save it now and hear it the moment it is out.`,
    `"${m.title}" is out ${d.long}. Pre-save it now.`,
  ],
  (m, g, d) => [
    ...(g
      ? [
          `"${m.title}", the new ${g} release from ${m.artist}, lands ${d.long}. Save it to your library today.`,
          `New ${g} from ${m.artist}, out ${d.long}. Save it today.`,
        ]
      : []),
    `"${m.title}", the new release from ${m.artist}, lands ${d.long}. Save it to your library today.`,
    `New from ${m.artist}, out ${d.long}. Save it today.`,
  ],
  (m, _g, d) => [
    `Be first to hear "${m.title}" by ${m.artist}. Pre-save now and it plays in your library on ${d.long}.`,
    `Pre-save "${m.title}" now: in your library on ${d.long}.`,
  ],
  (m, g, d) => [
    ...(g ? [`Fresh ${g} from ${m.artist}: "${m.title}" arrives ${d.long}. One tap to pre-save.`] : []),
    `${m.artist} has new music: "${m.title}" arrives ${d.long}. One tap to pre-save.`,
    `"${m.title}" arrives ${d.long}. One tap to pre-save.`,
  ],
  (m, _g, d) => [
    `Mark ${d.long}: "${m.title}" by ${m.artist} is coming. Pre-save it and never miss the drop.`,
    `"${m.title}" is coming ${d.long}. Pre-save it.`,
  ],
];

const DESCRIPTIONS: Candidates[] = [
  () => ['Pre-save now'],
  (_m, _g, d) => [`Out ${d.short}`],
  () => ['Listen on release day'],
  () => ['Save it to your library'],
  () => ['Hear it first'],
];

const FALLBACK: Record<CopyField, (d: { short: string }) => string> = {
  headline: () => 'New music',
  primaryText: (d) => `New music, out ${d.short}. Pre-save now.`,
  description: () => 'Pre-save now',
};

export function writeTemplateVariants(meta: ReleaseMetadata, count: number): CopyDraft[] {
  const date = releaseDateWords(meta.releaseDate);
  const genre = meta.genres.map((g) => g.trim().toLowerCase()).find((g) => g.length > 0 && g.length <= 20) ?? null;
  const limits = COPY_LIMITS[meta.platform];
  const names = [meta.artist, meta.title];
  const notice = meta.explicit ? `${EXPLICIT_NOTICE} ` : '';

  const pick = (field: CopyField, candidates: string[]): string => {
    const prefixed = (text: string) => (field === 'primaryText' ? notice + text : text);
    for (const text of [...candidates, FALLBACK[field](date)].map(prefixed)) {
      if (textLength(text) > limits[field]) continue;
      const probe: CopyDraft = {
        headline: 'x',
        primaryText: meta.explicit ? EXPLICIT_NOTICE : 'x',
        description: 'x',
        [field]: text,
      };
      if (lintCopy(probe, { platform: meta.platform, explicit: meta.explicit, names }).length === 0) return text;
    }
    return prefixed(FALLBACK[field](date));
  };

  return Array.from({ length: Math.min(Math.max(count, 0), MAX_VARIANTS) }, (_, i) => ({
    headline: pick('headline', HEADLINES[i % HEADLINES.length](meta, genre, date)),
    primaryText: pick('primaryText', PRIMARY[i % PRIMARY.length](meta, genre, date)),
    description: pick('description', DESCRIPTIONS[i % DESCRIPTIONS.length](meta, genre, date)),
  }));
}
