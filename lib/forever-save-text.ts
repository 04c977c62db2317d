// Every fan-facing word of forever-save (docs/forever-save.md), in one place for the message catalogue: the pages
// (api/pages/forever-save.ts) and the messages (activities/mail.ts) both read it. The consent wording is stored with
// each opt-in as shown, with its version.
/** Bump when the consent wording changes in meaning: each opt-in keeps the version (and words) it was given. */
export const FOREVER_SAVE_CONSENT_VERSION = 'forever-save-1';

export const FOREVER_SAVE_TEXT = {
  consent: (artist: string) =>
    `Also save ${artist}'s next releases to my library when they come out, with this same sign-in, without asking me again. Only ${artist}. I can stop it at any time: the link is on the next page, in every message we send me and on the "Delete my data" page.`,
  thanks: (artist: string) => `We will also save ${artist}'s next releases for you.`,
  stopLinkLabel: 'Stop saving their next releases',
  stopQuestion: (artist: string) => `Stop saving ${artist}'s next releases?`,
  stopButton: 'Stop',
  stoppedTitle: 'Stopped',
  stopped: (artist: string) =>
    `We will not save ${artist}'s next releases for you any more. Releases you pre-saved yourself stay as they are.`,
  invalidTitle: 'Link not valid',
  invalid: 'This link is not valid. You can also stop it from the "Delete my data" page.',
  deletionHeading: 'Next releases we save for you',
  deletionNone: 'None from this browser.',
  message: (artist: string, link: string) => `Stop saving ${artist}'s next releases: ${link}`,
} as const;
