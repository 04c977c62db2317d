// PKCE (RFC 7636) with S256: the verifier stays on our side, only its hash travels to the provider.
import { createHash, randomBytes } from 'node:crypto';

export function createCodeVerifier(): string {
  return randomBytes(48).toString('base64url'); // 64 characters, within the 43..128 the RFC allows
}

export function codeChallengeS256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
