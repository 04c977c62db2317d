// Deleting an artist account (see workflows/account-deletion.ts): one transaction, because the account must go
// whole or not at all. It writes nothing itself: each table's rows go through that table's module (orders'
// address, campaigns, the account, then the events and rows of fans left with nothing to be kept for).
import { z } from 'zod';
import { deleteAccount } from './accounts';
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
 * subscribers, sign-in states), outbox and notifications. Fans who pre-saved only this account's campaigns have
 * nothing left to be kept for, so they go too; fans of other accounts stay.
 */
export async function deleteAccountData(
  pool: DatabasePool,
  accountId: string,
): Promise<{ campaigns: number; fans: number }> {
  return pool.transaction(async (tx) => {
    const onlyOurs = await tx.anyFirst(sql.type(z.object({ fanId: z.string() }))`
      SELECT p.fan_id AS "fanId" FROM presaves p JOIN campaigns c ON c.id = p.campaign_id
      GROUP BY p.fan_id HAVING bool_and(c.account_id = ${accountId})`);
    // Shop orders stay (bookkeeping) without the buyer's address.
    await forgetOrderEmails(tx, { accountId });
    const campaigns = await deleteCampaignsOfAccount(tx, accountId);
    await deleteAccount(tx, accountId);
    let fans = 0;
    if (onlyOurs.length > 0) {
      await deleteEventsOfFans(tx, onlyOurs);
      fans = await deleteFans(tx, onlyOurs);
    }
    return { campaigns, fans };
  });
}
