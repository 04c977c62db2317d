// Dates and times as a fan reads them: in their language's conventions (Intl, no dependency) and in their own time
// zone. The zone is an IANA name we checked (db/campaigns.ts isKnownTimeZone) or the campaign's; a zone Intl does
// not know falls back to UTC, said in the text, rather than failing a page or a message.
import { type Lang } from './languages';

/** The zone itself when Intl knows it, else UTC (then named in the text by zoneSuffix). */
function knownZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

const formatter = (lang: Lang, timeZone: string, options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat(lang, { ...options, timeZone: knownZone(timeZone) });

/** An instant (a release, a pre-save's delivery) in the fan's zone, with the zone named: "5 December 2026 at 00:00 CET". */
export function formatInstant(lang: Lang, instantMs: number, timeZone: string): string {
  return formatter(lang, timeZone, { dateStyle: 'long', timeStyle: 'short' })
    .format(new Date(instantMs))
    .concat(zoneSuffix(lang, instantMs, timeZone));
}

/** A date alone (a deletion's completion) in the fan's zone. */
export function formatDate(lang: Lang, instantMs: number, timeZone = 'UTC'): string {
  return formatter(lang, timeZone, { dateStyle: 'long' }).format(new Date(instantMs));
}

/**
 * A local release's wall-clock moment ("00:00 on 5 December", the same figures in every zone): the date and time
 * as the artist set them, in the fan's language, with no zone (the sentence says "in your own time zone").
 */
export function formatWallClock(lang: Lang, date: string, time: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d, hh, mm)),
  );
}

/** The zone's short name in the language ("CET", "GMT+9"), so an instant is never read in the wrong zone. */
function zoneSuffix(lang: Lang, instantMs: number, timeZone: string): string {
  const name = new Intl.DateTimeFormat(lang, { timeZone: knownZone(timeZone), timeZoneName: 'short' })
    .formatToParts(new Date(instantMs))
    .find((p) => p.type === 'timeZoneName')?.value;
  return name ? ` (${name})` : '';
}
