// Reading one cookie from a request's Cookie header, for every route that needs one (sign-in state, sessions,
// the fan id, ad-measurement consent and Meta's _fbc/_fbp). Express has no cookie parser by default, and one
// small function is all these few reads need.
export function parseCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/** Set after a pre-save: the fan's (pseudonymous) id, so the thank-you page and the subscribe form know them. */
export const FAN_COOKIE = 'play_spotify_uid';
