// The copy checks every variant goes through: platform length limits, the policy linter and the template writer
// that must always pass both.
import { parseRetryDelay } from '../../lib/providers/gemini';
import { EXPLICIT_NOTICE, lintCopy, type CopyDraft } from '../../lib/ad-copy/linter';
import { COPY_LIMITS } from '../../lib/ad-copy/limits';
import { buildCopyPrompt } from '../../lib/ad-copy/prompt';
import { writeTemplateVariants } from '../../lib/ad-copy/template-writer';
import { type ReleaseMetadata } from '../../lib/ad-copy/metadata';
import { loadConfig } from '../../lib/config';
import { readPrompt, writeCopy } from '../../simulators/gemini/copywriter';

const clean: CopyDraft = {
  headline: 'Midnight Sun is out',
  primaryText: 'Luna Vey releases "Midnight Sun" on 12 December. Pre-save it now.',
  description: 'Pre-save now',
};
const codes = (
  draft: Partial<CopyDraft>,
  opts: { platform?: 'meta' | 'google'; explicit?: boolean; names?: string[] } = {},
) =>
  lintCopy(
    { ...clean, ...draft },
    { platform: opts.platform ?? 'meta', explicit: opts.explicit ?? false, names: opts.names },
  ).map((v) => `${v.code}:${v.field ?? ''}`);

describe('length limits', () => {
  it('uses the documented per-platform limits', () => {
    expect(COPY_LIMITS.meta).toEqual({ headline: 40, primaryText: 125, description: 30 });
    expect(COPY_LIMITS.google).toEqual({ headline: 40, primaryText: 90, description: 90 });
  });

  it('accepts text at the limit and refuses one character more, per platform', () => {
    expect(codes({ headline: 'h'.repeat(40) })).toEqual([]);
    expect(codes({ headline: 'h'.repeat(41) })).toEqual(['too_long:headline']);
    expect(codes({ primaryText: 'p'.repeat(125) })).toEqual([]);
    expect(codes({ primaryText: 'p'.repeat(126) })).toEqual(['too_long:primaryText']);
    expect(codes({ description: 'd'.repeat(31) })).toEqual(['too_long:description']);
    expect(codes({ description: 'd'.repeat(31) }, { platform: 'google' })).toEqual([]);
    expect(codes({ primaryText: 'p'.repeat(91) }, { platform: 'google' })).toEqual(['too_long:primaryText']);
  });

  it('counts characters, not UTF-16 units (an emoji is one)', () => {
    expect(codes({ headline: `${'h'.repeat(39)}🔥` })).toEqual([]);
  });

  it('refuses empty fields', () => {
    expect(codes({ description: '  ' })).toEqual(['missing_text:description']);
  });

  it('names the limit in the message', () => {
    const [v] = lintCopy({ ...clean, headline: 'h'.repeat(45) }, { platform: 'meta', explicit: false });
    expect(v.message).toBe('the headline has 45 characters; meta allows 40');
  });
});

describe('policy linter', () => {
  it.each([
    ['Guaranteed 1M streams in week one', 'unverifiable_claim'],
    ['The #1 album of the year', 'unverifiable_claim'],
    ['Number one on every chart', 'unverifiable_claim'],
    ['This one is going viral', 'unverifiable_claim'],
    ['Chart-topping new single', 'unverifiable_claim'],
    ['Join 50,000 followers today', 'unverifiable_claim'],
    ['Buy streams for your playlist', 'prohibited_wording'],
    ['Get more followers fast', 'prohibited_wording'],
    ['No fake hype, just music', 'prohibited_wording'],
    ['Powered by stream farms', 'prohibited_wording'],
    ['Are you depressed? This song helps', 'personal_attribute'],
    ["You're single this winter, so listen", 'personal_attribute'],
    ['For fellow Christians everywhere', 'personal_attribute'],
    ['Music for your anxiety', 'personal_attribute'],
  ])('flags %j as %s', (text, code) => {
    expect(codes({ primaryText: text }).map((c) => c.split(':')[0])).toContain(code);
  });

  it('passes ordinary release copy', () => {
    expect(codes({})).toEqual([]);
    expect(
      codes({ primaryText: 'New single out Friday. Stream it on release day and add it to your library.' }),
    ).toEqual([]);
  });

  it('does not flag the artist name or title themselves', () => {
    expect(codes({ headline: 'Fake Love by Viral Kid' }).sort()).toEqual([
      'prohibited_wording:headline',
      'unverifiable_claim:headline',
    ]);
    expect(codes({ headline: 'Fake Love by Viral Kid' }, { names: ['Viral Kid', 'Fake Love'] })).toEqual([]);
    expect(codes({ headline: 'Fake Love: a fake hit' }, { names: ['Fake Love'] })).toEqual([
      'prohibited_wording:headline',
    ]);
  });

  it('requires the explicit notice in the primary text of an explicit release', () => {
    expect(codes({}, { explicit: true })).toEqual(['explicit_notice_missing:primaryText']);
    expect(codes({ primaryText: `${EXPLICIT_NOTICE} Luna Vey is back.` }, { explicit: true })).toEqual([]);
    expect(codes({ primaryText: 'Explicit lyrics. Luna Vey is back.' }, { explicit: true })).toEqual([
      'explicit_notice_missing:primaryText',
    ]);
    expect(codes({ primaryText: '18+ only. Luna Vey is back.' }, { explicit: true })).toEqual([
      'explicit_notice_missing:primaryText',
    ]);
  });

  it('refuses explicit copy that addresses minors, and allows those words for a clean release', () => {
    const kids = { primaryText: `${EXPLICIT_NOTICE} Perfect for kids and teens.` };
    expect(codes(kids, { explicit: true })).toEqual(['targets_minors:primaryText']);
    expect(codes({ description: 'Fun for all ages' }, { explicit: false })).toEqual([]);
    expect(
      codes({ primaryText: `${EXPLICIT_NOTICE} Out now.`, description: 'Fun for all ages' }, { explicit: true }),
    ).toEqual(['targets_minors:description']);
  });
});

describe('template writer', () => {
  const release = (over: Partial<ReleaseMetadata> = {}): ReleaseMetadata => ({
    artist: 'Luna Vey',
    title: 'Midnight Sun',
    genres: ['Synth-pop'],
    releaseDate: '2026-12-12',
    explicit: false,
    platform: 'meta',
    ...over,
  });
  const cases: [string, ReleaseMetadata][] = [
    ['meta', release()],
    ['google', release({ platform: 'google' })],
    ['explicit meta', release({ explicit: true })],
    ['explicit google', release({ platform: 'google', explicit: true })],
    [
      'very long names',
      release({
        artist: 'The Extraordinarily Long-Named Orchestra of Somewhere Far Away',
        title: 'A Title That Goes On And On Far Beyond Any Headline Limit Ever Set',
      }),
    ],
    ['names that look like claims', release({ artist: 'Viral Kid', title: 'Fake #1 Guaranteed', genres: [] })],
    ['no genres, explicit, long title', release({ genres: [], explicit: true, title: 'x'.repeat(200) })],
  ];

  it.each(cases)('writes five variants that pass limits and linter (%s)', (_name, meta) => {
    const variants = writeTemplateVariants(meta, 5);
    expect(variants).toHaveLength(5);
    for (const v of variants)
      expect(
        lintCopy(v, { platform: meta.platform, explicit: meta.explicit, names: [meta.artist, meta.title] }),
      ).toEqual([]);
    expect(new Set(variants.map((v) => v.headline + v.primaryText + v.description)).size).toBe(5);
  });

  it('is deterministic and uses the metadata', () => {
    const a = writeTemplateVariants(release(), 3);
    expect(writeTemplateVariants(release(), 3)).toEqual(a);
    expect(a[0].headline).toBe('Midnight Sun — out 12 Dec');
    expect(a[0].primaryText).toContain('Luna Vey');
    expect(a[1].primaryText).toContain('synth-pop');
    expect(a.map((v) => v.primaryText).join(' ')).toContain('12 December 2026');
  });

  it('puts the explicit notice first for explicit releases', () => {
    for (const v of writeTemplateVariants(release({ explicit: true }), 5))
      expect(v.primaryText.startsWith(EXPLICIT_NOTICE)).toBe(true);
  });
});

describe('prompt', () => {
  it('carries release metadata, limits, the explicit rule, refusals and feedback — and the simulator reads them back', () => {
    const meta: ReleaseMetadata = {
      artist: 'Luna Vey',
      title: 'Midnight Sun',
      genres: ['synth-pop'],
      releaseDate: '2026-12-12',
      explicit: true,
      platform: 'google',
    };
    const prompt = buildCopyPrompt({
      meta,
      count: 2,
      refused: [{ code: 'too_long', field: 'headline', message: 'the headline has 50 characters; google allows 40' }],
      feedback: 'more upbeat',
    });
    const facts = readPrompt(prompt.user);
    expect(facts).toEqual({
      count: 2,
      release: {
        artist: 'Luna Vey',
        title: 'Midnight Sun',
        genres: ['synth-pop'],
        releaseDate: '2026-12-12',
        explicit: true,
        platform: 'google',
      },
      limits: { headline: 40, primaryText: 90, description: 90 },
      notice: EXPLICIT_NOTICE,
      feedback: '"more upbeat"',
    });
    expect(prompt.user).toContain('too_long: the headline has 50 characters');
    const written = writeCopy(prompt.user);
    expect(written).toHaveLength(2);
    for (const v of written)
      expect(lintCopy(v, { platform: 'google', explicit: true, names: ['Luna Vey', 'Midnight Sun'] })).toEqual([]);
  });
});

describe('configuration and retry hints', () => {
  it('defaults: a configurable model, bounded rounds and rejections, a 7-day approval window', () => {
    const config = loadConfig({ ENCRYPTION_KEYS: 'k1:AAAA', STATE_SIGNING_SECRET: 's'.repeat(32) });
    expect(config).toMatchObject({
      GEMINI_MODEL: 'gemini-2.5-flash',
      AD_COPY_MAX_REGENERATIONS: 2,
      AD_COPY_MAX_REJECTIONS: 5,
      AD_COPY_APPROVAL_TIMEOUT_SECONDS: 604_800,
    });
    expect(config.GEMINI_API_KEY).toBeUndefined();
    expect(() =>
      loadConfig({ ENCRYPTION_KEYS: 'k1:AAAA', STATE_SIGNING_SECRET: 's'.repeat(32), GEMINI_MODEL: 'bad model id' }),
    ).toThrow(/GEMINI_MODEL/);
  });

  it('reads google.rpc.RetryInfo delays', () => {
    expect(parseRetryDelay('17s')).toBe(17_000);
    expect(parseRetryDelay('1.5s')).toBe(1_500);
    expect(parseRetryDelay('soon')).toBeUndefined();
    expect(parseRetryDelay(undefined)).toBeUndefined();
  });
});
