// The streaming platforms a smart link can list, with the hosts a release link on each may point at. The hosts are
// the platforms' own public web domains (checked by hand on each platform's share links, see docs/smart-link.md):
// an artist's link is accepted only on https and one of these hosts, so a smart link cannot be turned into an open
// redirect to anywhere.
export const PLATFORMS = [
  'spotify',
  'apple_music',
  'youtube_music',
  'deezer',
  'tidal',
  'amazon_music',
  'soundcloud',
  'bandcamp',
  'beatport',
  'audiomack',
] as const;
export type Platform = (typeof PLATFORMS)[number];

interface PlatformFacts {
  label: string;
  /** exact hosts, or `.suffix` for any subdomain of it (Bandcamp artists live on <artist>.bandcamp.com) */
  hosts: readonly string[];
}

export const PLATFORM_FACTS: Record<Platform, PlatformFacts> = {
  spotify: { label: 'Spotify', hosts: ['open.spotify.com'] },
  apple_music: { label: 'Apple Music', hosts: ['music.apple.com', 'geo.music.apple.com'] },
  youtube_music: { label: 'YouTube Music', hosts: ['music.youtube.com'] },
  deezer: { label: 'Deezer', hosts: ['www.deezer.com', 'deezer.com', 'deezer.page.link', 'link.deezer.com'] },
  tidal: { label: 'TIDAL', hosts: ['tidal.com', 'listen.tidal.com'] },
  amazon_music: {
    label: 'Amazon Music',
    hosts: ['music.amazon.com', 'music.amazon.co.uk', 'music.amazon.de', 'music.amazon.fr', 'music.amazon.co.jp'],
  },
  soundcloud: { label: 'SoundCloud', hosts: ['soundcloud.com', 'on.soundcloud.com'] },
  bandcamp: { label: 'Bandcamp', hosts: ['bandcamp.com', '.bandcamp.com'] },
  beatport: { label: 'Beatport', hosts: ['www.beatport.com', 'beatport.com'] },
  audiomack: { label: 'Audiomack', hosts: ['audiomack.com'] },
};

export const isPlatform = (value: string): value is Platform => (PLATFORMS as readonly string[]).includes(value);

/** Why `url` is not a release link on `platform`, or null when it is one. */
export function platformUrlProblem(platform: Platform, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute URL';
  }
  if (parsed.protocol !== 'https:') return 'must be an https URL';
  if (parsed.username || parsed.password || parsed.port) return 'must not carry credentials or a port';
  const host = parsed.hostname.toLowerCase();
  const hosts = PLATFORM_FACTS[platform].hosts;
  const known = hosts.some((h) => (h.startsWith('.') ? host.endsWith(h) && host.length > h.length : host === h));
  return known ? null : `must be a link on ${hosts.map((h) => (h.startsWith('.') ? `*${h}` : h)).join(', ')}`;
}
