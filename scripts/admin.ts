// Operator commands: `npm run admin -- <command>`.
//   create-ops-key <name>   prints a new ops API key (shown once; only its hash is stored)
//   migrate                 applies pending migrations
import { loadConfig } from '../lib/config';
import { databaseUrlFrom } from '../lib/runtime';
import { migrate } from '../db/migrate';
import { createDatabasePool } from '../db/pool';
import { createOpsKey } from './lib/ops-key';

async function main(argv: string[]) {
  const config = loadConfig();
  const databaseUrl = databaseUrlFrom(config);
  const [command, ...args] = argv;
  switch (command) {
    case 'migrate': {
      const ran = await migrate(databaseUrl, console.log);
      console.log(ran.length ? `applied ${ran.length} migration(s)` : 'nothing to apply');
      return;
    }
    case 'create-ops-key': {
      const pool = await createDatabasePool(databaseUrl, { maximumPoolSize: 1 });
      try {
        console.log(await createOpsKey(pool, args[0] ?? 'ops'));
      } finally {
        await pool.end();
      }
      return;
    }
    default:
      console.error('usage: npm run admin -- migrate | create-ops-key <name>');
      process.exit(2);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
