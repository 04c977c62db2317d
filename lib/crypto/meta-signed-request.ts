// Meta's signed_request (data deletion callback, deauthorize callback): "<sig>.<payload>", both base64url, the
// signature an HMAC-SHA256 of the payload text under the app secret.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface MetaSignedRequest {
  algorithm: string;
  user_id: string;
  issued_at?: number;
}

/**
 * What dropday stores to find a Meta user's data again: the keyed lookup hash (./lookup-hash.ts) of this, never the
 * app-scoped id itself. The connection (at connect) and the data deletion callback compute the same value.
 */
export function metaUserLookupHash(hash: (value: string) => string, appScopedUserId: string): string {
  return hash(`meta:${appScopedUserId}`);
}

export function parseMetaSignedRequest(signedRequest: string, appSecret: string): MetaSignedRequest | null {
  const [encodedSig, payload, extra] = signedRequest.split('.');
  if (!encodedSig || !payload || extra !== undefined) return null;
  const expected = createHmac('sha256', appSecret).update(payload).digest();
  const given = Buffer.from(encodedSig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<MetaSignedRequest>;
    if (data.algorithm?.toUpperCase() !== 'HMAC-SHA256' || typeof data.user_id !== 'string' || data.user_id === '')
      return null;
    return data as MetaSignedRequest;
  } catch {
    return null;
  }
}

/** For tests and simulators: what Meta sends. */
export function signMetaRequest(data: MetaSignedRequest, appSecret: string): string {
  const payload = Buffer.from(JSON.stringify(data)).toString('base64url');
  return `${createHmac('sha256', appSecret).update(payload).digest('base64url')}.${payload}`;
}
