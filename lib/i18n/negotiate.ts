// Which of our languages a fan reads, from what their browser asks for (RFC 9110 §12.5.4 Accept-Language: ranges
// with q-values). A regional range falls back to its language (pt-BR → pt, de-AT → de); `*` and nothing we speak
// give the default. Bounded: a header of thousands of ranges is read no further than its first few.
import { DEFAULT_LANGUAGE, isLanguage, type Lang } from './languages';

const MAX_HEADER = 512;
const MAX_RANGES = 16;
const RANGE = /^(?:\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$/;
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

interface LanguageRange {
  range: string;
  q: number;
}

/** The header's ranges, best first (equal q: the header's order); malformed ones are dropped, q=0 ones kept out. */
export function parseAcceptLanguage(header: string | undefined | null): LanguageRange[] {
  if (!header) return [];
  const ranges: (LanguageRange & { at: number })[] = [];
  for (const [at, part] of header.slice(0, MAX_HEADER).split(',').slice(0, MAX_RANGES).entries()) {
    const [rawRange, ...params] = part.split(';').map((s) => s.trim());
    const range = rawRange.toLowerCase();
    if (!RANGE.test(range)) continue;
    let q = 1;
    const qParam = params.find((p) => /^q\s*=/i.test(p));
    if (qParam) {
      const value = qParam.replace(/^q\s*=\s*/i, '');
      if (!QVALUE.test(value)) continue;
      q = Number(value);
    }
    if (q > 0) ranges.push({ range, q, at });
  }
  return ranges.sort((a, b) => b.q - a.q || a.at - b.at).map(({ range, q }) => ({ range, q }));
}

/** A language tag (`pt-BR`, `ja`, `EN_us`) as one of ours, or null. */
export function languageOfTag(tag: string | undefined | null): Lang | null {
  if (!tag) return null;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return isLanguage(primary) ? primary : null;
}

/** The best of our languages for an Accept-Language header. */
export function negotiateLanguage(header: string | undefined | null): Lang {
  for (const { range } of parseAcceptLanguage(header)) {
    if (range === '*') return DEFAULT_LANGUAGE;
    const lang = languageOfTag(range);
    if (lang) return lang;
  }
  return DEFAULT_LANGUAGE;
}
