// Operator commands: `npm run admin -- <command>`.
//   create-ops-key <name>   prints a new ops API key (shown once; only its hash is stored)
//   migrate                 applies pending migrations
//   reseal-tokens           re-encrypts stored secrets under the active key (after adding a key to ENCRYPTION_KEYS)
import { loadConfig } from '../lib/config';
import { databaseUrlFrom, keyRingFrom } from '../lib/runtime';
import { countStaleCiphertexts, ENCRYPTED_TABLES, type ResealProgress, resealBatch } from '../db/encrypted-columns';
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
    case 'reseal-tokens': {
      const pool = await createDatabasePool(databaseUrl, { maximumPoolSize: 1 });
      try {
        // The same batches the key rotation workflow runs (POST /v1/ops/key-rotations), here in the foreground.
        const keyRing = keyRingFrom(config);
        for (const table of ENCRYPTED_TABLES) {
          let progress: ResealProgress = { after: null, scanned: 0, resealed: 0, done: false };
          let resealed = 0;
          while (!progress.done) {
            progress = await resealBatch(pool, keyRing, { table, after: progress.after, limit: 500 });
            resealed += progress.resealed;
          }
          console.log(`${table.table}: resealed ${resealed} row(s) under key ${keyRing.activeKeyId}`);
        }
        console.log(`left under other keys: ${await countStaleCiphertexts(pool, keyRing.activeKeyId)}`);
      } finally {
        await pool.end();
      }
      return;
    }
    default:
      console.error('usage: npm run admin -- migrate | create-ops-key <name> | reseal-tokens');
      process.exit(2);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
