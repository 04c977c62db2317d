// Local development needs an encryption key ring and a signing secret, but a newcomer should not have to make
// them: the first `npm run dev` generates them into DATA_DIR (mode 600) and later runs reuse them, so data
// encrypted yesterday still opens today. Production sets ENCRYPTION_KEYS and STATE_SIGNING_SECRET itself.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KeyRing } from '../../lib/crypto/keyring';

interface DevSecrets {
  ENCRYPTION_KEYS: string;
  STATE_SIGNING_SECRET: string;
}

export async function loadOrCreateDevSecrets(dataDir: string): Promise<DevSecrets> {
  const file = path.join(dataDir, 'dev-secrets.json');
  const existing = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as DevSecrets,
    () => null,
  );
  if (existing) return existing;
  const secrets: DevSecrets = {
    ENCRYPTION_KEYS: `dev1:${KeyRing.generateKey()}`,
    STATE_SIGNING_SECRET: randomBytes(32).toString('base64url'),
  };
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
