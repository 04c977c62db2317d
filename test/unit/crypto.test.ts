import { KeyRing } from '../../lib/crypto/keyring';
import { codeChallengeS256, createCodeVerifier } from '../../lib/crypto/pkce';
import { type SignedValueError, SigningKeys } from '../../lib/crypto/signed-value';

const ring = (secret: string) => SigningKeys.fromConfig({ STATE_SIGNING_SECRET: secret });
const signValue = (secret: string, payload: unknown, ttlMs: number, now?: number) =>
  ring(secret).sign('unsubscribe', payload, ttlMs, now);
const verifyValue = <T>(secret: string, value: string, now?: number) =>
  ring(secret).verify<T>('unsubscribe', value, { now });

describe('KeyRing (AES-256-GCM with key ids)', () => {
  const k1 = KeyRing.generateKey();
  const k2 = KeyRing.generateKey();

  it('round-trips and never stores the plaintext', () => {
    const ring = KeyRing.fromConfig(`k1:${k1}`);
    const sealed = ring.encrypt('BQ-secret-access-token');
    expect(sealed).toMatch(/^enc:v1:k1:/);
    expect(sealed).not.toContain('BQ-secret');
    expect(ring.decrypt(sealed)).toBe('BQ-secret-access-token');
    // a fresh IV each time
    expect(ring.encrypt('same')).not.toBe(ring.encrypt('same'));
  });

  it('rejects tampered ciphertext and a wrong binding', () => {
    const ring = KeyRing.fromConfig(`k1:${k1}`);
    const sealed = ring.encrypt('token', 'fan_tokens:1');
    const bytes = Buffer.from(sealed.split(':')[3], 'base64');
    bytes[bytes.length - 1] ^= 1;
    const tampered = `enc:v1:k1:${bytes.toString('base64')}`;
    expect(() => ring.decrypt(tampered, 'fan_tokens:1')).toThrow();
    expect(() => ring.decrypt(sealed, 'fan_tokens:2')).toThrow();
    expect(ring.decrypt(sealed, 'fan_tokens:1')).toBe('token');
  });

  it('rotates: new data under the new key, old ciphertexts still open, reseal moves them forward', () => {
    const before = KeyRing.fromConfig(`k1:${k1}`);
    const old = before.encrypt('refresh-token', 'row-7');
    const after = KeyRing.fromConfig(`k1:${k1},k2:${k2}`);
    expect(after.activeKeyId).toBe('k2');
    expect(after.decrypt(old, 'row-7')).toBe('refresh-token');
    const resealed = after.reseal(old, 'row-7');
    expect(resealed).not.toBeNull();
    expect(after.keyIdOf(resealed!)).toBe('k2');
    expect(after.decrypt(resealed!, 'row-7')).toBe('refresh-token');
    expect(after.reseal(resealed!, 'row-7')).toBeNull();
    // once k1 is retired, only resealed values open
    const retired = KeyRing.fromConfig(`k2:${k2}`);
    expect(() => retired.decrypt(old, 'row-7')).toThrow(/unknown encryption key id k1/);
    expect(retired.decrypt(resealed!, 'row-7')).toBe('refresh-token');
  });

  it('refuses malformed key rings', () => {
    expect(() => KeyRing.fromConfig('k1:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => KeyRing.fromConfig('nokey')).toThrow(/kid:base64key/);
    expect(() => KeyRing.fromConfig(`k1:${k1}`, 'k9')).toThrow(/not in the key ring/);
  });
});

describe('signed, expiring values', () => {
  const secret = 'x'.repeat(40);

  it('verifies what it signed and carries a nonce', () => {
    const value = signValue(secret, { campaignId: 'c1', tz: 'Europe/Paris' }, 60_000);
    const envelope = verifyValue<{ campaignId: string }>(secret, value);
    expect(envelope.payload.campaignId).toBe('c1');
    expect(envelope.nonce).toHaveLength(22);
  });

  it('rejects tampering, another secret, expiry and garbage', () => {
    const value = signValue(secret, { campaignId: 'c1' }, 60_000, 1_000);
    const [kid, body, sig] = value.split('.');
    const forged = Buffer.from(JSON.stringify({ payload: { campaignId: 'c2' }, nonce: 'n', expiresAt: 9e15 })).toString(
      'base64url',
    );
    const reason = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as SignedValueError).reason;
      }
      return 'accepted';
    };
    expect(reason(() => verifyValue(secret, `${kid}.${forged}.${sig}`, 2_000))).toBe('bad_signature');
    expect(reason(() => verifyValue('y'.repeat(40), value, 2_000))).toBe('bad_signature');
    expect(reason(() => verifyValue(secret, value, 61_001))).toBe('expired');
    expect(reason(() => verifyValue(secret, body, 2_000))).toBe('malformed');
    expect(reason(() => verifyValue(secret, `${value}.x`, 2_000))).toBe('malformed');
    expect(reason(() => verifyValue(secret, value, 2_000))).toBe('accepted');
  });
});

describe('SIGNING_KEYS rotation', () => {
  const old = `k1:${'a'.repeat(40)}`;
  const next = `k2:${'b'.repeat(40)}`;
  const keys = (SIGNING_KEYS: string) => SigningKeys.fromConfig({ SIGNING_KEYS });

  it('signs with the last key, verifies with every listed one, and refuses a key taken off the ring', () => {
    const before = keys(old).sign('unsubscribe', { s: 'sub-1' }, 60_000);
    const during = keys(`${old},${next}`);
    expect(during.activeKeyId).toBe('k2');
    expect(during.verify('unsubscribe', before).payload).toEqual({ s: 'sub-1' }); // links already sent still work
    const after = during.sign('unsubscribe', { s: 'sub-2' }, 60_000);
    expect(after.startsWith('k2.')).toBe(true);
    expect(keys(next).verify('unsubscribe', after).payload).toEqual({ s: 'sub-2' });
    expect(() => keys(next).verify('unsubscribe', before)).toThrow(expect.objectContaining({ reason: 'unknown_key' }));
  });

  it('does not let a value signed under one key id pass as another key id', () => {
    const value = keys(`${old},${next}`).sign('oauth-state', { n: 1 }, 60_000);
    const relabelled = `k1.${value.split('.').slice(1).join('.')}`;
    expect(() => keys(`${old},${next}`).verify('oauth-state', relabelled)).toThrow(
      expect.objectContaining({ reason: 'bad_signature' }),
    );
  });
});

describe('PKCE', () => {
  it('is base64url(SHA-256(verifier)) without padding', () => {
    // expected value computed independently (Python hashlib + base64.urlsafe_b64encode, padding stripped)
    expect(codeChallengeS256('dBjftJeZ4CVP-mJ92IUWnyCO5JG5rvMm4-qpAKBRdWk')).toBe(
      'Z16yzOScAkwwUHo6VGFaEADCygtZPoI9C0bmm_NmTZ8',
    );
  });
  it('makes verifiers of a legal length and alphabet', () => {
    const verifier = createCodeVerifier();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(createCodeVerifier()).not.toBe(verifier);
  });
});
