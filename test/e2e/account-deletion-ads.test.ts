// Deleting an account stops its paid campaigns at the provider before its rows go: the API, accountDeletionWorkflow
// and adCampaignWorkflow on the real worker, PostgreSQL, and the Meta Marketing simulator over HTTP.
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { createConnection } from '../../db/connections';
import { sql } from '../../db/pool';
import { cancelAd } from '../helpers/ads';
import { marketingState } from '../../simulators/meta/marketing';
import { artistAccount, createCampaign, http, waitFor } from '../helpers/release-stack';
import { useMetaSimulatorStack } from '../helpers/ad-simulators';

const { meta, stack } = useMetaSimulatorStack();

const marketing = () => marketingState(meta.state);
type Account = Awaited<ReturnType<typeof artistAccount>>;

/** An artist whose release is `secondsAhead` away, with a live Meta connection and approved copy. */
async function artistWithMeta(secondsAhead: number) {
  const account = await artistAccount(stack);
  const accountId = await stack.db.pool.oneFirst(
    sql.type(z.object({ id: z.string() }))`SELECT account_id AS id FROM artists WHERE id = ${account.artistId}`,
  );
  const campaign = await createCampaign(stack, account, 'Leaving with ads', { secondsAhead });
  const user = `meta-leaving-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
  const connection = await createConnection(stack.db.pool, stack.keyRing, {
    accountId,
    provider: 'meta',
    accessToken: meta.state.issue(user, true).access_token,
    expiresInSeconds: 3600,
    scope: 'ads',
  });
  const requestId = await stack.db.pool.oneFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO ad_copy_requests (campaign_id, platform, status) VALUES (${campaign.id}, 'meta', 'approved') RETURNING id`);
  await stack.db.pool.query(sql.unsafe`
    INSERT INTO ad_copy_variants (request_id, campaign_id, platform, position, headline, primary_text, description, source, approved_at)
    VALUES (${requestId}, ${campaign.id}, 'meta', 0, 'Midnight Sun out now', 'The new single. Listen now.', 'Stream it today', 'template', now())`);
  return { account, accountId, campaign, user, connectionId: connection.id };
}

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
async function createAds(account: Account, campaignId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await http.post(
    `${stack.api.url}/v1/campaigns/${campaignId}/ads`,
    {
      platform: 'meta',
      budget: { amount: 5000, currency: 'USD' },
      endAt: inSeconds(7 * 86_400),
      countries: ['US'],
      objective: 'traffic',
      adAccountId: 'act_1001',
      pageId: '2002',
      ...extra,
    },
    { headers: account.headers },
  );
  expect(res.status).toBe(202);
  return res.data.id as string;
}
async function untilAd(account: Account, campaignId: string, adId: string, state: string) {
  return waitFor(
    `ad campaign ${adId} ${state}`,
    async () => {
      const res = await http.get(`${stack.api.url}/v1/campaigns/${campaignId}/ads`, { headers: account.headers });
      return (res.data.items as { id: string; state: string; objects: { type: string; id: string }[] }[]).find(
        (a) => a.id === adId,
      )!;
    },
    (a) => a.state === state,
    60_000,
  );
}
async function deleteAccount(account: Account, accountId: string) {
  expect((await http.delete(`${stack.api.url}/v1/accounts/me`, { headers: account.headers })).status).toBe(202);
  return stack.temporal.client.workflow.getHandle(`account-deletion:${accountId}`).result();
}
const rowsLeft = (accountId: string) =>
  stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
  SELECT ((SELECT count(*) FROM accounts WHERE id = ${accountId}) + (SELECT count(*) FROM ad_campaigns WHERE account_id = ${accountId})
       + (SELECT count(*) FROM connections WHERE account_id = ${accountId}))::int AS n`);
const auditOf = (action: string, accountId: string) =>
  stack.db.pool.anyFirst(sql.type(z.object({ target: z.string() }))`
  SELECT target FROM audit_log WHERE action = ${action} AND target LIKE ${`account:${accountId} %`}`);
const workflowGone = (workflowId: string) =>
  stack.temporal.client.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      () => false,
      (e: unknown) => e instanceof WorkflowNotFoundError,
    );

describe('account deletion with ad campaigns', () => {
  it('pauses a launched Meta campaign and removes a scheduled one before the rows go', async () => {
    const { account, accountId, campaign } = await artistWithMeta(4);
    const liveId = await createAds(account, campaign.id);
    const laterId = await createAds(account, campaign.id, { startAt: inSeconds(3600) });
    const live = await untilAd(account, campaign.id, liveId, 'active');
    const later = await untilAd(account, campaign.id, laterId, 'scheduled');
    const liveObjects = live.objects.map((o) => marketing().objects.get(o.id)!);
    expect(liveObjects.filter((o) => o.kind !== 'adcreative').map((o) => o.status)).toEqual([
      'ACTIVE',
      'ACTIVE',
      'ACTIVE',
    ]);
    expect(later.objects).toHaveLength(4);

    const result = await deleteAccount(account, accountId);
    expect(result).toMatchObject({ campaigns: 1, adCampaignsStopped: 2, adCampaignsNotStopped: 0 });
    const [metaCampaign] = liveObjects;
    expect(metaCampaign).toMatchObject({ kind: 'campaign', status: 'PAUSED', deleted: false }); // spend stays visible at Meta
    for (const o of later.objects)
      expect(marketing().objects.get(o.id)).toMatchObject({ deleted: true, status: 'DELETED' });
    expect(await rowsLeft(accountId)).toBe(0);
    // the server deletes the histories asynchronously (a terminated one took it ~30 s on the dev server)
    for (const id of [liveId, laterId])
      await waitFor(
        `ad-campaign:${id} to go`,
        () => workflowGone(`ad-campaign:${id}`),
        (gone) => gone,
        90_000,
      );
    const [stopped] = await auditOf('account_ad_campaigns_stopped', accountId);
    expect(stopped.split(' ').sort()).toEqual(
      [`account:${accountId}`, `ad_campaign:${laterId}`, `ad_campaign:${liveId}`].sort(),
    );
    expect(await auditOf('account_ad_campaigns_not_stopped', accountId)).toEqual([]);
  });

  it('a provider that refuses the token does not hold the deletion up: the campaign is named in the audit log', async () => {
    const { account, accountId, campaign, user } = await artistWithMeta(4);
    const adId = await createAds(account, campaign.id);
    const live = await untilAd(account, campaign.id, adId, 'active');
    meta.state.revokedUsers.add(user); // e.g. the artist removed dropday from their Facebook business settings

    const result = await deleteAccount(account, accountId);
    expect(result).toMatchObject({ campaigns: 1, adCampaignsStopped: 0, adCampaignsNotStopped: 1 });
    expect(marketing().objects.get(live.objects[0].id)!.status).toBe('ACTIVE'); // Meta refused: only the artist can stop it now
    expect(marketing().calls.filter((c) => c.user === user && c.step === 'status' && c.code === 190)).toHaveLength(1); // refused for good: not retried
    expect(await rowsLeft(accountId)).toBe(0);
    expect(await auditOf('account_ad_campaigns_not_stopped', accountId)).toEqual([
      `account:${accountId} ad_campaign:${adId}=AdConnectionNeedsReconnect`,
    ]);
    expect(await auditOf('account_ad_campaigns_stopped', accountId)).toEqual([]);
  });

  it('a connection with open ad campaigns cannot be disconnected until they are cancelled', async () => {
    const { account, campaign, connectionId } = await artistWithMeta(3600);
    const adId = await createAds(account, campaign.id);
    await untilAd(account, campaign.id, adId, 'scheduled');
    const refused = await http.delete(`${stack.api.url}/v1/connections/${connectionId}`, { headers: account.headers });
    expect(refused.status).toBe(409);
    expect(refused.data.error).toMatchObject({ code: 'connection_in_use', details: { adCampaignIds: [adId] } });
    const status = () =>
      stack.db.pool.oneFirst(
        sql.type(z.object({ status: z.string() }))`SELECT status FROM connections WHERE id = ${connectionId}`,
      );
    expect(await status()).toBe('active'); // changed nothing

    expect((await cancelAd(stack, account, campaign.id, adId)).status).toBe(202);
    await untilAd(account, campaign.id, adId, 'cancelled');
    expect(
      (await http.delete(`${stack.api.url}/v1/connections/${connectionId}`, { headers: account.headers })).status,
    ).toBe(200);
    expect(await status()).toBe('disconnected');
  });
});
