import { createHash, randomBytes } from 'node:crypto';

/** API keys are shown once and stored only as this hash; they are long and random, so no slow KDF is needed. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

export function generateApiKey(role: 'artist' | 'ops'): string {
  return `dd_${role}_${randomBytes(24).toString('base64url')}`;
}
