import { type Config, loadConfig } from '../../lib/config';
import { KeyRing } from '../../lib/crypto/keyring';

/** A fresh key ring and configuration for one test file. */
export function testConfig(overrides: Record<string, string> = {}): { config: Config; keyRing: KeyRing } {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ENCRYPTION_KEYS: `k1:${KeyRing.generateKey()}`,
    STATE_SIGNING_SECRET: 'test-signing-secret-0123456789abcdef',
    // Every test client is 127.0.0.1: limits are on only where a test sets them (test/security/rate-limits.test.ts).
    RATE_LIMITS: 'off',
    ...overrides,
  });
  return { config, keyRing: KeyRing.fromConfig(config.ENCRYPTION_KEYS, config.ENCRYPTION_ACTIVE_KEY_ID) };
}
