// The import arrows of docs/architecture.md are enforced by ESLint (eslint.boundaries.mjs). This test writes
// deliberate violations into the real folders, runs the project's own `eslint` on them and expects each to fail
// with the boundary rule, and a type-only import of a workflow to pass.
import { spawnSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const eslint = path.join(root, 'node_modules/.bin/eslint');

interface Probe {
  file: string;
  source: string;
  /** the rule the probe must break (no-restricted-imports unless said) */
  rule?: string;
}

const violations: Probe[] = [
  {
    file: 'api/__boundary_probe__.ts',
    source: "import { createActivities } from '../activities';\nexport const probe = createActivities;\n",
  },
  {
    file: 'lib/__boundary_probe__.ts',
    source: "import { migrate } from '../db/migrate';\nexport const probe = migrate;\n",
  },
  {
    file: 'activities/__boundary_probe__.ts',
    source: "import { releaseWorkflow } from '../workflows/release';\nexport const probe = releaseWorkflow;\n",
  },
  {
    file: 'workflows/__boundary_probe__.ts',
    source: "import { migrate } from '../db/migrate';\nexport const probe = migrate;\n",
  },
  {
    file: 'db/__boundary_probe__.ts',
    source: "import { createApp } from '../api/app';\nexport const probe = createApp;\n",
  },
  {
    file: 'lib/__boundary_probe_workflow__.ts',
    source: "import { releaseWorkflow } from '../workflows/release';\nexport const probe = releaseWorkflow;\n",
  },
  {
    file: 'activities/__boundary_probe_sql__.ts',
    source:
      "import { type DatabasePool } from '../db/pool';\nimport { sql } from 'slonik';\nexport const probe = (pool: DatabasePool) => pool.query(sql.unsafe`SELECT 1`);\n",
    rule: 'no-restricted-syntax',
  },
];

const allowed: Probe = {
  file: 'api/__boundary_probe_ok__.ts',
  source: "import { type releaseWorkflow } from '../workflows/release';\nexport type Probe = typeof releaseWorkflow;\n",
};

function lint(files: string[]): { status: number | null; output: string } {
  const run = spawnSync(eslint, ['--no-cache', '--format', 'json', ...files], { cwd: root, encoding: 'utf8' });
  return { status: run.status, output: run.stdout };
}

describe('import boundaries', () => {
  const probes = [...violations, allowed];
  beforeAll(async () => {
    for (const p of probes) await writeFile(path.join(root, p.file), p.source);
  });
  afterAll(async () => {
    for (const p of probes) await rm(path.join(root, p.file), { force: true });
  });

  it('fails lint for every deliberate violation and passes a type-only workflow import', () => {
    const { status, output } = lint(probes.map((p) => p.file));
    expect(status).toBe(1);
    const results = JSON.parse(output) as { filePath: string; messages: { ruleId: string | null }[] }[];
    const rulesOf = (file: string) =>
      results.find((r) => r.filePath === path.join(root, file))?.messages.map((m) => m.ruleId) ?? ['(not linted)'];
    for (const v of violations) {
      expect({ file: v.file, rules: rulesOf(v.file) }).toEqual({
        file: v.file,
        rules: expect.arrayContaining([v.rule ?? 'no-restricted-imports']),
      });
    }
    expect(rulesOf(allowed.file)).toEqual([]);
  });
});
