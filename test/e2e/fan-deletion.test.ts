// A fan's deletion request, verified by signing in with Spotify: every row about the fan and the fan's own
// workflow histories are removed, another fan's data stays, and the audit record holds no personal data.
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { fanRetentionWorkflow } from '../../workflows/fan-retention';
import { addRelease, artistAccount, fanPresaves, http, nextUpc, releaseInSeconds, signInWithSpotify, startReleaseStack, waitFor, type ReleaseStack } from '../helpers/release-stack';

let stack: ReleaseStack;
beforeAll(async () => {
  stack = await startReleaseStack();
});
afterAll(async () => {
  await stack?.close();
});

const fanIdOf = (user: string) =>
  stack.db.pool.oneFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM fans WHERE provider_user_id = ${stack.spotify.state.getUser(user)!.accountId}`);

async function rowsAbout(fanId: string): Promise<Record<string, number>> {
  const count = (table: string, column: string) => stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n FROM ${sql.identifier([table])} WHERE ${sql.identifier([column])} = ${fanId}`);
  return {
    fans: await count('fans', 'id'),
    fan_tokens: await count('fan_tokens', 'fan_id'),
    presaves: await count('presaves', 'fan_id'),
    events: await count('events', 'fan_id'),
  };
}

describe('deletion on request', () => {
  it('erases the fan and their workflow histories, keeps everyone else, and audits without personal data', async () => {
    const { headers, artistId } = await artistAccount(stack);
    const upc = nextUpc();
    addRelease(stack, upc, Date.now() - 1_000);
    const release = releaseInSeconds(3600);
    const campaign = await http.post(`${stack.api.url}/v1/campaigns`, {
      artistId, title: 'Forget Me', upc, releaseDate: release.releaseDate, releaseTime: release.releaseTime, releasePolicy: 'global', timeZone: 'UTC',
    }, { headers });
    await fanPresaves(stack, campaign.data.slug, { user: 'fan-forget' });
    await fanPresaves(stack, campaign.data.slug, { user: 'fan-keep' });
    const forget = await fanIdOf('fan-forget');
    const keep = await fanIdOf('fan-keep');
    // A workflow of the fan's own (as a revocation would have started): its history names the fan.
    const retention = await stack.temporal.client.workflow.start(fanRetentionWorkflow, {
      workflowId: `fan-retention:${forget}`, taskQueue: stack.temporal.taskQueue,
      args: [{ fanId: forget, revokedAt: Date.now(), engagementRetentionMs: 3_600_000 }],
    });
    await waitFor('the retention workflow to start', async () => (await retention.describe()).historyLength, (n) => n > 3);
    const before = await rowsAbout(forget);
    expect(before.fans).toBe(1);
    expect(before.presaves).toBe(1);
    const keepBefore = await rowsAbout(keep);

    const page = await http.get(`${stack.api.url}/privacy/delete`);
    expect(page.status).toBe(200);
    expect(page.data).toContain('Verify with Spotify');
    const { callback, authorizeUrl } = await signInWithSpotify(`${stack.api.url}/privacy/delete/spotify`, { user: 'fan-forget' });
    expect(new URL(authorizeUrl).searchParams.get('scope')).toBe(''); // proving who you are needs no permission
    expect(callback.status).toBe(303);
    const statusUrl = `${stack.api.url}${callback.headers.location}`;
    const requestId = String(callback.headers.location).split('/').pop()!;

    const result = await stack.temporal.client.workflow.getHandle(`fan-deletion:${requestId}`).result();
    expect(result.workflowsDeleted).toBe(1);
    expect(await rowsAbout(forget)).toEqual({ fans: 0, fan_tokens: 0, presaves: 0, events: 0 });
    expect(await rowsAbout(keep)).toEqual(keepBefore);
    await waitFor('the history to be gone', () => retention.describe().then(() => 'still there', (e: unknown) => (e instanceof WorkflowNotFoundError ? 'gone' : String(e))), (s) => s === 'gone', 30_000);

    const status = await http.get(statusUrl);
    expect(status.data).toContain('Completed');
    const request = await stack.db.pool.one(sql.type(z.object({ fanId: z.string().nullable(), status: z.string() }))`
      SELECT fan_id AS "fanId", status FROM deletion_requests WHERE id = ${requestId}`);
    expect(request).toEqual({ fanId: null, status: 'completed' });
    const auditText = JSON.stringify(await stack.db.pool.any(sql.unsafe`SELECT actor, action, target FROM audit_log WHERE target LIKE ${`deletion_request:${requestId}%`}`));
    expect(auditText).toContain('fan_erased_on_request');
    expect(auditText).not.toContain(forget);
    expect(auditText).not.toContain(stack.spotify.state.getUser('fan-forget')!.accountId);
  });

  it('tells a stranger that nothing is held, and deletes nothing', async () => {
    const before = await stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM fans`);
    const { callback } = await signInWithSpotify(`${stack.api.url}/privacy/delete/spotify`, { user: 'never-pre-saved' });
    expect(callback.status).toBe(200);
    expect(callback.data).toContain('We hold no data');
    expect(await stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM fans`)).toBe(before);
  });
});
