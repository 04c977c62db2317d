// Ad copy without a GEMINI_API_KEY: the deterministic template writer serves (no model is called), its variants
// pass the limits and the linter, and a request nobody decides on expires at its deadline (3 s here).
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { lintCopy } from '../../lib/ad-copy/linter';
import { startGeminiSimulator } from '../../simulators/gemini';
import { artistAccount, createCampaign, http, useReleaseStack, waitFor } from '../helpers/release-stack';

let gemini: Awaited<ReturnType<typeof startGeminiSimulator>>;
beforeAll(async () => {
  // The simulator is up and its URL configured, but there is no key: nothing may reach it.
  gemini = await startGeminiSimulator({ apiKeys: ['unused'] });
});
const stack = useReleaseStack(() => ({
  env: { GEMINI_API_URL: gemini.url, AD_COPY_APPROVAL_TIMEOUT_SECONDS: '3' },
}));
afterAll(async () => {
  await gemini?.close();
});

interface Variant {
  id: string;
  headline: string;
  primaryText: string;
  description: string;
  source: string;
  violations: unknown[];
  approvable: boolean;
}

async function copyState(headers: Record<string, string>, campaignId: string, requestId: string, status: string) {
  const res = await waitFor(
    `ad copy ${status}`,
    () => http.get(`${stack.api.url}/v1/campaigns/${campaignId}/ads/copy`, { headers }),
    (r) => r.data.items?.find((i: { id: string }) => i.id === requestId)?.status === status,
    30_000,
  );
  return res.data.items.find((i: { id: string }) => i.id === requestId) as {
    status: string;
    expiresAt: string | null;
    variants: Variant[];
    decidedAt: string | null;
  };
}

describe('ad copy without a Gemini key', () => {
  it('writes template variants that pass limits and linter; undecided, the request expires at its deadline', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Midnight Sun');
    const started = await http.post(
      `${stack.api.url}/v1/campaigns/${campaign.id}/ads/copy`,
      { platform: 'google', variants: 5, explicit: true, genres: ['Synth-pop'] },
      { headers: account.headers },
    );
    expect(started.status).toBe(202);
    expect(started.data.writer).toBe('template');
    const requestId = started.data.id as string;

    const waiting = await copyState(account.headers, campaign.id, requestId, 'awaiting_approval');
    expect(waiting.variants).toHaveLength(5);
    for (const v of waiting.variants) {
      expect(v).toMatchObject({ source: 'template', violations: [], approvable: true });
      expect(lintCopy(v, { platform: 'google', explicit: true, names: ['Luna Vey', 'Midnight Sun'] })).toEqual([]);
      expect(v.primaryText.startsWith('Explicit content. 18+.')).toBe(true);
    }
    expect(waiting.variants.map((v) => v.primaryText).join(' ')).toContain('synth-pop');
    expect(gemini.state.requests).toEqual([]);

    const deadline = Date.parse(waiting.expiresAt!);
    const expired = await copyState(account.headers, campaign.id, requestId, 'expired');
    expect(Date.parse(expired.decidedAt!)).toBeGreaterThanOrEqual(deadline - 1_000);
    expect(expired.variants.every((v) => !v.approvable)).toBe(true);
    expect(await stack.temporal.client.workflow.getHandle(`ad-copy:${requestId}`).result()).toMatchObject({
      status: 'expired',
      approvedVariantId: null,
    });

    const late = await http.post(
      `${stack.api.url}/v1/campaigns/${campaign.id}/ads/copy/${requestId}/approve`,
      { variantId: expired.variants[0].id },
      { headers: account.headers },
    );
    expect(late.status).toBe(409);
    expect(late.data.error.code).toBe('not_awaiting_approval');
    const approved = await stack.db.pool.exists(sql.type(z.object({ x: z.number() }))`
      SELECT 1 AS x FROM ad_copy_variants WHERE request_id = ${requestId} AND approved_at IS NOT NULL`);
    expect(approved).toBe(false);
  });

  it('approves a template variant before the deadline', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Daybreak');
    const started = await http.post(
      `${stack.api.url}/v1/campaigns/${campaign.id}/ads/copy`,
      { platform: 'meta' },
      { headers: account.headers },
    );
    const requestId = started.data.id as string;
    const waiting = await copyState(account.headers, campaign.id, requestId, 'awaiting_approval');
    expect(waiting.variants).toHaveLength(3); // the default
    const res = await http.post(
      `${stack.api.url}/v1/campaigns/${campaign.id}/ads/copy/${requestId}/approve`,
      { variantId: waiting.variants[2].id },
      { headers: account.headers },
    );
    expect(res.status).toBe(202);
    const approved = await copyState(account.headers, campaign.id, requestId, 'approved');
    expect(approved.variants.map((v) => (v as Variant & { approvedAt: string | null }).approvedAt !== null)).toEqual([
      false,
      false,
      true,
    ]);
  });

  it('deleting the account deletes its ad copy workflows and their histories', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Gone Soon');
    const started = await http.post(
      `${stack.api.url}/v1/campaigns/${campaign.id}/ads/copy`,
      { platform: 'meta' },
      { headers: account.headers },
    );
    const requestId = started.data.id as string;
    await copyState(account.headers, campaign.id, requestId, 'awaiting_approval');
    const accountId = await stack.db.pool.oneFirst(
      sql.type(z.object({ id: z.string() }))`SELECT account_id AS id FROM campaigns WHERE id = ${campaign.id}`,
    );
    expect((await http.delete(`${stack.api.url}/v1/accounts/me`, { headers: account.headers })).status).toBe(202);
    await stack.temporal.client.workflow.getHandle(`account-deletion:${accountId}`).result();
    await waitFor(
      'the ad copy history to go',
      () =>
        stack.temporal.client.workflow
          .getHandle(`ad-copy:${requestId}`)
          .describe()
          .then(
            () => 'there',
            (e: unknown) => (e instanceof WorkflowNotFoundError ? 'gone' : String(e)),
          ),
      (v) => v === 'gone',
      30_000,
    );
    expect(
      await stack.db.pool.exists(
        sql.type(z.object({ x: z.number() }))`SELECT 1 AS x FROM ad_copy_requests WHERE id = ${requestId}`,
      ),
    ).toBe(false);
  });
});
