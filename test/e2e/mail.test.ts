// E-mail: the outbox reaches the sandbox mailbox once per e-mail; fans whose Spotify consent ends before their
// release and who gave an e-mail on the campaign's page are nudged to pre-save again (once).
import { z } from 'zod';
import { sql } from '../../db/pool';
import { outboxDeliveryWorkflow, reconsentNudgeWorkflow } from '../../workflows/mail';
import {
  artistAccount,
  confirmSubscription,
  fanPresaves,
  http,
  postCampaign,
  useReleaseStack,
} from '../helpers/release-stack';

const stack = useReleaseStack();

const run = <T>(workflow: () => Promise<T>) =>
  stack.temporal.client.workflow.execute(workflow, {
    workflowId: `mail-test-${Math.random().toString(36).slice(2)}`,
    taskQueue: stack.temporal.taskQueue,
  });

async function mailbox(): Promise<{ to: string; subject: string; body: string; headers: Record<string, string> }[]> {
  const rows = await stack.db.pool.any(sql.type(
    z.object({
      id: z.string(),
      enc: z.string(),
      subject: z.string(),
      body: z.string(),
      headers: z.record(z.string(), z.string()),
    }),
  )`
    SELECT outbox_id AS id, to_address_enc AS enc, subject, body, headers FROM sandbox_mailbox ORDER BY delivered_at`);
  return rows.map((r) => ({
    to: stack.keyRing.decrypt(r.enc, `sandbox_mailbox:${r.id}`),
    subject: r.subject,
    body: r.body,
    headers: r.headers,
  }));
}

describe('e-mail', () => {
  it('nudges exactly the subscribed fans whose consent ends before the release, through the outbox', async () => {
    const account = await artistAccount(stack);
    // Seven months out: the six-month refresh tokens of today's consents end before it.
    const far = new Date(Date.now() + 213 * 24 * 3600_000).toISOString().slice(0, 10);
    const { campaign } = await postCampaign(stack, account, 'Far Away', { releaseDate: far });
    const subscribe = async (user: string, email: string) => {
      const { callback } = await fanPresaves(stack, campaign.data.slug, { user });
      const fanCookie = (callback.headers['set-cookie'] ?? [])
        .map((c) => c.split(';')[0])
        .find((c) => c.startsWith('play_spotify_uid='))!;
      const res = await http.post(
        `${stack.api.url}/l/${campaign.data.slug}/subscribe`,
        new URLSearchParams({ email, consent: 'yes' }).toString(),
        {
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: fanCookie },
        },
      );
      expect(res.status).toBe(200);
      return confirmSubscription(stack, email); // double opt-in: the owner confirms from the inbox
    };
    await subscribe('nudge-me', 'nudge-me@example.com');
    const leaving = await subscribe('unsubscribed', 'unsubscribed@example.com');
    await fanPresaves(stack, campaign.data.slug, { user: 'no-email' });
    await subscribe('long-consent', 'long@example.com');
    await stack.db.pool.query(sql.unsafe`
      UPDATE fan_tokens SET refresh_expires_at = now() + interval '400 days'
      WHERE fan_id = (SELECT id FROM fans WHERE provider_user_id = ${stack.spotify.state.getUser('long-consent')!.accountId})`);
    await http.post(/href="([^"]*\/u\/[^"]+)"/.exec(String(leaving.data))![1]);

    const first = await run(reconsentNudgeWorkflow);
    expect(first.queued).toBe(1);
    const nudges = (await mailbox()).filter((m) => m.subject.startsWith('Keep your pre-save'));
    expect(nudges).toEqual([
      {
        to: 'nudge-me@example.com',
        subject: 'Keep your pre-save of "Far Away"',
        body: expect.stringContaining(`/l/${campaign.data.slug}`),
        headers: {
          'List-Unsubscribe': expect.stringMatching(/^<http\S+\/u\/\S+>$/),
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      },
    ]);
    // A marketing message: its unsubscribe link is in the text and in List-Unsubscribe, and a mail client's
    // one-click POST to it (RFC 8058) unsubscribes the address.
    const unsubscribeUrl = nudges[0].headers['List-Unsubscribe'].slice(1, -1);
    expect(nudges[0].body).toContain(`Unsubscribe from these messages: ${unsubscribeUrl}`);
    const oneClick = await http.post(unsubscribeUrl, 'List-Unsubscribe=One-Click', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(oneClick.status).toBe(200);
    expect(
      await stack.db.pool.oneFirst(sql.type(z.object({ gone: z.boolean() }))`
        SELECT unsubscribed_at IS NOT NULL AS gone FROM subscribers WHERE id = (
          SELECT subscriber_id FROM outbox_emails WHERE template = 'reconsent_nudge')`),
    ).toBe(true);
    // Once: running again queues and sends nothing new.
    await run(reconsentNudgeWorkflow);
    expect((await mailbox()).filter((m) => m.subject.startsWith('Keep your pre-save'))).toHaveLength(1);
    // The address is stored sealed, like every contact detail.
    expect(
      JSON.stringify(await stack.db.pool.any(sql.unsafe`SELECT to_address_enc FROM sandbox_mailbox`)),
    ).not.toContain('nudge-me@example.com');
  });

  it('delivers account e-mail (welcome, address verification) to the account address, once', async () => {
    const signup = await http.post(`${stack.api.url}/v1/accounts`, {
      name: 'Mail Label',
      email: 'mail-label@example.com',
    });
    await stack.temporal.client.workflow.getHandle(`account-welcome:${signup.data.account.id}`).result();
    expect((await run(outboxDeliveryWorkflow)).failed).toBe(0);
    await run(outboxDeliveryWorkflow);
    const mails = (await mailbox()).filter((m) => m.to === 'mail-label@example.com');
    expect(mails).toEqual(
      expect.arrayContaining([
        {
          to: 'mail-label@example.com',
          subject: 'Welcome to dropday',
          body: expect.stringContaining('Mail Label'),
          headers: {},
        },
        {
          to: 'mail-label@example.com',
          subject: 'Verify your e-mail address for dropday',
          body: expect.stringContaining(`${stack.config.PUBLIC_URL}/account/verify/`),
          headers: {}, // transactional: no unsubscribe link
        },
      ]),
    );
    expect(mails).toHaveLength(2);
  });
});
