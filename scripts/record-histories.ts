// `npm run record:histories`: runs real release scenarios on a throw-away stack (embedded PostgreSQL, Temporal
// dev server, Spotify simulator) and writes their workflow histories to test/histories/, where the replay test
// checks that today's workflow code still replays them (a change that breaks determinism fails CI).
// Payloads are encrypted with the fixture key in test/histories/fixture-keys.txt (a test-only key).
import { accountWelcomeWorkflowId } from '../lib/starters/account-welcome';
import { adCampaignWorkflowId } from '../lib/starters/ad-campaign';
import { attributionScheduleId, runAttributionOnce } from '../lib/starters/attribution';
import { fanRetentionWorkflowId } from '../lib/starters/fan-retention';
import { keyRotationWorkflowId, startKeyRotation } from '../lib/starters/key-rotation';
import { releaseWorkflowId } from '../lib/starters/release';
import { firstAccountId } from '../db/accounts';
import { insertApprovedAdCopy } from '../db/ad-copy';
import { accountIdOfArtist } from '../db/artists';
import { createConnection } from '../db/connections';
import { findFanIdByProviderUser } from '../db/fans';
import { startMetaSimulator } from '../simulators/meta';
import { marketingState } from '../simulators/meta/marketing';
import { startGeminiSimulator } from '../simulators/gemini';
import { recordAdCopyScenario } from './lib/record-ad-copy';
import * as h from '../test/helpers/release-stack';
import { saveHistory, startRecordingServers } from './lib/history-recording';

async function main() {
  const { bin, pg, temporal, keys } = await startRecordingServers();
  const gemini = await startGeminiSimulator({ apiKeys: ['record-key'] });
  const meta = await startMetaSimulator({ appId: 'rec-meta', appSecret: 'rec-meta-secret' });
  const stack = await h.startReleaseStack({
    env: { ENCRYPTION_KEYS: keys, GEMINI_API_KEY: 'record-key', GEMINI_API_URL: gemini.url, META_GRAPH_URL: meta.url },
  });
  try {
    // `npm run record:histories -- attribution` records only the attribution fixture.
    if (process.argv[2] === 'attribution') return await recordAttribution(stack, bin, temporal.address);
    const account = await h.artistAccount(stack);
    const upc = h.nextUpc();
    const release = h.releaseInSeconds(8);
    h.addRelease(stack, upc, release.at + 1_500); // goes live a little late: exercises the live checks
    const { campaign } = await h.postCampaign(stack, account, 'Recorded', { upc, release });
    for (const user of ['rec-a', 'rec-b', 'rec-c', 'rec-d']) await h.fanPresaves(stack, campaign.data.slug, { user });
    stack.spotify.state.revokeUser('rec-d');
    stack.spotify.state.injectFault({ kind: 'quota', count: 1, retryAfterSeconds: 2, path: '/v1/me/library' });
    stack.spotify.state.injectFault({ kind: '429', count: 2, retryAfterSeconds: 1, path: '/v1/me/library' });
    const handle = stack.temporal.client.workflow.getHandle(releaseWorkflowId(campaign.data.id));
    console.log('waiting for the release workflow to complete…');
    await handle.result();
    await save(bin, temporal.address, releaseWorkflowId(campaign.data.id), 'release-with-faults.json');
    const accountId = await firstAccountId(stack.db.pool);
    await save(bin, temporal.address, accountWelcomeWorkflowId(accountId), 'account-welcome.json');
    // rec-d revoked: its retention workflow deleted the tokens and now sleeps (an open history replays too).
    const revokedFan = await findFanIdByProviderUser(
      stack.db.pool,
      'spotify',
      stack.spotify.state.getUser('rec-d')!.accountId,
    );
    if (!revokedFan) throw new Error('the revoked fan rec-d has no row');
    await save(bin, temporal.address, fanRetentionWorkflowId(revokedFan), 'fan-retention.json');
    const rotationHandle = await startKeyRotation(stack.temporal.client, stack.config.TEMPORAL_TASK_QUEUE, {
      workflowId: keyRotationWorkflowId('fixture'),
      keyId: stack.keyRing.activeKeyId,
      batchSize: 2,
    });
    const rotation = await rotationHandle.result();
    console.log(`key rotation: ${JSON.stringify(rotation)}`);
    await save(bin, temporal.address, keyRotationWorkflowId('fixture'), 'key-rotation.json');
    await save(bin, temporal.address, await recordAdCopyScenario(stack, gemini), 'ad-copy.json');
    await recordAdCampaigns(stack, meta, bin, temporal.address);
    await recordAttribution(stack, bin, temporal.address);
  } finally {
    await stack.close();
    await gemini.close();
    await meta.close();
    await temporal.stop();
    await pg.stop();
  }
}

/** A Meta ad campaign launched and ended (timers), and one undone after its ad step was rejected (compensation). */
async function recordAdCampaigns(
  stack: h.ReleaseStack,
  meta: Awaited<ReturnType<typeof startMetaSimulator>>,
  bin: string,
  address: string,
) {
  const account = await h.artistAccount(stack);
  const accountId = await accountIdOfArtist(stack.db.pool, account.artistId);
  const campaign = await h.createCampaign(stack, account, 'Recorded ads');
  await createConnection(stack.db.pool, stack.keyRing, {
    accountId,
    provider: 'meta',
    accessToken: meta.state.issue('rec-advertiser', true).access_token,
    expiresInSeconds: 3600,
    scope: 'ads',
  });
  await insertApprovedAdCopy(stack.db.pool, {
    campaignId: campaign.id,
    platform: 'meta',
    headline: 'Out now',
    primaryText: 'Listen now.',
    description: 'Stream it',
  });
  const body = (startIn: number, endIn: number) => ({
    platform: 'meta',
    adAccountId: 'act_42',
    pageId: '7',
    budget: { amount: 5000, currency: 'USD' },
    countries: ['US'],
    objective: 'traffic',
    startAt: new Date(Date.now() + startIn).toISOString(),
    endAt: new Date(Date.now() + endIn).toISOString(),
  });
  const launched = await h.http.post(`${stack.api.url}/v1/campaigns/${campaign.id}/ads`, body(3_000, 6_000), {
    headers: account.headers,
  });
  console.log(
    `ad campaign: ${await stack.temporal.client.workflow.getHandle(adCampaignWorkflowId(launched.data.id)).result()}`,
  );
  await save(bin, address, adCampaignWorkflowId(launched.data.id), 'ad-campaign-ended.json');
  marketingState(meta.state).faults.push({ step: 'ads', code: 100, userMessage: 'Rejected.', times: 1, hits: 0 });
  const undone = await h.http.post(`${stack.api.url}/v1/campaigns/${campaign.id}/ads`, body(60_000, 120_000), {
    headers: account.headers,
  });
  console.log(
    `ad campaign: ${await stack.temporal.client.workflow.getHandle(adCampaignWorkflowId(undone.data.id)).result()}`,
  );
  await save(bin, address, adCampaignWorkflowId(undone.data.id), 'ad-campaign-undone.json');
}

/** A backfill run over three fans (one batch each), one of them revoked, with a 429 on the way. */
async function recordAttribution(stack: h.ReleaseStack, bin: string, address: string) {
  const account = await h.artistAccount(stack);
  const upc = h.nextUpc();
  const created = h.addRelease(stack, upc, Date.now() - 60_000);
  const { campaign } = await h.postCampaign(stack, account, 'Recorded Attribution', { upc, secondsAhead: 3 });
  for (const user of ['attr-a', 'attr-b', 'attr-c']) await h.fanPresaves(stack, campaign.data.slug, { user });
  await h.waitForCampaign(
    stack,
    campaign.data.id,
    account.headers,
    'release day',
    (r) => r.data.progress.pending === 0,
  );
  stack.spotify.state.revokeUser('attr-c');
  for (const user of ['attr-a', 'attr-b'])
    stack.spotify.state.addPlay(user, { trackId: created.tracks[0].id, playedAt: Date.now() - 10_000 });
  stack.spotify.state.injectFault({
    kind: '429',
    count: 1,
    retryAfterSeconds: 1,
    path: '/v1/me/player/recently-played',
  });
  const result = await runAttributionOnce(stack.temporal.client, stack.config.TEMPORAL_TASK_QUEUE, {
    workflowId: attributionScheduleId('fixture'),
    campaignId: campaign.data.id,
    batchSize: 1,
  });
  console.log(`attribution: ${JSON.stringify(result)}`);
  await save(bin, address, attributionScheduleId('fixture'), 'attribution.json');
}

const save = saveHistory;

// The helpers read these at call time (set in main before the stack starts).
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
