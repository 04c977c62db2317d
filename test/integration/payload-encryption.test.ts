// What reaches the Temporal server is ciphertext: arguments, results, memos and failure messages.
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { EncryptionCodec } from '../../lib/temporal/encryption-codec';
import { KeyRing } from '../../lib/crypto/keyring';
import { accountWelcomeWorkflow } from '../../workflows';
import { testConfig } from '../helpers/config';
import { useWorkerEnvironment } from '../helpers/worker-environment';

const { config, keyRing } = testConfig();
const { temporal } = useWorkerEnvironment({ config, keyRing });

function historyJson(history: proto.api.history.v1.IHistory): string {
  // Payload bytes appear base64-encoded in JSON; search both forms.
  return JSON.stringify(
    proto.api.history.v1.History.toObject(history as proto.api.history.v1.History, { bytes: String }),
  );
}

function containsPlaintext(history: proto.api.history.v1.IHistory, secret: string): boolean {
  const json = historyJson(history);
  const raw = Buffer.from(proto.api.history.v1.History.encode(history).finish()).toString('latin1');
  return json.includes(secret) || json.includes(Buffer.from(secret).toString('base64')) || raw.includes(secret);
}

describe('payload encryption on the real server', () => {
  it('keeps a secret passed through a workflow out of its history, yet the codec decodes it', async () => {
    const secret = `BQ-fan-token-${randomUUID()}`;
    // The failure message names the (unknown) account id: it must be encrypted too.
    const accountId = randomUUID();
    const handle = await temporal.client.workflow.start(accountWelcomeWorkflow, {
      workflowId: `payload-encryption-${randomUUID()}`,
      taskQueue: temporal.taskQueue,
      args: [{ accountId, leakedByMistake: secret } as unknown as { accountId: string }],
      memo: { note: secret },
    });
    const failure = await handle.result().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    // Decoded by our client, the message is readable…
    expect(String((failure as WorkflowFailedError).cause?.cause)).toContain(accountId);

    const history = await handle.fetchHistory();
    expect(history.events?.length).toBeGreaterThan(5);
    // …but the server holds none of it in plaintext.
    expect(containsPlaintext(history, secret)).toBe(false);
    expect(containsPlaintext(history, accountId)).toBe(false);

    // Proof the assertion can fail: the encrypted input is there and decodes to the secret.
    const started = history.events![0].workflowExecutionStartedEventAttributes!;
    const [decoded] = await new EncryptionCodec(keyRing).decode(
      started.input!.payloads!.map((p) => ({ metadata: p.metadata!, data: p.data! })),
    );
    expect(Buffer.from(decoded.data!).toString()).toContain(secret);
  });

  it('decodes payloads sealed under a retired active key after rotation', async () => {
    const k1 = KeyRing.generateKey();
    const before = new EncryptionCodec(KeyRing.fromConfig(`k1:${k1}`));
    const after = new EncryptionCodec(KeyRing.fromConfig(`k1:${k1},k2:${KeyRing.generateKey()}`));
    const payload = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"x"') };
    const [old] = await before.encode([payload]);
    const [fresh] = await after.encode([payload]);
    expect(Buffer.from(old.metadata!['encryption-key-id']!).toString()).toBe('k1');
    expect(Buffer.from(fresh.metadata!['encryption-key-id']!).toString()).toBe('k2');
    for (const sealed of [old, fresh]) {
      const [plain] = await after.decode([sealed]);
      expect(Buffer.from(plain.data!).toString()).toBe('"x"');
    }
  });
});
