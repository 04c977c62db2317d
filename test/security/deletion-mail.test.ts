// Attack on a fan's rights: a fan who unsubscribed asks for the deletion of their data by e-mail. The deletion
// link is transactional (they just asked for it): it must reach them although they get no more news, while the
// news itself (a marketing e-mail queued for them) still does not.
import { z } from 'zod';
import { queueEmail } from '../../db/outbox';
import { sql } from '../../db/pool';
import { outboxDeliveryWorkflow } from '../../workflows/mail';
import { artistAccount, confirmSubscription, createCampaign, http, useReleaseStack } from '../helpers/release-stack';

const stack = useReleaseStack();

const form = (fields: Record<string, string>) =>
  [
    new URLSearchParams(fields).toString(),
    { headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  ] as const;

async function inbox(address: string): Promise<string[]> {
  const rows = await stack.db.pool.any(sql.type(z.object({ id: z.string(), enc: z.string(), body: z.string() }))`
    SELECT outbox_id AS id, to_address_enc AS enc, body FROM sandbox_mailbox ORDER BY delivered_at`);
  return rows.filter((r) => stack.keyRing.decrypt(r.enc, `sandbox_mailbox:${r.id}`) === address).map((r) => r.body);
}

describe('attack: the deletion e-mail of an unsubscribed fan', () => {
  it('sends the deletion link to an unsubscribed fan, and still no news', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Gone Quiet');
    expect(
      (
        await http.post(
          `${stack.api.url}/l/${campaign.slug}/subscribe`,
          ...form({ email: 'quiet@example.com', consent: 'yes' }),
        )
      ).status,
    ).toBe(200);
    const confirmed = await confirmSubscription(stack, 'quiet@example.com');
    const unsubscribe = /href="([^"]*\/u\/[^"]+)"/.exec(String(confirmed.data))![1];
    expect((await http.post(unsubscribe)).status).toBe(200);

    // News queued for the campaign's subscribers after the unsubscribe: it must not go out.
    const subscriberId = await stack.db.pool.oneFirst(
      sql.type(z.object({ id: z.string() }))`SELECT id FROM subscribers WHERE campaign_id = ${campaign.id}`,
    );
    await queueEmail(stack.db.pool, {
      subscriberId,
      template: 'reconsent_nudge',
      data: { title: 'Gone Quiet', slug: campaign.slug },
      dedupeKey: `news:${subscriberId}`,
    });

    const asked = await http.post(`${stack.api.url}/privacy/delete/email`, ...form({ email: 'quiet@example.com' }));
    expect(asked.status).toBe(200);
    await stack.temporal.client.workflow.execute(outboxDeliveryWorkflow, {
      workflowId: `outbox-${Date.now()}`,
      taskQueue: stack.temporal.taskQueue,
    });
    const mails = await inbox('quiet@example.com');
    expect(mails.filter((m) => m.includes('/privacy/delete/confirm/'))).toHaveLength(1);
    expect(mails.filter((m) => m.includes('Pre-save again'))).toHaveLength(0);
  });
});
