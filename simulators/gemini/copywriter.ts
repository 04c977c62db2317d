// The simulator's "model": deterministic copy (and Instagram captions) built from what the prompt says — the release JSON line, the number
// of variants asked for, "<field> (...): at most N characters" limits and a required notice. Different prompts
// (feedback, refusal reasons) pick different phrasings, the same prompt always gives the same answer.
import { createHash } from 'node:crypto';

export interface PromptFacts {
  count: number;
  release: { artist?: string; title?: string; genres?: string[]; releaseDate?: string; explicit?: boolean };
  limits: Record<string, number>;
  notice: string | null;
  feedback: string | null;
}

export function readPrompt(text: string): PromptFacts {
  const count = Number(/Write (\d+)\b/.exec(text)?.[1] ?? 1);
  let release: PromptFacts['release'] = {};
  const json = /Release \(JSON\): (\{.*\})/.exec(text)?.[1];
  if (json) {
    try {
      release = JSON.parse(json) as PromptFacts['release'];
    } catch {
      release = {};
    }
  }
  const limits: Record<string, number> = {};
  for (const m of text.matchAll(/^- (\w+)[^:\n]*: at most (\d+) characters/gm)) limits[m[1]] = Number(m[2]);
  const notice = /must include the notice "([^"]+)"/.exec(text)?.[1] ?? null;
  const feedback = /rejected the previous variants with this feedback: (.*)$/m.exec(text)?.[1] ?? null;
  return { count: Math.min(Math.max(count, 1), 8), release, limits, notice, feedback };
}

const OPENERS = [
  (a: string, t: string) => `${a} drops "${t}"`,
  (a: string, t: string) => `"${t}" is the new one from ${a}`,
  (a: string, t: string) => `Meet "${t}", new music by ${a}`,
  (a: string, t: string) => `${a} is back with "${t}"`,
  (a: string, t: string) => `"${t}" by ${a} is almost here`,
];
const FRESH_OPENERS = [
  (a: string, t: string) => `Turn it up: "${t}" from ${a}`,
  (a: string, t: string) => `${a} brings "${t}" your way`,
  (a: string, t: string) => `Say hello to "${t}" by ${a}`,
  (a: string, t: string) => `"${t}" marks a new chapter for ${a}`,
  (a: string, t: string) => `Straight from ${a}: "${t}"`,
];
const HEADLINES = [
  (t: string) => `${t} is coming`,
  (t: string) => `Pre-save ${t}`,
  (t: string) => `New: ${t}`,
  (t: string) => `${t}, out soon`,
  (t: string) => `Hear ${t} first`,
];
const DESCRIPTIONS = [
  'Pre-save today',
  'Out on release day',
  'Save it now',
  'Be first to listen',
  'Add it to your library',
];

/** Cuts at a word boundary so the text fits `limit` characters (no limit given: unchanged). */
function fit(text: string, limit: number | undefined): string {
  if (!limit || [...text].length <= limit) return text;
  const words = text.split(' ');
  while (words.length > 1 && [...words.join(' ')].length > limit) words.pop();
  return [...words.join(' ')].slice(0, limit).join('');
}

export function writeCopy(
  prompt: string,
): { headline: string; primaryText: string; description: string; caption: string }[] {
  const facts = readPrompt(prompt);
  const artist = facts.release.artist ?? 'the artist';
  const title = facts.release.title ?? 'the new release';
  const genre = facts.release.genres?.[0];
  const seed = createHash('sha256').update(prompt).digest().readUInt32BE(0);
  const openers = facts.feedback ? FRESH_OPENERS : OPENERS;
  return Array.from({ length: facts.count }, (_, i) => {
    const k = (seed + i) % 5;
    const opener = openers[k](artist, title);
    const date = facts.release.releaseDate ? ` on ${facts.release.releaseDate}` : '';
    const notice = facts.notice ? `${facts.notice} ` : '';
    const room = facts.limits.primaryText === undefined ? Infinity : facts.limits.primaryText - [...notice].length;
    // Like a writer told the limit: the fullest sentence that fits, then shorter ones, cutting words only last.
    const bodies = [
      `${opener}${genre ? `, fresh ${genre}` : ''}${date}. Pre-save it now.`,
      `${opener}${date}. Pre-save it now.`,
      `${opener}. Pre-save it now.`,
      `${opener}.`,
    ];
    const body = bodies.find((b) => [...b].length <= room) ?? fit(bodies[bodies.length - 1], room);
    // An Instagram caption (asked for as `caption`): the fuller sentence and a few hashtags, within its limit.
    const tags = ['#newmusic', ...(genre ? [`#${genre.replace(/[^\p{L}\p{N}_]/gu, '')}`] : []), '#presave'];
    return {
      headline: fit(HEADLINES[k](title), facts.limits.headline),
      primaryText: notice + body,
      description: fit(DESCRIPTIONS[(k + i) % 5], facts.limits.description),
      caption: fit(`${bodies[0]}\n\n${tags.join(' ')}`, facts.limits.caption),
    };
  });
}
