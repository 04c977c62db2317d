// Operator commands: `npm run admin -- <command> [args]`; `npm run admin -- <command> --help` for each.
import { z } from 'zod';
import { loadConfig } from '../lib/config';
import { databaseUrlFrom, keyRingFrom } from '../lib/runtime';
import { connectTemporalClient } from '../lib/temporal/client';
import { migrate } from '../db/migrate';
import { openAlerts } from '../db/ops-alerts';
import {
  countEncryptedRows,
  countStaleCiphertexts,
  ENCRYPTED_TABLES,
  type ResealProgress,
  resealBatch,
} from '../db/encrypted-columns';
import { createDatabasePool, type DatabasePool } from '../db/pool';
import { retryFailedPresaves } from '../db/presaves';
import { findCampaignById } from '../db/campaigns';
import { queryKeyRotationProgress, startKeyRotation } from '../lib/starters/key-rotation';
import { signalPresaveAdded } from '../lib/starters/release';
import { createOpsKey } from './lib/ops-key';
import { attributionScheduleId, describeAttributionSchedule } from '../lib/starters/attribution';
import { ScheduleOverlapPolicy } from '@temporalio/client';

interface Command {
  usage: string;
  help: string;
  run(args: string[], ctx: Context): Promise<void>;
}

interface Context {
  config: ReturnType<typeof loadConfig>;
  pool(): Promise<DatabasePool>;
}

/** One line, rewritten in place: `[#####.....] 50% label`. */
function progressBar(done: number, total: number, label: string): void {
  const width = 30;
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  process.stderr.write(
    `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${label}   `,
  );
  if (ratio >= 1) process.stderr.write('\n');
}

const commands: Record<string, Command> = {
  migrate: {
    usage: 'migrate',
    help: 'Apply pending database migrations (the API and worker also do at start).',
    async run(_args, { config }) {
      const ran = await migrate(databaseUrlFrom(config), console.log);
      console.log(ran.length ? `applied ${ran.length} migration(s)` : 'nothing to apply');
    },
  },
  'create-ops-key': {
    usage: 'create-ops-key <name>',
    help: 'Create an ops account and print its API key (shown once; only its hash is stored).',
    async run(args, ctx) {
      console.log(await createOpsKey(await ctx.pool(), args[0] ?? 'ops'));
    },
  },
  alerts: {
    usage: 'alerts',
    help: 'List the open alerts of the stuck-detection Schedule.',
    async run(_args, ctx) {
      const alerts = await openAlerts(await ctx.pool());
      if (alerts.length === 0) return console.log('no open alerts');
      for (const a of alerts)
        console.log(`${new Date(a.lastSeen).toISOString()}  ${a.kind.padEnd(16)} ${a.workflowId}\n    ${a.detail}`);
    },
  },
  'retry-failed': {
    usage: 'retry-failed <campaignId>',
    help: "Put a campaign's failed pre-saves back to pending, due now, and tell its release workflow.",
    async run(args, ctx) {
      const campaignId = z.string().uuid().parse(args[0]);
      const pool = await ctx.pool();
      const retried = await retryFailedPresaves(pool, campaignId);
      if (retried > 0) {
        const client = await connectTemporalClient({
          address: ctx.config.TEMPORAL_ADDRESS,
          namespace: ctx.config.TEMPORAL_NAMESPACE,
          keyRing: keyRingFrom(ctx.config),
        });
        const campaign = await findCampaignById(pool, campaignId);
        if (!campaign) throw new Error(`no campaign ${campaignId}`);
        // The same signal-with-start as the API's: a run that had ended starts again, with its search attributes.
        await signalPresaveAdded(client, ctx.config.TEMPORAL_TASK_QUEUE, { campaign, dueAt: Date.now() });
        await client.connection.close();
      }
      console.log(`${retried} failed pre-save(s) back to pending`);
    },
  },
  attribution: {
    usage: 'attribution <campaignId> <status|pause|resume|backfill>',
    help: "A campaign's attribution backfill Schedule (made when the release goes live): show it, pause or resume it, or run a backfill now.",
    async run(args, ctx) {
      const campaignId = z.string().uuid().parse(args[0]);
      const action = z.enum(['status', 'pause', 'resume', 'backfill']).parse(args[1] ?? 'status');
      const client = await connectTemporalClient({
        address: ctx.config.TEMPORAL_ADDRESS,
        namespace: ctx.config.TEMPORAL_NAMESPACE,
        keyRing: keyRingFrom(ctx.config),
      });
      try {
        if (!(await describeAttributionSchedule(client, campaignId)))
          throw new Error(`no attribution Schedule for campaign ${campaignId} (it is made when the release goes live)`);
        const handle = client.schedule.getHandle(attributionScheduleId(campaignId));
        if (action === 'pause') await handle.pause('paused with the admin CLI');
        if (action === 'resume') await handle.unpause('resumed with the admin CLI');
        if (action === 'backfill') await handle.trigger(ScheduleOverlapPolicy.BUFFER_ONE);
        const d = (await describeAttributionSchedule(client, campaignId))!;
        console.log(
          `${attributionScheduleId(campaignId)}  ${d.state.paused ? 'paused' : 'active'}  window ${d.spec.startAt?.toISOString()} → ${d.spec.endAt?.toISOString()}`,
        );
        console.log(
          `next run ${d.info.nextActionTimes[0]?.toISOString() ?? 'none'}; runs so far ${d.info.numActionsTaken}${action === 'backfill' ? '; a backfill was started' : ''}`,
        );
      } finally {
        await client.connection.close();
      }
    },
  },
  'rotate-key': {
    usage: 'rotate-key',
    help: 'Start (or follow) the key rotation workflow for the active key of ENCRYPTION_KEYS, with a progress bar.',
    async run(_args, ctx) {
      const keyRing = keyRingFrom(ctx.config);
      const pool = await ctx.pool();
      const total = (await Promise.all(ENCRYPTED_TABLES.map((t) => countEncryptedRows(pool, t)))).reduce(
        (a, b) => a + b,
        0,
      );
      const client = await connectTemporalClient({
        address: ctx.config.TEMPORAL_ADDRESS,
        namespace: ctx.config.TEMPORAL_NAMESPACE,
        keyRing,
      });
      const handle = await startKeyRotation(client, ctx.config.TEMPORAL_TASK_QUEUE, { keyId: keyRing.activeKeyId });
      for (;;) {
        const progress = await queryKeyRotationProgress(handle).catch(() => null);
        if (progress)
          progressBar(
            progress.done ? total : progress.scanned,
            total,
            progress.done ? `done, ${progress.staleLeft} left under other keys` : `${progress.table ?? ''}`,
          );
        if (progress?.done) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      await client.connection.close();
    },
  },
  'reseal-tokens': {
    usage: 'reseal-tokens',
    help: 'The same re-encryption as rotate-key, in the foreground without Temporal (for a stack that is down).',
    async run(_args, ctx) {
      const keyRing = keyRingFrom(ctx.config);
      const pool = await ctx.pool();
      for (const table of ENCRYPTED_TABLES) {
        let progress: ResealProgress = { after: null, scanned: 0, resealed: 0, done: false };
        const total = await countEncryptedRows(pool, table);
        let scanned = 0;
        while (!progress.done) {
          progress = await resealBatch(pool, keyRing, { table, after: progress.after, limit: 500 });
          scanned += progress.scanned;
          progressBar(progress.done ? total : scanned, total, table.table);
        }
      }
      console.log(`left under other keys: ${await countStaleCiphertexts(pool, keyRing.activeKeyId)}`);
    },
  },
};

function usage(): string {
  return [
    'usage: npm run admin -- <command> [args]   (add --help to a command for more)',
    '',
    ...Object.values(commands).map((c) => `  ${c.usage.padEnd(28)} ${c.help}`),
  ].join('\n');
}

async function main(argv: string[]) {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command || name === '--help') {
    console.log(usage());
    process.exit(command || name === '--help' || !name ? 0 : 2);
  }
  if (args.includes('--help')) {
    console.log(`usage: npm run admin -- ${command.usage}\n\n${command.help}`);
    return;
  }
  const config = loadConfig();
  let pool: DatabasePool | undefined;
  try {
    await command.run(args, {
      config,
      pool: async () => (pool ??= await createDatabasePool(databaseUrlFrom(config), { maximumPoolSize: 2 })),
    });
  } finally {
    await pool?.end();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
