// Determinism of the billing workflows: today's code must replay the histories recorded from earlier versions
// (test/histories/billing, made by `npm run record:billing-histories`): a shop order through account sign-up,
// campaign, live and completed; a subscription downgraded after its grace period.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { KeyRing } from '../../lib/crypto/keyring';
import { createDataConverter } from '../../lib/temporal/client';
import { workflowBundle } from '../helpers/temporal';

const DIR = path.resolve(__dirname, '..', 'histories', 'billing');

const load = async (file: string) => JSON.parse(await readFile(path.join(DIR, file), 'utf8'));
const keyRing = async () =>
  KeyRing.fromConfig((await readFile(path.join(DIR, '..', 'fixture-keys.txt'), 'utf8')).trim());

describe('recorded billing histories', () => {
  it('replay without a determinism error', async () => {
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(['order-lifecycle.json', 'subscription-grace.json']);
    const histories = await Promise.all(files.map(async (file) => ({ workflowId: file, history: await load(file) })));
    const results = Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(), dataConverter: createDataConverter(await keyRing()) },
      histories,
    );
    const outcomes: { workflowId: string; error?: string }[] = [];
    for await (const result of results) outcomes.push({ workflowId: result.workflowId, error: result.error?.message });
    expect(outcomes.sort((a, b) => a.workflowId.localeCompare(b.workflowId))).toEqual(
      files.map((workflowId) => ({ workflowId, error: undefined })),
    );
  });

  it('fails when the order workflow would issue other commands', async () => {
    // Proof the check bites: a history whose first step was another activity than today's code schedules.
    const history = await load('order-lifecycle.json');
    const first = history.events.find(
      (e: { activityTaskScheduledEventAttributes?: unknown }) => e.activityTaskScheduledEventAttributes,
    );
    expect(first.activityTaskScheduledEventAttributes.activityType.name).toBe('provisionPackage');
    first.activityTaskScheduledEventAttributes.activityType.name = 'chargeTwice';
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: await workflowBundle(), dataConverter: createDataConverter(await keyRing()) },
        history,
      ),
    ).rejects.toMatchObject({ name: 'DeterminismViolationError' });
  });
});
