// Keyed hashes of contact details (and of IPs and user agents for the abuse rules): equal inputs give equal hashes
// (so duplicates can be found with an index), but without the key nobody can confirm a guessed address.
//
// The key is LOOKUP_HASH_SECRET, or, unset, STATE_SIGNING_SECRET (the secret it was derived from before the signing
// key ring existed, so existing hashes keep matching). It is deliberately not part of the signing ring: a hash is
// stored and compared for years, so a new key would make every stored hash unfindable until each row is hashed again
// from its decrypted value. Rotating the signing keys never touches it.
import { createHmac, createSecretKey, hkdfSync } from 'node:crypto';

export function createLookupHasher(secret: string) {
  // A KeyObject made once: createHmac with a raw buffer wraps it anew on every call (a quarter of the hash's cost
  // on the smart link, which hashes each view's IP address and user agent).
  const key = createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'dropday', 'contact lookup hash v1', 32)));
  return (value: string) => createHmac('sha256', key).update(value).digest('base64url');
}

/** The lookup hash secret of a validated configuration (loadConfig guarantees one of the two). */
export function lookupHashSecret(config: { LOOKUP_HASH_SECRET?: string; STATE_SIGNING_SECRET?: string }): string {
  const secret = config.LOOKUP_HASH_SECRET ?? config.STATE_SIGNING_SECRET;
  if (!secret) throw new Error('LOOKUP_HASH_SECRET or STATE_SIGNING_SECRET is required');
  return secret;
}
