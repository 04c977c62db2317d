// The pieces every process builds from its configuration, once.
import { type Config } from './config';
import { KeyRing } from './crypto/keyring';

export function keyRingFrom(config: Config): KeyRing {
  return KeyRing.fromConfig(config.ENCRYPTION_KEYS, config.ENCRYPTION_ACTIVE_KEY_ID);
}

export function databaseUrlFrom(config: Config): string {
  if (!config.DATABASE_URL) {
    throw new Error('DATABASE_URL is required (npm run dev starts an embedded PostgreSQL and sets it for you)');
  }
  return config.DATABASE_URL;
}
