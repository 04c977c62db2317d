// Key rotation: after a new key is appended to ENCRYPTION_KEYS (and rolled out to every process), this workflow
// re-encrypts every stored ciphertext under it, table by table, in batches. It can be stopped and resumed (its
// position travels in continue-as-new), reports progress, and ends by counting what is left under old keys.
import { continueAsNew, defineQuery, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const { encryptedTables, resealEncryptedBatch, countStaleCiphertexts } = proxyActivities<
  ReturnType<typeof createActivities>
>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export interface KeyRotationInput {
  /** the active key id everything is resealed under */
  keyId: string;
  batchSize?: number;
  /** carried across continue-as-new */
  position?: { table: string; after: string | null; scanned: number; resealed: number; tablesDone: string[] };
}

export interface KeyRotationProgress {
  keyId: string;
  table: string | null;
  tablesDone: string[];
  scanned: number;
  resealed: number;
  staleLeft: number | null;
  done: boolean;
}

export const keyRotationProgressQuery = defineQuery<KeyRotationProgress>('progress');

export async function keyRotationWorkflow(input: KeyRotationInput): Promise<KeyRotationProgress> {
  const batchSize = input.batchSize ?? 500;
  const progress: KeyRotationProgress = {
    keyId: input.keyId,
    table: input.position?.table ?? null,
    tablesDone: input.position?.tablesDone ?? [],
    scanned: input.position?.scanned ?? 0,
    resealed: input.position?.resealed ?? 0,
    staleLeft: null,
    done: false,
  };
  setHandler(keyRotationProgressQuery, () => progress);

  for (const table of await encryptedTables()) {
    if (progress.tablesDone.includes(table)) continue;
    progress.table = table;
    const position = input.position;
    let after = position && position.table === table ? position.after : null;
    for (;;) {
      const batch = await resealEncryptedBatch({ keyId: input.keyId, table, after, limit: batchSize });
      progress.scanned += batch.scanned;
      progress.resealed += batch.resealed;
      after = batch.after;
      if (batch.done) break;
      if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 2_000) {
        await continueAsNew<typeof keyRotationWorkflow>({
          keyId: input.keyId,
          batchSize,
          position: {
            table,
            after,
            scanned: progress.scanned,
            resealed: progress.resealed,
            tablesDone: progress.tablesDone,
          },
        });
      }
    }
    progress.tablesDone.push(table);
  }
  progress.table = null;
  // Rows written during the walk were sealed by their writers under the active key already; what is left under
  // an old key (nothing, normally) is reported so the operator knows whether an old key may be retired.
  progress.staleLeft = await countStaleCiphertexts({ keyId: input.keyId });
  progress.done = true;
  return progress;
}
