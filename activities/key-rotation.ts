// Re-encrypting stored secrets under the newest key, a batch at a time (see workflows/key-rotation.ts).
import { countStaleCiphertexts, ENCRYPTED_TABLES, type ResealProgress, resealBatch } from '../db/encrypted-columns';
import { type ActivityDeps } from './deps';

export function createKeyRotationActivities({ pool, keyRing }: ActivityDeps) {
  return {
    encryptedTables(): Promise<string[]> {
      return Promise.resolve(ENCRYPTED_TABLES.map((t) => t.table));
    },

    /** Refuses to run under a key ring whose active key is not the one the rotation was started for. */
    async resealEncryptedBatch(input: {
      keyId: string;
      table: string;
      after: string | null;
      limit: number;
    }): Promise<ResealProgress> {
      if (keyRing.activeKeyId !== input.keyId) {
        throw new Error(
          `this worker encrypts with ${keyRing.activeKeyId}, not ${input.keyId}: roll the key ring out first`,
        );
      }
      const table = ENCRYPTED_TABLES.find((t) => t.table === input.table);
      if (!table) throw new Error(`no encrypted table ${input.table}`);
      return resealBatch(pool, keyRing, { table, after: input.after, limit: input.limit });
    },

    countStaleCiphertexts(input: { keyId: string }): Promise<number> {
      return countStaleCiphertexts(pool, input.keyId);
    },
  };
}
