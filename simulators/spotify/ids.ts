import { createHash, randomBytes, randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const LOWER_ALNUM = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Spotify catalog ids (albums, tracks, artists, ...) are 22 base62 characters. */
export const BASE62_ID = /^[0-9A-Za-z]{22}$/;

/** Spotify user ids are free-form for old accounts; we accept the characters seen in the wild. */
export const USER_ID = /^[0-9A-Za-z._-]{1,64}$/;

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export function newBase62Id(): string {
  return randomString(BASE62, 22);
}

/** New Spotify accounts get 25-28 lowercase alphanumeric user ids. */
export function newUserId(): string {
  return randomString(LOWER_ALNUM, 25);
}

/** The pseudonymous, immutable `account_id` of the private user object. */
export function newAccountId(): string {
  return randomString(BASE62, 16);
}

/** Opaque bearer values; the prefixes mimic Spotify's (access tokens "BQ", refresh tokens "AQ"). */
export function newOpaqueToken(prefix: string): string {
  return prefix + randomBytes(48).toString('base64url');
}

/** PKCE S256: base64url(sha256(code_verifier)), unpadded. */
export function s256Challenge(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier).digest('base64url');
}
