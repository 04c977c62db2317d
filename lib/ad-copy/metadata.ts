// The only facts about a release that copy generation may use — and the only ones sent to a model. Nothing here
// is about a fan: no e-mail, no listener counts, no Spotify data.
import { type AdPlatform } from './limits';

export interface ReleaseMetadata {
  artist: string;
  title: string;
  genres: string[];
  releaseDate: string; // YYYY-MM-DD
  explicit: boolean;
  platform: AdPlatform;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "12 December 2026" and "12 Dec" — computed from the calendar date alone, no time zone involved. */
export function releaseDateWords(date: string): { long: string; short: string } {
  const [y, m, d] = date.split('-').map(Number);
  const month = MONTHS[(m - 1) % 12] ?? '';
  return { long: `${d} ${month} ${y}`, short: `${d} ${month.slice(0, 3)}` };
}
