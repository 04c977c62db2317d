// Determinism: today's workflow code must replay the histories recorded from earlier versions
// (test/histories, made by `npm run record:histories`). A change that would break running workflows fails here.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { KeyRing } from '../../lib/crypto/keyring';
import { createDataConverter } from '../../lib/temporal/client';
import { workflowBundle } from '../helpers/temporal';

const DIR = path.resolve(__dirname, '..', 'histories');

describe('recorded histories', () => {
  it('replay without a determinism error', async () => {
    const keyRing = KeyRing.fromConfig((await readFile(path.join(DIR, 'fixture-keys.txt'), 'utf8')).trim());
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual([
      'account-welcome.json',
      'ad-campaign-ended.json',
      'ad-campaign-undone.json',
      'ad-copy.json',
      'attribution.json',
      'fan-retention.json',
      'key-rotation.json',
      'release-with-faults.json',
    ]);
    const histories = await Promise.all(
      files.map(async (file) => ({
        workflowId: file,
        history: JSON.parse(await readFile(path.join(DIR, file), 'utf8')),
      })),
    );
    const results = Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(), dataConverter: createDataConverter(keyRing) },
      histories,
    );
    const outcomes: { workflowId: string; error?: string }[] = [];
    for await (const result of results) outcomes.push({ workflowId: result.workflowId, error: result.error?.message });
    expect(outcomes.sort((a, b) => a.workflowId.localeCompare(b.workflowId))).toEqual(
      files.sort().map((workflowId) => ({ workflowId, error: undefined })),
    );
  });

  it('fails when the code no longer issues the recorded commands', async () => {
    // Proof the check bites: replay the release history as if it were another workflow's.
    const keyRing = KeyRing.fromConfig((await readFile(path.join(DIR, 'fixture-keys.txt'), 'utf8')).trim());
    const history = JSON.parse(await readFile(path.join(DIR, 'release-with-faults.json'), 'utf8'));
    history.events[0].workflowExecutionStartedEventAttributes.workflowType.name = 'accountWelcomeWorkflow';
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: await workflowBundle(), dataConverter: createDataConverter(keyRing) },
        history,
      ),
    ).rejects.toMatchObject({ name: 'DeterminismViolationError' });
  });
});
