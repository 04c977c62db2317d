// The Instagram caption linter and template writer: Instagram's limits, the smart link, the shared policy rules
// (names are facts, not claims), and template captions that always pass.
import { lintCaption, withSmartLink } from '../../lib/ad-copy/caption-linter';
import { writeTemplateCaptions } from '../../lib/ad-copy/caption-template-writer';
import { buildCaptionPrompt } from '../../lib/ad-copy/caption-prompt';

const LINK = 'https://dropday.example/l/midnight-sun';
const lint = (caption: string, explicit = false, names: string[] = []) =>
  lintCaption(caption, { explicit, names, smartLink: LINK }).map((v) => v.code);

describe('caption linter', () => {
  it('passes a plain caption with the link, and names what each broken one breaks', () => {
    expect(lint(withSmartLink('Out now. Pre-save it #newmusic @friend', LINK))).toEqual([]);
    expect(lint('Out now, no link')).toEqual(['smart_link_missing']);
    expect(lint('   ')).toEqual(['missing_text']);
    expect(lint(withSmartLink('x'.repeat(2200), LINK))).toEqual(['too_long']);
    const tags = Array.from({ length: 31 }, (_, i) => `#t${i}`).join(' ');
    expect(lint(withSmartLink(tags, LINK))).toEqual(['too_many_hashtags']);
    const mentions = Array.from({ length: 21 }, (_, i) => `@u${i}`).join(' ');
    expect(lint(withSmartLink(mentions, LINK))).toEqual(['too_many_mentions']);
    expect(lint(withSmartLink('Guaranteed to go viral', LINK))).toEqual(['unverifiable_claim']);
    expect(lint(withSmartLink('Buy streams here', LINK))).toEqual(['prohibited_wording']);
    expect(lint(withSmartLink('For all ages!', LINK), true)).toEqual(['targets_minors']);
    expect(lint(withSmartLink('"Fake Love" is out', LINK), false, ['Fake Love'])).toEqual([]);
  });

  it('adds the link once, on its own line', () => {
    expect(withSmartLink(' Out now ', LINK)).toBe(`Out now\n\n${LINK}`);
    expect(withSmartLink(`Here: ${LINK}`, LINK)).toBe(`Here: ${LINK}`);
  });
});

describe('caption template writer', () => {
  it('writes captions that pass the linter, for plain and explicit releases, awkward names included', () => {
    for (const meta of [
      { artist: 'Luna Vey', title: 'Midnight Sun', genres: ['indie pop'], releaseDate: '2026-12-04', explicit: false },
      { artist: 'Bots', title: '#1 Fake Viral Kids', genres: [], releaseDate: '2027-01-31', explicit: true },
    ]) {
      const captions = writeTemplateCaptions(meta, 5, LINK);
      expect(captions).toHaveLength(5);
      for (const c of captions)
        expect(lintCaption(c, { ...meta, names: [meta.artist, meta.title], smartLink: LINK })).toEqual([]);
    }
  });

  it('asks the model for words only: facts, the room left by the link, no link', () => {
    const prompt = buildCaptionPrompt({
      meta: { artist: 'Luna Vey', title: 'Midnight Sun', genres: [], releaseDate: '2026-12-04', explicit: false },
      count: 2,
      smartLink: LINK,
      feedback: 'shorter',
    });
    expect(prompt.user).toContain('Write 2 Instagram captions');
    expect(prompt.user).toContain(`at most ${2200 - LINK.length - 2} characters`);
    expect(prompt.user).toContain('"shorter"');
    expect(`${prompt.system}${prompt.user}`).not.toContain(LINK);
  });
});
