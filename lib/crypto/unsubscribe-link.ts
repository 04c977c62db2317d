// The unsubscribe link of every message to a subscriber (POST /u/:token in api/routes/subscribers.ts unsubscribes):
// signed for the purpose `unsubscribe`, valid for five years so that an old message still unsubscribes.
import { type Config } from '../config';
import { signingKeys } from './signed-value';

const UNSUBSCRIBE_LINK_TTL_MS = 5 * 365 * 24 * 3600_000;

export function unsubscribeLink(
  config: Pick<Config, 'PUBLIC_URL' | 'SIGNING_KEYS' | 'STATE_SIGNING_SECRET'>,
  subscriberId: string,
): string {
  return `${config.PUBLIC_URL}/u/${signingKeys(config).sign('unsubscribe', { s: subscriberId }, UNSUBSCRIBE_LINK_TTL_MS)}`;
}
