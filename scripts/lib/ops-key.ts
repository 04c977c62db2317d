// The ops API key of a local stack: made on first run, kept in DATA_DIR (mode 600), never printed.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { insertAccount, insertApiKey, findApiKeyByHash } from '../../db/accounts';
import { type DatabasePool } from '../../db/pool';
import { generateApiKey, hashApiKey } from '../../lib/crypto/hash';

export async function ensureDevOpsKey(pool: DatabasePool, dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'ops-api-key');
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (existing && (await findApiKeyByHash(pool, hashApiKey(existing)))) return file;
  const key = await createOpsKey(pool, 'local ops');
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return file;
}

export async function createOpsKey(pool: DatabasePool, name: string): Promise<string> {
  const key = generateApiKey('ops');
  await pool.transaction(async (tx) => {
    const account = await insertAccount(tx, { name, email: 'ops@localhost' });
    await insertApiKey(tx, { accountId: account.id, role: 'ops', keyHash: hashApiKey(key) });
  });
  return key;
}
