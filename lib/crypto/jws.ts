// Compact JWS (RFC 7515) with RS256 only, checked against a JSON Web Key Set (RFC 7517), with Node's crypto: the
// few lines an OpenID Connect ID token needs, no JOSE library. `alg` comes from the key, never from the token's
// header alone ("none" and HMAC-with-the-public-key confusions are refused by construction).
import { createPublicKey, createVerify } from 'node:crypto';

export interface Jwk {
  kty?: string;
  kid?: string;
  alg?: string;
  use?: string;
  n?: string;
  e?: string;
}

export type JwsRefusal = 'malformed' | 'unsupported_alg' | 'unknown_key' | 'bad_signature';

export interface DecodedJws {
  header: { alg?: string; kid?: string };
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

function json(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The token's parts, unverified; null when it is not a compact JWS of JSON objects. */
export function decodeJws(token: string): DecodedJws | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return null;
  const header = json(parts[0]!);
  const payload = json(parts[1]!);
  if (!header || !payload) return null;
  return {
    header: {
      alg: typeof header.alg === 'string' ? header.alg : undefined,
      kid: typeof header.kid === 'string' ? header.kid : undefined,
    },
    payload,
    signingInput: `${parts[0]}.${parts[1]}`,
    signature: Buffer.from(parts[2]!, 'base64url'),
  };
}

/** Whether an RS256 JWS is signed by the key of `keys` its header names; the refusal otherwise. */
export function verifyRs256(decoded: DecodedJws, keys: readonly Jwk[]): true | JwsRefusal {
  if (decoded.header.alg !== 'RS256') return 'unsupported_alg';
  const jwk = keys.find((k) => k.kid === decoded.header.kid && k.kty === 'RSA' && (k.alg ?? 'RS256') === 'RS256');
  if (!jwk?.n || !jwk.e) return 'unknown_key';
  const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
  const ok = createVerify('RSA-SHA256').update(decoded.signingInput).verify(key, decoded.signature);
  return ok ? true : 'bad_signature';
}
