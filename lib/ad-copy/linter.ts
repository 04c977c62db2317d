// The policy linter: every variant is checked before an artist sees it as approvable. Rules, each with a code:
//   missing_text            a field is empty
//   too_long                a field exceeds the platform's limit (limits.ts)
//   unverifiable_claim      promises nobody can verify: guaranteed streams/plays/followers, "#1", "viral", chart
//                           positions (Meta and Google both refuse unsubstantiated claims)
//   prohibited_wording      buying or faking engagement (streams, followers, bots), and a small list of abusive terms
//   personal_attribute      asserting or implying the viewer's personal attributes — health, religion, sexuality,
//                           finances, age… ("Are you depressed?"); Meta's Personal Attributes policy
//   explicit_notice_missing an explicit release: the primary text must carry the notice "Explicit content. 18+."
//                           (both the word "explicit" and "18+"), and the ad campaign must run 18+ only
//   targets_minors          an explicit release's copy addresses minors (kids, teens, students, all ages…)
// The linter is deliberately conservative: a false positive costs one regeneration, a false negative an ad refusal.
import { type AdPlatform, COPY_FIELDS, COPY_LIMITS, type CopyField, FIELD_LABELS, textLength } from './limits';

export interface CopyDraft {
  headline: string;
  primaryText: string;
  description: string;
}

export type ViolationCode =
  | 'missing_text'
  | 'too_long'
  | 'unverifiable_claim'
  | 'prohibited_wording'
  | 'personal_attribute'
  | 'explicit_notice_missing'
  | 'targets_minors'
  | 'blocked_by_model'
  | 'malformed_output'
  // Instagram captions (caption-linter.ts)
  | 'too_many_hashtags'
  | 'too_many_mentions'
  | 'smart_link_missing';

export interface Violation {
  code: ViolationCode;
  field?: CopyField;
  message: string;
}

export const EXPLICIT_NOTICE = 'Explicit content. 18+.';

const UNVERIFIABLE: RegExp[] = [
  /\bguarantee(d|s)?\b/i,
  /#\s?1\b/,
  /\bnumber\s+(one|1)\b/i,
  /\bno\.\s?1\b/i,
  /\bviral\b/i,
  /\b(top|tops|topping|topped)\s+(the\s+)?charts?\b/i,
  /\bchart[- ]topp(ing|er)\b/i,
  /\b\d[\d,.]*\s*(k|m|million|billion|thousand)?\s*(streams|plays|views|followers|listeners)\b/i,
  /\b(best|greatest)\s+(song|album|record|artist|release)\s+(ever|of all time)\b/i,
];

const PROHIBITED: RegExp[] = [
  /\b(buy|buying|purchase|get)\s+(cheap\s+|real\s+|more\s+)?(streams|plays|followers|listeners|likes|views)\b/i,
  /\bfake\b/i,
  /\bbots?\b/i,
  /\bstream(ing)?\s+farms?\b/i,
  /\bfree\s+(streams|followers|plays)\b/i,
  /\b(kill\s+yourself|kys)\b/i,
  /\b(scum|vermin|subhuman)\b/i,
];

// The viewer's attributes, asserted or asked: "are you …", "you're …", "as a …", "fellow …", "your <condition>".
const ATTRIBUTES =
  'depressed|anxious|lonely|suicidal|sick|ill|disabled|diabetic|pregnant|overweight|fat|obese|broke|poor|in debt|' +
  'divorced|single|gay|lesbian|bisexual|trans|transgender|queer|straight|christian|muslim|jewish|hindu|buddhist|' +
  'atheist|black|white|latino|latina|asian|immigrant|old|over \\d+|under \\d+|a teen(ager)?|a student|unemployed';
const PERSONAL: RegExp[] = [
  new RegExp(`\\b(are you|you are|you're|youre|as an?|fellow|other)\\s+(an?\\s+)?(${ATTRIBUTES})s?\\b`, 'i'),
  /\byour\s+(depression|anxiety|diagnosis|illness|disability|debt|divorce|religion|sexuality|weight|medication|condition)\b/i,
  /\b(struggling with|suffering from)\s+\w+/i,
];

const MINORS =
  /\b(kids?|children|child|teens?|teenagers?|under[- ]?18|minors?|all ages|family[- ]friendly|students?|school|youngsters)\b/i;

const matchAny = (patterns: RegExp[], text: string): string | null => {
  for (const p of patterns) {
    const m = p.exec(text);
    if (m) return m[0];
  }
  return null;
};

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The policy rules over one text (names already masked): unverifiable claims, prohibited wording, personal
 * attributes, and — for an explicit release — addressing minors. Shared by ad copy and Instagram captions.
 */
export function policyViolations(
  text: string,
  opts: { field: CopyField; label: string; explicit: boolean },
): Violation[] {
  const { field, label } = opts;
  const violations: Violation[] = [];
  const claim = matchAny(UNVERIFIABLE, text);
  if (claim)
    violations.push({
      code: 'unverifiable_claim',
      field,
      message: `the ${label} makes an unverifiable claim ("${claim}")`,
    });
  const prohibited = matchAny(PROHIBITED, text);
  if (prohibited)
    violations.push({
      code: 'prohibited_wording',
      field,
      message: `the ${label} uses prohibited wording ("${prohibited}")`,
    });
  const personal = matchAny(PERSONAL, text);
  if (personal)
    violations.push({
      code: 'personal_attribute',
      field,
      message: `the ${label} asserts or implies a personal attribute of the viewer ("${personal}")`,
    });
  if (opts.explicit) {
    const minors = MINORS.exec(text);
    if (minors)
      violations.push({
        code: 'targets_minors',
        field,
        message: `the release is explicit but the ${label} addresses minors ("${minors[0]}")`,
      });
  }
  return violations;
}

/** Names (artist, title) are facts, not claims: masked before the policy rules run. */
export function maskNames(names: string[] | undefined): (text: string) => string {
  const sorted = (names ?? [])
    .map((n) => n.trim())
    .filter((n) => n.length > 0)
    .sort((x, y) => y.length - x.length);
  return (text: string) => sorted.reduce((t, n) => t.replace(new RegExp(escapeRegExp(n), 'gi'), '\u2063'), text);
}

/**
 * Checks one variant. `names` (artist name, release title) are facts, not claims: they are masked before the policy
 * rules run, so a release called "Fake Love" or "#1 Crush" can still be advertised.
 */
export function lintCopy(
  draft: CopyDraft,
  opts: { platform: AdPlatform; explicit: boolean; names?: string[] },
): Violation[] {
  const violations: Violation[] = [];
  const labels = FIELD_LABELS[opts.platform];
  const mask = maskNames(opts.names);
  for (const field of COPY_FIELDS) {
    const raw = (draft[field] ?? '').trim();
    const text = mask(raw);
    const label = labels[field];
    if (!raw) {
      violations.push({ code: 'missing_text', field, message: `the ${label} is empty` });
      continue;
    }
    const limit = COPY_LIMITS[opts.platform][field];
    const length = textLength(raw);
    if (length > limit)
      violations.push({
        code: 'too_long',
        field,
        message: `the ${label} has ${length} characters; ${opts.platform} allows ${limit}`,
      });
    violations.push(...policyViolations(text, { field, label, explicit: opts.explicit }));
  }
  const primary = mask(draft.primaryText ?? '');
  if (opts.explicit && primary.trim() && !(/\bexplicit\b/i.test(primary) && primary.includes('18+'))) {
    violations.push({
      code: 'explicit_notice_missing',
      field: 'primaryText',
      message: `the release is explicit: the ${labels.primaryText} must include the notice "${EXPLICIT_NOTICE}"`,
    });
  }
  return violations;
}
