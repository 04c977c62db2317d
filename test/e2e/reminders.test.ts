// Release-day reminders (issue 16): a fan asks on the smart link for an e-mail and SMS when the release is out
// (double opt-in, the artist's consent text); after the release is live they get exactly one e-mail and one SMS
// (Twilio's Messages API, its simulator at the HTTP boundary) with their platform's link first; none before; none
// after unsubscribing; none without confirming.
import { outboxDeliveryWorkflow } from '../../workflows/mail';
import { randomBytes } from 'node:crypto';
import { SANDBOX_TWILIO, startTwilioSimulator } from '../../simulators/twilio';
import { rollUp } from '../helpers/analytics-fixture';
import { mailTo } from '../helpers/mailbox';
import {
  accountWithLiveAlbumCampaign,
  confirmSubscription,
  createCampaign,
  fanPresaves,
  artistAccount,
  http,
  useReleaseStack,
  waitFor,
  waitForCampaign,
} from '../helpers/release-stack';
import { usePerFile } from '../helpers/per-file';
import { confirmPhone, textsTo } from '../helpers/sms';

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
    EVENT_BUFFER_FLUSH_MS: '50',
  },
}));

/** One run of the outbox Schedule's workflow (reminders due, then delivery), as every minute in production. */
const runOutbox = () =>
  stack.temporal.client.workflow.execute(outboxDeliveryWorkflow, {
    workflowId: `outbox-${randomBytes(6).toString('hex')}`,
    taskQueue: stack.temporal.taskQueue,
  });

const remindersTo = async (address: string) =>
  (await mailTo(stack, address)).filter((m) => m.subject.includes('is out'));
const smsTo = (phone: string) => textsTo(twilio.state, phone).filter((m) => m.body.includes(' is out'));

describe('release-day reminders', () => {
  it('reminds a confirmed fan exactly once after the release is live, by e-mail and SMS, platform first', async () => {
    const created = await accountWithLiveAlbumCampaign(stack, 'Remind Me', { secondsAhead: 20 });
    const { id, slug } = created.campaign.data as { id: string; slug: string };
    const links = [
      { platform: 'spotify', url: 'auto' },
      { platform: 'deezer', url: 'https://www.deezer.com/album/42' },
    ];
    expect(
      (await http.put(`${stack.api.url}/v1/campaigns/${id}/links`, { links }, { headers: created.headers })).status,
    ).toBe(200);

    const page = await http.get(`${stack.api.url}/l/${slug}`);
    expect(page.data).toContain('id="remind"');
    expect(page.data).toContain('<option value="deezer">Deezer</option>');
    const ask = (fields: Record<string, string>) =>
      http.post(
        `${stack.api.url}/l/${slug}/subscribe`,
        new URLSearchParams({ remind: 'yes', consent: 'yes', ...fields }).toString(),
        { headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      );
    expect((await ask({ email: 'fan@example.com', phone: '+33612345678', platform: 'deezer' })).status).toBe(200);
    expect((await ask({ email: 'leaver@example.com', phone: '+33698765432' })).status).toBe(200);
    expect((await ask({ email: 'unconfirmed@example.com' })).status).toBe(200);
    expect((await ask({ email: 'bad@example.com', platform: 'myspace' })).status).toBe(400);
    await confirmSubscription(stack, 'fan@example.com');
    const leaver = await confirmSubscription(stack, 'leaver@example.com');
    // SMS double opt-in: each phone's owner opens the link texted to it (docs/smart-link.md).
    await runOutbox();
    expect((await confirmPhone(stack.api.url, twilio.state, '+33612345678')).status).toBe(200);
    expect((await confirmPhone(stack.api.url, twilio.state, '+33698765432')).status).toBe(200);
    const unsubscribe = String(leaver.data).match(/\/u\/([^"]+)"/)![1];
    expect((await http.post(`${stack.api.url}/u/${unsubscribe}`)).status).toBe(200);

    // Before the release: nothing, however often the outbox runs.
    await runOutbox();
    expect(Date.now()).toBeLessThan(created.release.at); // the check above ran before the release instant
    expect(await remindersTo('fan@example.com')).toEqual([]);
    expect(twilio.state.sent.filter((m) => m.body.includes(' is out'))).toEqual([]);

    await waitForCampaign(stack, id, created.headers, 'the release live', (r) => r.data.resolution === 'live');
    while (Date.now() < created.release.at) await new Promise((r) => setTimeout(r, 200));
    await runOutbox();
    await runOutbox(); // a second run (the next minute) reminds nobody again

    const mails = await remindersTo('fan@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('"Remind Me" by Luna Vey is out');
    const lines = mails[0].body.split('\n');
    expect(lines.find((l) => l.includes('/go/'))).toBe(
      `Deezer: ${stack.config.PUBLIC_URL}/l/${slug}/go/deezer?utm_source=dropday&utm_medium=reminder`,
    );
    expect(mails[0].body).toContain(`/l/${slug}/go/spotify`);
    expect(mails[0].body).toMatch(/Unsubscribe from these messages: http:\/\/127\.0\.0\.1:\d+\/u\//);

    const texts = smsTo('+33612345678');
    expect(texts).toHaveLength(1);
    expect(texts[0].from).toBe('+15005550006');
    expect(texts[0].body).toContain(`/l/${slug}/go/deezer`);
    expect(texts[0].body).toMatch(/Stop: http:\/\/127\.0\.0\.1:\d+\/u\//);

    // Unsubscribed, or never confirmed: nothing.
    expect(await remindersTo('leaver@example.com')).toEqual([]);
    expect(smsTo('+33698765432')).toEqual([]);
    expect(await remindersTo('unconfirmed@example.com')).toEqual([]);
  });

  it('offers the reminder when Spotify sign-in is declined or fails, and stops in-app browsers (counted)', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'No Dead End');
    const offersReminder = (page: unknown) =>
      expect(String(page)).toContain(`href="/l/${campaign.slug}#remind">Remind me on release day instead`);

    const declined = await fanPresaves(stack, campaign.slug, { user: 'fan-declines', decision: 'deny' });
    expect(declined.callback.status).toBe(200);
    offersReminder(declined.callback.data);

    stack.spotify.state.injectFault({ kind: '5xx', path: '/v1/me', count: 1, status: 503 });
    const failed = await fanPresaves(stack, campaign.slug, { user: 'fan-spotify-down' });
    expect(failed.callback.status).toBe(502);
    offersReminder(failed.callback.data);

    const instagram = { 'user-agent': 'Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Instagram 300.0.0.0 (iPhone14,2)' };
    const stop = await http.get(`${stack.api.url}/l/${campaign.slug}/presave/spotify?utm_source=ig`, {
      headers: instagram,
    });
    expect(stop.status).toBe(200);
    expect(stop.headers['cache-control']).toBe('private, no-store');
    expect(stop.data).toContain('Open this page in your browser');
    expect(stop.data).toContain(`href="/l/${campaign.slug}#remind"`);
    const going = String(stop.data)
      .match(/href="(\/l\/[^"]+inapp=continue[^"]*)"/)![1]
      .replace(/&amp;/g, '&');
    const onward = await http.get(`${stack.api.url}${going}`, { headers: instagram });
    expect(onward.status).toBe(302); // on to Spotify's consent page
    const tiktok = { 'user-agent': 'Mozilla/5.0 (Linux; Android 13) musical_ly_2023 BytedanceWebview/d8a21c6' };
    expect((await http.get(`${stack.api.url}/l/${campaign.slug}/presave/spotify`, { headers: tiktok })).status).toBe(
      200,
    );
    const analytics = await waitFor(
      'the in-app browser clicks',
      // The clicks are buffered writes; the analytics route reads rollups (docs/analytics.md): one round per look.
      async () => {
        await rollUp(stack);
        return http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/analytics`, { headers: account.headers });
      },
      (r) => r.data.inAppBrowser?.offered === 2,
      10_000,
    );
    expect(analytics.data.inAppBrowser).toEqual({ offered: 2, continued: 1, droppedOff: 1 });
  });
});
