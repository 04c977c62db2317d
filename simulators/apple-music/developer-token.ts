// Checks a developer token as Apple does (docs/providers/apple-music.md "Developer token"): an ES256 JWT signed by
// a registered key (`kid`) of a registered team (`iss`), not expired, `exp` at most six months ahead.
import { createPublicKey, type KeyObject, verify } from 'node:crypto';

export const MAX_DEVELOPER_TOKEN_LIFETIME_S = 15_777_000;

export interface RegisteredKey {
  teamId: string;
  keyId: string;
  /** the public half of the .p8 key, PEM (SPKI) */
  publicKeyPem: string;
}

export type DeveloperTokenCheck = { ok: true; teamId: string } | { ok: false; why: string };

export class DeveloperKeys {
  private readonly keys = new Map<string, { teamId: string; key: KeyObject }>();

  register(key: RegisteredKey): void {
    this.keys.set(key.keyId, { teamId: key.teamId, key: createPublicKey(key.publicKeyPem) });
  }

  check(token: string | undefined, nowMs: number): DeveloperTokenCheck {
    if (!token) return { ok: false, why: 'no developer token' };
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, why: 'not a JWT' };
    const [headerPart, claimsPart, signaturePart] = parts;
    const header = decodeJson(headerPart);
    const claims = decodeJson(claimsPart);
    if (!header || !claims) return { ok: false, why: 'not a JWT' };
    if (header.alg !== 'ES256') return { ok: false, why: 'alg must be ES256' };
    const registered = typeof header.kid === 'string' ? this.keys.get(header.kid) : undefined;
    if (!registered) return { ok: false, why: 'unknown kid' };
    if (claims.iss !== registered.teamId) return { ok: false, why: 'iss is not the key’s team' };
    const signed = verify(
      'sha256',
      Buffer.from(`${headerPart}.${claimsPart}`),
      { key: registered.key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signaturePart, 'base64url'),
    );
    if (!signed) return { ok: false, why: 'bad signature' };
    const now = Math.floor(nowMs / 1000);
    if (typeof claims.exp !== 'number' || claims.exp <= now) return { ok: false, why: 'expired' };
    if (claims.exp - now > MAX_DEVELOPER_TOKEN_LIFETIME_S) return { ok: false, why: 'exp more than 6 months ahead' };
    if (typeof claims.iat === 'number' && claims.iat > now + 60) return { ok: false, why: 'issued in the future' };
    return { ok: true, teamId: registered.teamId };
  }
}

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
