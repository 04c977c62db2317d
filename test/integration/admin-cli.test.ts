// The admin CLI, run as an operator would, against the test database.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { findApiKeyByHash } from '../../db/accounts';
import { hashApiKey } from '../../lib/crypto/hash';
import { testConfig } from '../helpers/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const { config } = testConfig();
function admin(...args: string[]) {
  const root = path.resolve(__dirname, '..', '..');
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/admin.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: db.url,
      ENCRYPTION_KEYS: config.ENCRYPTION_KEYS,
      STATE_SIGNING_SECRET: config.STATE_SIGNING_SECRET,
    },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('admin CLI', () => {
  it('explains itself and every command, and refuses unknown ones', () => {
    const help = admin('--help');
    expect(help.code).toBe(0);
    for (const command of ['migrate', 'create-ops-key', 'alerts', 'retry-failed', 'rotate-key', 'reseal-tokens'])
      expect(help.out).toContain(command);
    expect(admin('retry-failed', '--help').out).toContain('usage: npm run admin -- retry-failed <campaignId>');
    expect(admin('launch-rockets').code).toBe(2);
  });

  it('creates a working ops key, lists alerts and reseals', async () => {
    const created = admin('create-ops-key', 'night shift');
    expect(created.code).toBe(0);
    const key = created.out.trim();
    expect(key).toMatch(/^dd_ops_/);
    expect(await findApiKeyByHash(db.pool, hashApiKey(key))).toMatchObject({ role: 'ops' });
    expect(admin('alerts').out).toContain('no open alerts');
    const reseal = admin('reseal-tokens');
    expect(reseal.code).toBe(0);
    expect(reseal.out).toContain('left under other keys: 0');
    expect(admin('retry-failed', 'not-a-uuid').code).toBe(1);
  });
});
