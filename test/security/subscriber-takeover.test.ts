// Attack: taking over a fan's subscription with nothing but their e-mail address, then erasing them with it.
// The attacker posts the public subscribe form twice (victim's address + attacker's phone, then attacker's address
// + the same phone): the victim's subscription must not move onto the attacker's address, so the deletion link the
// attacker then asks for erases nothing of the victim. Also: an unsubscribe sticks against a new form post, and
// the form hands nobody the unsubscribe link of someone else's subscription.
import { z } from 'zod';
import { sql } from '../../db/pool';
import {
  addRelease,
  artistAccount,
  confirmSubscription,
  createCampaign,
  fanIdOf,
  fanPresaves,
  http,
  nextUpc,
  useReleaseStack,
  waitFor,
} from '../helpers/release-stack';

const stack = useReleaseStack();

const formHeaders = (cookie?: string) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
});
const body = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe('attack: fan takeover and erasure by e-mail', () => {
  it('cannot move a confirmed subscription to another address, nor erase its fan, nor undo an unsubscribe', async () => {
    const account = await artistAccount(stack);
    const upc = nextUpc();
    addRelease(stack, upc, Date.now() + 3_600_000);
    const campaign = await createCampaign(stack, account, 'Takeover', { upc });
    const subscribe = (fields: Record<string, string>, cookie?: string) =>
      http.post(`${stack.api.url}/l/${campaign.slug}/subscribe`, body(fields), formHeaders(cookie));
    const exported = async () =>
      String(
        (await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/fans.csv`, { headers: account.headers })).data,
      );

    // The victim pre-saves, subscribes from the same browser and confirms from their inbox.
    const { callback } = await fanPresaves(stack, campaign.slug, { user: 'victim' });
    const fanCookie = (callback.headers['set-cookie'] ?? [])
      .map((c) => c.split(';')[0])
      .find((c) => c.startsWith('play_spotify_uid='))!;
    expect((await subscribe({ email: 'victim@example.com', consent: 'yes' }, fanCookie)).status).toBe(200);
    // (Before double opt-in existed the form post alone subscribed; afterwards the victim confirms.)
    await confirmSubscription(stack, 'victim@example.com').catch(() => null);
    const victimFan = await fanIdOf(stack, 'victim');
    expect(await exported()).toContain('victim@example.com');

    // The attacker knows only the victim's address.
    const first = await subscribe({ email: 'victim@example.com', phone: '+33699999999', consent: 'yes' });
    expect(first.status).toBe(200);
    expect(String(first.data)).not.toMatch(/\/u\/[A-Za-z0-9_-]+\./); // no unsubscribe link of the victim's row
    expect((await subscribe({ email: 'attacker@example.com', phone: '+33699999999', consent: 'yes' })).status).toBe(
      200,
    );
    // The victim's subscription is as it was: same address, no phone of the attacker's.
    const csv = await exported();
    expect(csv).toContain('victim@example.com,,');
    expect(csv).not.toMatch(/victim@example\.com,\+33699999999/);
    expect(csv).not.toContain('attacker@example.com'); // unconfirmed: counts for nothing

    // The attacker asks for the deletion of "their" address and follows the link from their own inbox.
    await http.post(`${stack.api.url}/privacy/delete/email`, body({ email: 'attacker@example.com' }), formHeaders());
    const links = await stack.db.pool.any(sql.type(z.object({ id: z.string(), enc: z.string(), token: z.string() }))`
      SELECT s.id, s.email_enc AS enc, o.data->>'token' AS token FROM outbox_emails o
      JOIN subscribers s ON s.id = o.subscriber_id WHERE o.template = 'deletion_link'`);
    const mine = links.filter(
      (l) => stack.keyRing.decrypt(l.enc, `subscribers:${l.id}:email`) === 'attacker@example.com',
    );
    for (const link of mine) {
      const confirmed = await http.post(`${stack.api.url}/privacy/delete/confirm/${link.token}`);
      expect(confirmed.status).toBe(303);
      const status = String(confirmed.headers.location);
      await waitFor(
        'the deletion to complete',
        async () => String((await http.get(`${stack.api.url}${status}`)).data),
        (page) => page.includes('Completed'),
        60_000,
      );
    }
    // The victim keeps their fan row, pre-save and subscription.
    expect(await stack.db.pool.exists(sql.unsafe`SELECT 1 FROM fans WHERE id = ${victimFan}`)).toBe(true);
    expect(await stack.db.pool.exists(sql.unsafe`SELECT 1 FROM presaves WHERE fan_id = ${victimFan}`)).toBe(true);
    expect(await exported()).toContain('victim@example.com');

    // The victim unsubscribes; a new form post with the address (anyone's) does not subscribe it again.
    const confirmation = await confirmSubscription(stack, 'victim@example.com').catch(() => null);
    const unsubscribeLink = /href="([^"]*\/u\/[^"]+)"/.exec(String(confirmation?.data ?? ''))?.[1];
    if (unsubscribeLink) expect((await http.post(unsubscribeLink)).status).toBe(200);
    else
      await stack.db.pool.query(sql.unsafe`
        UPDATE subscribers SET unsubscribed_at = now() WHERE campaign_id = ${campaign.id} AND fan_id = ${victimFan}`);
    expect(await exported()).not.toContain('victim@example.com');
    expect((await subscribe({ email: 'victim@example.com', consent: 'yes' })).status).toBe(200);
    expect(await exported()).not.toContain('victim@example.com');
    // Another site cannot post the confirmation in the owner's browser; only the owner's own click subscribes the
    // address again.
    const crossSite = await confirmSubscription(stack, 'victim@example.com', { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(await exported()).not.toContain('victim@example.com');
    expect((await confirmSubscription(stack, 'victim@example.com')).status).toBe(200);
    expect(await exported()).toContain('victim@example.com');
  });
});
