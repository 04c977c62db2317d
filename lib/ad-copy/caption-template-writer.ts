// The deterministic caption writer: used when no GEMINI_API_KEY is configured, and when Gemini fails (an artist
// asking for a caption gets one now rather than after a provider's outage). Filled-in templates over the release
// metadata; the smart link is added by the caller (withSmartLink). Each caption passes the caption linter.
import { lintCaption, withSmartLink } from './caption-linter';
import { releaseDateWords, type ReleaseMetadata } from './metadata';

export type CaptionMetadata = Omit<ReleaseMetadata, 'platform'>;

type Template = (m: CaptionMetadata, date: { long: string; short: string }, genre: string | null) => string;

const CAPTIONS: Template[] = [
  (m, d) => `"${m.title}" by ${m.artist} is out ${d.long}. Pre-save it now and hear it the moment it drops.`,
  (m, d, g) =>
    `New ${g ? `${g} ` : ''}music from ${m.artist}: "${m.title}" arrives ${d.long}. Tap the link to pre-save.`,
  (m, d) => `Mark ${d.long}: "${m.title}" lands. Pre-save it and it is in your library on release day.`,
  (m) => `${m.artist} has something new for you. "${m.title}" — pre-save it today.`,
  (m, d) => `Be first to hear "${m.title}". Out ${d.long}; pre-save now. #newmusic`,
];

export function writeTemplateCaptions(meta: CaptionMetadata, count: number, smartLink: string): string[] {
  const date = releaseDateWords(meta.releaseDate);
  const genre = meta.genres.map((g) => g.trim().toLowerCase()).find((g) => g.length > 0 && g.length <= 20) ?? null;
  const fallback = `New music, out ${date.short}. Pre-save now.`;
  const clean = (text: string) =>
    lintCaption(withSmartLink(text, smartLink), {
      explicit: meta.explicit,
      names: [meta.artist, meta.title],
      smartLink,
    }).length === 0;
  return Array.from({ length: Math.min(Math.max(count, 0), CAPTIONS.length) }, (_, i) => {
    const text = CAPTIONS[i](meta, date, genre);
    return withSmartLink(clean(text) ? text : fallback, smartLink);
  });
}
