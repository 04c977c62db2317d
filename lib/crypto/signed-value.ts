// HMAC-signed, expiring values (OAuth state, links in e-mails). The payload is readable by whoever holds the value,
// so it must never carry secrets; the signature only proves we issued it and when it expires.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export class SignedValueError extends Error {
  constructor(readonly reason: 'malformed' | 'bad_signature' | 'expired') {
    super(`signed value rejected: ${reason}`);
    this.name = 'SignedValueError';
  }
}

export interface SignedEnvelope<T> {
  payload: T;
  /** unique id, for single-use enforcement by the caller */
  nonce: string;
  expiresAt: number;
}

export function signValue<T>(secret: string, payload: T, ttlMs: number, now = Date.now()): string {
  const envelope: SignedEnvelope<T> = { payload, nonce: randomBytes(16).toString('base64url'), expiresAt: now + ttlMs };
  const body = Buffer.from(JSON.stringify(envelope)).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

export function verifyValue<T>(secret: string, value: string, now = Date.now()): SignedEnvelope<T> {
  const [body, signature, extra] = value.split('.');
  if (!body || !signature || extra !== undefined) throw new SignedValueError('malformed');
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new SignedValueError('bad_signature');
  }
  let envelope: SignedEnvelope<T>;
  try {
    envelope = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SignedEnvelope<T>;
  } catch {
    throw new SignedValueError('malformed');
  }
  if (typeof envelope.expiresAt !== 'number' || envelope.expiresAt <= now) throw new SignedValueError('expired');
  return envelope;
}

function mac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}
