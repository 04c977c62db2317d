// The link that stops a fan's forever-save with one artist (docs/forever-save.md): on the thank-you page, in every
// message to the fan and on the deletion page. Signed for its own purpose and valid for five years, like the
// unsubscribe link, so an old message still stops it. It names the opt-in, never the fan.
import { z } from 'zod';
import { type Config } from '../config';
import { SignedValueError, signingKeys } from './signed-value';

const STOP_LINK_TTL_MS = 5 * 365 * 24 * 3600_000;
export const FOREVER_SAVE_STOP_PATH = '/f';

type SigningConfig = Pick<Config, 'SIGNING_KEYS' | 'STATE_SIGNING_SECRET'>;

export function foreverSaveStopToken(config: SigningConfig, foreverSaveId: string): string {
  return signingKeys(config).sign('forever-save-stop', { f: foreverSaveId }, STOP_LINK_TTL_MS);
}

export function foreverSaveStopLink(config: SigningConfig & Pick<Config, 'PUBLIC_URL'>, foreverSaveId: string): string {
  return `${config.PUBLIC_URL}${FOREVER_SAVE_STOP_PATH}/${foreverSaveStopToken(config, foreverSaveId)}`;
}

/** The opt-in a stop link names, or null when the token is not one of ours (forged, expired, another purpose). */
export function foreverSaveOfStopToken(config: SigningConfig, token: string): string | null {
  try {
    const { payload } = signingKeys(config).verify<{ f?: unknown }>('forever-save-stop', token);
    return z.string().uuid().safeParse(payload.f).success ? (payload.f as string) : null;
  } catch (error) {
    if (error instanceof SignedValueError) return null;
    throw error;
  }
}
