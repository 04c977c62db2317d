// SMS reminders reach only phones whose owners said yes, and a STOP is final (issue 16, docs/smart-link.md): a phone
// typed in the remind-me form gets a confirmation text, and no reminder by SMS until its owner opens that link (the
// e-mail's owner confirming is not enough); the confirmation texts are limited per client and per number; a number
// that replied STOP (Twilio 21610, the simulator at the HTTP boundary) is attempted once, its message dropped and
// its subscription ended.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { SANDBOX_TWILIO, startTwilioSimulator } from '../../simulators/twilio';
import { outboxDeliveryWorkflow } from '../../workflows/mail';
import { mailTo } from '../helpers/mailbox';
import { usePerFile } from '../helpers/per-file';
import {
  accountWithLiveAlbumCampaign,
  artistAccount,
  confirmSubscription,
  createCampaign,
  http,
  useReleaseStack,
  waitForCampaign,
} from '../helpers/release-stack';
import { confirmPhone, phoneConfirmationLink, textsTo } from '../helpers/sms';

const twilio = usePerFile(
  'the Twilio simulator',
  () => startTwilioSimulator({ ...SANDBOX_TWILIO, maxPerSecond: 50 }),
  (sim) => sim.close(),
);
const stack = useReleaseStack(() => ({
  env: {
    TWILIO_API_URL: twilio.url,
    TWILIO_ACCOUNT_SID: SANDBOX_TWILIO.accountSid,
    TWILIO_AUTH_TOKEN: SANDBOX_TWILIO.authToken,
    TWILIO_FROM: '+15005550006',
    // The confirmation texts' own limits, small enough to reach; the form's own limit out of the way.
    RATE_LIMITS: 'smsphone=2/3600,smsclient=6/3600,subscribe=1000/600',
  },
}));

const runOutbox = () =>
  stack.temporal.client.workflow.execute(outboxDeliveryWorkflow, {
    workflowId: `outbox-${randomBytes(6).toString('hex')}`,
    taskQueue: stack.temporal.taskQueue,
  });
/** The remind-me form posted; `client`: the address it comes from (through the trusted loopback proxy). */
const ask = (slug: string, fields: Record<string, string>, client?: string) =>
  http.post(
    `${stack.api.url}/l/${slug}/subscribe`,
    new URLSearchParams({ remind: 'yes', consent: 'yes', ...fields }).toString(),
    {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(client ? { 'x-forwarded-for': client } : {}),
      },
    },
  );
const remindersBySms = (phone: string) => textsTo(twilio.state, phone).filter((m) => m.body.includes(' is out'));
const subscription = (phoneSuffix: string) =>
  stack.db.pool.one(sql.type(z.object({ unsubscribed: z.boolean(), phoneConfirmed: z.boolean() }))`
    SELECT s.unsubscribed_at IS NOT NULL AS unsubscribed, s.phone_confirmed_at IS NOT NULL AS "phoneConfirmed"
    FROM subscribers s JOIN outbox_emails o ON o.subscriber_id = s.id AND o.template = 'phone_confirm'
    WHERE o.data->>'token' = ${phoneSuffix}`);

describe('SMS double opt-in and STOP', () => {
  it('texts reminders only to confirmed phones, and a STOP is attempted once, dropped and unsubscribes', async () => {
    const created = await accountWithLiveAlbumCampaign(stack, 'Text Me', { secondsAhead: 20 });
    const { id, slug } = created.campaign.data as { id: string; slug: string };
    const owner = { email: 'owner@example.com', phone: '+33611111111' };
    const typedBySomeoneElse = { email: 'other@example.com', phone: '+33622222222' };
    const stopper = { email: 'stopper@example.com', phone: '+33633333333' };
    for (const fan of [owner, typedBySomeoneElse, stopper]) {
      const page = await ask(slug, fan);
      expect(page.status).toBe(200);
      expect(page.data).toContain('open the link we have texted to your phone');
    }
    for (const fan of [owner, typedBySomeoneElse, stopper]) await confirmSubscription(stack, fan.email);

    // The confirmation texts go out with the outbox (transactional: before anyone confirmed anything).
    await runOutbox();
    for (const fan of [owner, typedBySomeoneElse, stopper]) {
      const texts = textsTo(twilio.state, fan.phone);
      expect(texts).toHaveLength(1);
      expect(texts[0].body).toMatch(/^Confirm SMS reminders for "Text Me" by Luna Vey: http:\/\/127\.0\.0\.1:\d+\/p\//);
    }
    // Opening the link only asks (link previews follow links); a forged or foreign token confirms nothing.
    const link = phoneConfirmationLink(twilio.state, owner.phone);
    expect((await http.get(`${stack.api.url}${link}`)).data).toContain('Yes, text me');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await http.post(`${stack.api.url}${link}x`, '', { headers: form })).status).toBe(400);
    expect((await confirmPhone(stack.api.url, twilio.state, owner.phone)).status).toBe(200);
    expect((await confirmPhone(stack.api.url, twilio.state, stopper.phone)).status).toBe(200);
    expect(await subscription(link.slice(3))).toEqual({ unsubscribed: false, phoneConfirmed: true });
    // The stopper replies STOP to the number (Twilio's Advanced Opt-Out): from now on Twilio answers 21610.
    await http.post(`${twilio.url}/__control/stop`, { to: stopper.phone });

    await waitForCampaign(stack, id, created.headers, 'the release live', (r) => r.data.resolution === 'live');
    while (Date.now() < created.release.at) await new Promise((r) => setTimeout(r, 200));
    await runOutbox();
    await runOutbox(); // the next minute's run: nothing is tried again

    expect(remindersBySms(owner.phone)).toHaveLength(1);
    // The e-mail's owner confirmed, the phone's did not: the e-mail reminder, no SMS.
    expect((await mailTo(stack, typedBySomeoneElse.email)).filter((m) => m.subject.includes('is out'))).toHaveLength(1);
    expect(remindersBySms(typedBySomeoneElse.phone)).toEqual([]);
    expect(twilio.state.refusals.filter((r) => r.to === typedBySomeoneElse.phone)).toEqual([]);
    // STOP: one attempt, refused with 21610, the message dropped (not retried) and the subscription ended.
    expect(twilio.state.refusals.filter((r) => r.to === stopper.phone)).toEqual([{ to: stopper.phone, code: 21610 }]);
    expect(remindersBySms(stopper.phone)).toEqual([]);
    expect(await subscription(phoneConfirmationLink(twilio.state, stopper.phone).slice(3))).toEqual({
      unsubscribed: true,
      phoneConfirmed: true,
    });
    const dropped = await stack.db.pool.any(sql.type(
      z.object({ attempts: z.number(), dropped: z.boolean(), lastError: z.string().nullable() }),
    )`
      SELECT attempts, dropped_at IS NOT NULL AS dropped, last_error AS "lastError" FROM outbox_emails
      WHERE channel = 'sms' AND template = 'release_reminder' AND sent_at IS NULL`);
    expect(dropped).toEqual([{ attempts: 1, dropped: true, lastError: expect.stringContaining('21610') }]);
  });

  it('limits confirmation texts per phone number and per client, and still saves the subscription', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Not Too Many Texts');
    const texted = 'open the link we have texted to your phone';
    const notTexted = 'We could not text your phone now';
    // Per number (2 a window here), whoever asks: a third form for the same number texts nothing.
    const number = '+33644444444';
    expect((await ask(campaign.slug, { email: 'a1@example.com', phone: number }, '203.0.113.1')).data).toContain(
      texted,
    );
    expect((await ask(campaign.slug, { email: 'a2@example.com', phone: number }, '203.0.113.2')).data).toContain(
      texted,
    );
    const third = await ask(campaign.slug, { email: 'a3@example.com', phone: number }, '203.0.113.3');
    expect(third.data).toContain(notTexted);
    // Per client (6 a window here): other numbers from one address, until its limit.
    const client = '198.51.100.7';
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const asked = await ask(campaign.slug, { email: `b${n}@example.com`, phone: `+3365555555${n}` }, client);
      expect([n, asked.data]).toEqual([n, expect.stringContaining(texted)]);
    }
    const limited = await ask(campaign.slug, { email: 'b7@example.com', phone: '+33655555557' }, client);
    expect(limited.status).toBe(200); // the subscription itself is saved: its e-mail confirmation goes out
    expect(limited.data).toContain(notTexted);
    await runOutbox();
    expect(textsTo(twilio.state, '+33655555557')).toEqual([]);
    expect(textsTo(twilio.state, '+33655555556')).toHaveLength(1);
    expect((await mailTo(stack, 'b7@example.com')).map((m) => m.subject)).toEqual([
      'Confirm your subscription to Luna Vey',
    ]);
  });
});
