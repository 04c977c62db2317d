// Keyed hashes of contact details: equal inputs give equal hashes (so duplicates can be found with an index), but
// without the key nobody can confirm a guessed address. The key is derived from STATE_SIGNING_SECRET.
import { createHmac, hkdfSync } from 'node:crypto';

export function createLookupHasher(secret: string) {
  const key = Buffer.from(hkdfSync('sha256', secret, 'dropday', 'contact lookup hash v1', 32));
  return (value: string) => createHmac('sha256', key).update(value).digest('base64url');
}
