// Deleting an account removes everything of it — rows, its campaigns' workflows and histories, fans who were only
// its fans — and nothing of another account.
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { artistAccount, createCampaign, fanPresaves, http, useReleaseStack, waitFor } from '../helpers/release-stack';

const stack = useReleaseStack();

const campaignOf = (account: { headers: Record<string, string>; artistId: string }, title: string) =>
  createCampaign(stack, account, title);

const fanExists = (user: string) =>
  stack.db.pool.exists(
    sql.unsafe`SELECT 1 FROM fans WHERE provider_user_id = ${stack.spotify.state.getUser(user)!.accountId}`,
  );

describe('account deletion', () => {
  it("deletes the account's rows, workflows and sole fans, and leaves other accounts alone", async () => {
    const a = await artistAccount(stack);
    const b = await artistAccount(stack);
    const campaignA = await campaignOf(a, 'Leaving');
    const campaignB = await campaignOf(b, 'Staying');
    await fanPresaves(stack, campaignA.slug, { user: 'only-a' });
    await fanPresaves(stack, campaignA.slug, { user: 'both' });
    await fanPresaves(stack, campaignB.slug, { user: 'both' });
    const accountA = await stack.db.pool.oneFirst(
      sql.type(z.object({ id: z.string() }))`SELECT account_id AS id FROM campaigns WHERE id = ${campaignA.id}`,
    );

    expect((await http.delete(`${stack.api.url}/v1/accounts/me`)).status).toBe(401);
    const res = await http.delete(`${stack.api.url}/v1/accounts/me`, { headers: a.headers });
    expect(res.status).toBe(202);
    expect((await http.get(`${stack.api.url}/v1/campaigns`, { headers: a.headers })).status).toBe(401); // keys stop at once

    const result = await stack.temporal.client.workflow.getHandle(`account-deletion:${accountA}`).result();
    expect(result).toMatchObject({ campaigns: 1, fans: 1, workflowsDeleted: 2 });
    const left = await stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT ((SELECT count(*) FROM accounts WHERE id = ${accountA}) + (SELECT count(*) FROM campaigns WHERE account_id = ${accountA})
           + (SELECT count(*) FROM artists WHERE account_id = ${accountA}) + (SELECT count(*) FROM api_keys WHERE account_id = ${accountA})
           + (SELECT count(*) FROM presaves WHERE campaign_id = ${campaignA.id}))::int AS n`);
    expect(left).toBe(0);
    expect(await fanExists('only-a')).toBe(false);
    expect(await fanExists('both')).toBe(true);
    await waitFor(
      'the release history to go',
      () =>
        stack.temporal.client.workflow
          .getHandle(`release:${campaignA.id}`)
          .describe()
          .then(
            () => 'there',
            (e: unknown) => (e instanceof WorkflowNotFoundError ? 'gone' : String(e)),
          ),
      (s) => s === 'gone',
      30_000,
    );

    const other = await http.get(`${stack.api.url}/v1/campaigns/${campaignB.id}`, { headers: b.headers });
    expect(other.data.progress.total).toBe(1);
    expect((await stack.temporal.client.workflow.getHandle(`release:${campaignB.id}`).describe()).status.name).toBe(
      'RUNNING',
    );
  });
});
