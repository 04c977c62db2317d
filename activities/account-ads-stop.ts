// Before an account is deleted, its ad campaigns stop spending at Meta / Google Ads (see workflows/account-deletion.ts).
// Per ad campaign, with the saga's own semantics (workflows/ad-campaign.ts): its workflow is terminated first (so it
// cannot launch behind our back), then a launched campaign is paused (its spend stays visible in the ad account)
// and one that never launched has its objects removed, newest first. Safe to repeat: what is already paused or
// removed is skipped. A provider that refuses for good (token revoked → needs_reconnect, object rejected) is not
// waited for: the ad campaign is reported as not stopped. A transient error is retried; on the last attempt it is
// reported too, so the deletion never blocks on a provider.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { type AdStep, adCampaignsOfAccount, listAdObjects } from '../db/ad-campaigns';
import { audit } from '../db/audit-log';
import { adCampaignWorkflowId } from '../lib/starters/ad-campaign';
import { createAdCampaignActivities } from './ad-campaigns';
import { type ActivityDeps } from './deps';

/** Creation order per platform (as in workflows/ad-campaign.ts). */
const STEPS = {
  meta: ['campaign', 'adset', 'creative', 'ad'],
  google: ['budget', 'campaign', 'targeting', 'ad_group', 'ad'],
} as const satisfies Record<string, readonly AdStep[]>;
/** Attempts of stopAccountAdCampaigns (the workflow's retry policy says the same); the last one reports, never throws. */
export const STOP_ADS_ATTEMPTS = 5;
const LAUNCHED = ['ACTIVE', 'ENABLED'];

export interface AdsStopped {
  stopped: string[];
  notStopped: { adCampaignId: string; reason: string }[];
}

export function createAccountAdsStopActivities(deps: ActivityDeps) {
  const { pool } = deps;
  const ads = createAdCampaignActivities(deps);

  /** 'paused' | 'removed' | 'nothing' (nothing live at the provider). */
  async function stopOne(ad: {
    id: string;
    platform: 'meta' | 'google';
    state: string;
    launchedAt: number | null;
  }): Promise<'paused' | 'removed' | 'nothing'> {
    const objects = await listAdObjects(pool, ad.id);
    const live = objects.filter((o) => o.removedAt === null);
    const launched = ad.launchedAt !== null || objects.some((o) => LAUNCHED.includes(o.status));
    if (launched) {
      const campaign = live.find((o) => o.step === 'campaign');
      if (!campaign || (campaign.status === 'PAUSED' && !live.some((o) => LAUNCHED.includes(o.status))))
        return 'nothing';
      await ads.setAdDelivery({ adCampaignId: ad.id, deliver: false }); // the campaign stops all of it
      return 'paused';
    }
    // Never launched: undo what was created. A workflow terminated while creating may have made its next object
    // without recording it: that step is looked up by its deterministic name.
    const recorded = new Set(objects.map((o) => o.step));
    const inFlight = ad.state === 'creating' ? STEPS[ad.platform].find((s) => !recorded.has(s)) : undefined;
    if (live.length === 0 && !inFlight) return 'nothing';
    let removed = false;
    for (const step of [...STEPS[ad.platform]].reverse()) {
      const outcome = await ads.removeAdObject({
        adCampaignId: ad.id,
        step,
        ...(step === inFlight ? { createInFlight: true } : {}),
      });
      removed ||= outcome === 'removed';
    }
    return removed ? 'removed' : 'nothing';
  }

  return {
    async stopAccountAdCampaigns(input: { accountId: string }): Promise<AdsStopped> {
      const { client, info } = Context.current();
      const lastAttempt = info.attempt >= STOP_ADS_ATTEMPTS;
      const result: AdsStopped = { stopped: [], notStopped: [] };
      let retryable: unknown = null;
      for (const ad of await adCampaignsOfAccount(pool, input.accountId)) {
        try {
          await client.workflow.getHandle(adCampaignWorkflowId(ad.id)).terminate('account deleted');
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError) && !lastAttempt) throw error; // not found: never started or closed
        }
        try {
          if ((await stopOne(ad)) !== 'nothing') result.stopped.push(ad.id);
        } catch (error) {
          const failure = error instanceof ApplicationFailure ? error : null;
          if (failure?.nonRetryable) result.notStopped.push({ adCampaignId: ad.id, reason: failure.type ?? 'refused' });
          else if (lastAttempt)
            result.notStopped.push({ adCampaignId: ad.id, reason: failure?.type ?? 'provider_unavailable' });
          else retryable ??= error; // try the others first; the retry skips what is stopped by now
        }
      }
      if (retryable) throw retryable;
      // Ids only: the audit log outlives the account.
      if (result.stopped.length) {
        await audit(pool, {
          action: 'account_ad_campaigns_stopped',
          target: `account:${input.accountId} ${result.stopped.map((id) => `ad_campaign:${id}`).join(' ')}`,
        });
      }
      if (result.notStopped.length) {
        await audit(pool, {
          action: 'account_ad_campaigns_not_stopped',
          target: `account:${input.accountId} ${result.notStopped.map((n) => `ad_campaign:${n.adCampaignId}=${n.reason}`).join(' ')}`,
        });
      }
      return result;
    },
  };
}
