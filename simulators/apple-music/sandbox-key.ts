// A fresh P-256 developer key for sandbox mode and tests: the simulator registers its public half, and dropday is
// configured with the private half (APPLE_MUSIC_PRIVATE_KEY), as with a real .p8 key from Apple.
import { generateKeyPairSync } from 'node:crypto';

export interface SandboxDeveloperKey {
  teamId: string;
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export function sandboxDeveloperKey(teamId = 'SANDBOXTM1', keyId = 'SANDBOXK01'): SandboxDeveloperKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    teamId,
    keyId,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
