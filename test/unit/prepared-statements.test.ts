// A prepared statement's name stands for one text on a connection: the pg client refuses a name used again with
// another text. So each name given to sql.prepared in db/ is given once.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const DB = path.resolve(__dirname, '..', '..', 'db');

it('gives each prepared statement in db/ a name of its own', () => {
  const names: string[] = [];
  for (const file of readdirSync(DB).filter((f) => f.endsWith('.ts'))) {
    for (const match of readFileSync(path.join(DB, file), 'utf8').matchAll(/sql\.prepared\(\s*'([^']+)'/g)) {
      names.push(`${match[1]} (${file})`);
    }
  }
  const byName = new Map<string, string[]>();
  for (const entry of names) {
    const name = entry.split(' ')[0]!;
    byName.set(name, [...(byName.get(name) ?? []), entry]);
  }
  expect(names.length).toBeGreaterThanOrEqual(8);
  expect([...byName.values()].filter((uses) => uses.length > 1)).toEqual([]);
});
