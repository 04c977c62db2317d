// Deleting an artist account (see workflows/account-deletion.ts): one transaction, because the account must go
// whole or not at all, and its audit record with it. It writes nothing itself: each table's rows go through that
// table's module (orders' address, campaigns, the account, then the events and rows of fans left with nothing to be
// kept for, then the audit record).
import { z } from 'zod';
import { deleteAccount } from './accounts';
import { audit } from './audit-log';
import { forgetOrderEmails } from './billing';
import { deleteCampaignsOfAccount } from './campaigns';
import { deleteEventsOfFans } from './events';
import { deleteFans } from './fans';
import { type DatabasePool, sql } from './pool';

export async function campaignIdsOf(pool: DatabasePool, accountId: string): Promise<readonly string[]> {
  return pool.anyFirst(
    sql.type(z.object({ id: z.string() }))`SELECT id FROM campaigns WHERE account_id = ${accountId}`,
  );
}

/**
 * Everything of the account: the account row cascades to keys, artists, campaigns (and their pre-saves, events,
 * subscribers, sign-in states), outbox and notifications. Fans who pre-saved this account's campaigns and have
 * nothing on any other account's have nothing left to be kept for, so they go too; a fan with anything on another
 * account stays, with that account's rows (only this account's go, with its campaigns).
 */
export async function deleteAccountData(
  pool: DatabasePool,
  accountId: string,
  /** the workflows whose histories went first, for the audit record */
  workflowsDeleted: number,
): Promise<{ campaigns: number; fans: number }> {
  return pool.transaction(async (tx) => {
    // A fan goes only if nothing of theirs belongs to another tenant: no pre-save, subscription, event, queued
    // conversion or attribution cursor on another account's campaign. Deleting the fan row cascades to all of
    // those, so one such row left out here would erase another tenant's data.
    const onlyOurs = await tx.anyFirst(sql.type(z.object({ fanId: z.string() }))`
      WITH ours AS (SELECT id FROM campaigns WHERE account_id = ${accountId}),
      candidates AS (SELECT DISTINCT fan_id FROM presaves WHERE campaign_id IN (SELECT id FROM ours))
      SELECT f.fan_id AS "fanId" FROM candidates f
      WHERE NOT EXISTS (SELECT 1 FROM presaves x WHERE x.fan_id = f.fan_id AND x.campaign_id NOT IN (SELECT id FROM ours))
        AND NOT EXISTS (SELECT 1 FROM subscribers x WHERE x.fan_id = f.fan_id AND x.campaign_id NOT IN (SELECT id FROM ours))
        AND NOT EXISTS (SELECT 1 FROM events x WHERE x.fan_id = f.fan_id AND x.campaign_id NOT IN (SELECT id FROM ours))
        AND NOT EXISTS (SELECT 1 FROM conversion_events x WHERE x.fan_id = f.fan_id
                          AND x.campaign_id NOT IN (SELECT id FROM ours))
        AND NOT EXISTS (SELECT 1 FROM attribution_cursors x WHERE x.fan_id = f.fan_id
                          AND x.campaign_id NOT IN (SELECT id FROM ours))`);
    // Shop orders stay (bookkeeping) without the buyer's address.
    await forgetOrderEmails(tx, { accountId });
    const campaigns = await deleteCampaignsOfAccount(tx, accountId);
    const existed = await deleteAccount(tx, accountId);
    let fans = 0;
    if (onlyOurs.length > 0) {
      await deleteEventsOfFans(tx, onlyOurs);
      fans = await deleteFans(tx, onlyOurs);
    }
    // In the delete's transaction: a retry after a lost commit finds no account and records nothing twice.
    if (existed)
      await audit(tx, {
        action: 'account_deleted',
        target: `account:${accountId} campaigns:${campaigns} fans:${fans} workflows:${workflowsDeleted}`,
      });
    return { campaigns, fans };
  });
}
