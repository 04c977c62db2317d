// Billing activities: provisioning a shop order's package (once), linking the order to the buyer's account, the
// state of the campaign it pays for, order e-mails into the outbox, and the downgrade at the end of a grace period.
// Each is idempotent: the package credit's key is the order id, e-mails have dedupe keys.
import { ApplicationFailure } from '@temporalio/common';
import {
  downgradeAfterGrace,
  findOrder,
  linkOrder,
  orderEmailContext,
  provisionOrder,
  returnCreditOfCancelledCampaign,
} from '../db/billing';
import { verifiedAccountByEmail } from '../db/accounts';
import { queueEmail } from '../db/outbox';
import { campaignReleaseState } from '../db/campaigns';
import { PACKAGES } from '../lib/billing/plans';
import { type ActivityDeps } from './deps';

export function createBillingActivities({ pool, keyRing, logger }: ActivityDeps) {
  const order = async (orderId: string) => {
    const found = await findOrder(pool, orderId);
    if (!found) throw ApplicationFailure.nonRetryable(`order ${orderId} does not exist`, 'NotFound');
    return found;
  };

  const campaignOf = (campaignId: string) => campaignReleaseState(pool, campaignId);

  return {
    /** Returns whether this attempt provisioned it (false on a retry or a second delivery). */
    async provisionPackage(input: { orderId: string }): Promise<{ provisioned: boolean }> {
      await order(input.orderId);
      const provisioned = await provisionOrder(pool, input.orderId);
      if (provisioned) logger.info({ orderId: input.orderId }, 'package provisioned');
      return { provisioned };
    },

    /**
     * The order's account: the buyer's own when they were signed in, else the account that verified the buyer's
     * address. Signing up with an address proves nothing: whoever did it first would take the credit.
     */
    async linkOrderAccount(input: { orderId: string }): Promise<string | null> {
      const found = await order(input.orderId);
      if (found.accountId) return linkOrder(pool, found.id, found.accountId);
      if (!found.emailEnc) return null;
      const email = keyRing.decrypt(found.emailEnc, orderEmailContext(found.id));
      const accountId = await verifiedAccountByEmail(pool, email);
      return accountId ? linkOrder(pool, found.id, accountId) : null;
    },

    /** The campaign that used the order's package credit, and whether it is live yet. */
    async orderCampaignState(input: { orderId: string }): Promise<{
      campaignId: string | null;
      status: string | null;
      live: boolean;
      releaseAt: number | null;
      closesAt: number | null;
    }> {
      const found = await order(input.orderId);
      const campaign = found.campaignId ? await campaignOf(found.campaignId) : null;
      if (!found.campaignId || !campaign)
        return { campaignId: null, status: null, live: false, releaseAt: null, closesAt: null };
      // Live: pre-saves are being delivered, or the release instant has passed with the release found on Spotify.
      const live =
        ['releasing', 'completed'].includes(campaign.status) ||
        (Date.now() >= campaign.releaseAt && campaign.resolution === 'live');
      return {
        campaignId: found.campaignId,
        status: campaign.status,
        live,
        releaseAt: campaign.releaseAt,
        closesAt: campaign.closesAt,
      };
    },

    /** Order confirmation goes to the buyer's address; campaign news to the account. Once per order and kind. */
    async queueOrderEmail(input: {
      orderId: string;
      template: 'order_confirmed' | 'campaign_live' | 'campaign_completed';
    }): Promise<string | null> {
      const found = await order(input.orderId);
      const pkg = PACKAGES[found.packageId];
      const campaign = found.campaignId ? await campaignOf(found.campaignId) : null;
      const data = { packageName: pkg?.name ?? found.packageId, title: campaign?.title, campaignId: found.campaignId };
      const dedupeKey = `order:${found.id}:${input.template}`;
      if (input.template === 'order_confirmed') {
        if (!found.emailEnc && !found.accountId) return null; // nobody to tell
        return queueEmail(pool, {
          ...(found.emailEnc ? { orderId: found.id } : { accountId: found.accountId! }),
          template: input.template,
          data,
          dedupeKey,
        });
      }
      if (!found.accountId) return null;
      return queueEmail(pool, { accountId: found.accountId, template: input.template, data, dedupeKey });
    },

    /** The credit of a campaign cancelled before it went live is free again (idempotent). */
    async returnPackageCredit(input: { orderId: string }): Promise<boolean> {
      return returnCreditOfCancelledCampaign(pool, input.orderId);
    },

    async downgradeAfterGracePeriod(input: { subscriptionId: string }): Promise<boolean> {
      const downgraded = await downgradeAfterGrace(pool, input.subscriptionId);
      if (downgraded) logger.info({ subscriptionId: input.subscriptionId }, 'grace period over: downgraded to free');
      return downgraded;
    },
  };
}
