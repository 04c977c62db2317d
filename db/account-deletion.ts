// Deleting an artist account (see workflows/account-deletion.ts). An aggregate of many tables: it revokes
// api_keys, blanks orders' address, deletes campaigns, the account and fans left with nothing to be kept for, in
// one transaction, because the account must go whole or not at all; events go through db/events.ts, their one writer.
import { z } from 'zod';
import { deleteEventsOfFans } from './events';
import { type DatabasePool, sql } from './pool';

/** Keys stop working first, so nothing new happens in an account while it is being deleted. */
export async function revokeAccountKeys(pool: DatabasePool, accountId: string): Promise<void> {
  await pool.query(sql.unsafe`UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE account_id = ${accountId}`);
}

export async function campaignIdsOf(pool: DatabasePool, accountId: string): Promise<readonly string[]> {
  return pool.anyFirst(sql.type(z.object({ id: z.string() }))`SELECT id FROM campaigns WHERE account_id = ${accountId}`);
}

/**
 * Everything of the account: the account row cascades to keys, artists, campaigns (and their pre-saves, events,
 * subscribers, sign-in states), outbox and notifications. Fans who pre-saved only this account's campaigns have
 * nothing left to be kept for, so they go too; fans of other accounts stay.
 */
export async function deleteAccountData(pool: DatabasePool, accountId: string): Promise<{ campaigns: number; fans: number }> {
  return pool.transaction(async (tx) => {
    const onlyOurs = await tx.anyFirst(sql.type(z.object({ fanId: z.string() }))`
      SELECT p.fan_id AS "fanId" FROM presaves p JOIN campaigns c ON c.id = p.campaign_id
      GROUP BY p.fan_id HAVING bool_and(c.account_id = ${accountId})`);
    // Shop orders stay (bookkeeping) without the buyer's address.
    await tx.query(sql.unsafe`UPDATE orders SET email_enc = NULL, email_hash = NULL WHERE account_id = ${accountId}`);
    const campaigns = (await tx.query(sql.unsafe`DELETE FROM campaigns WHERE account_id = ${accountId}`)).rowCount;
    await tx.query(sql.unsafe`DELETE FROM accounts WHERE id = ${accountId}`);
    let fans = 0;
    if (onlyOurs.length > 0) {
      await deleteEventsOfFans(tx, onlyOurs);
      fans = (await tx.query(sql.unsafe`DELETE FROM fans WHERE id = ANY(${sql.array([...onlyOurs], 'uuid')})`)).rowCount;
    }
    return { campaigns, fans };
  });
}
