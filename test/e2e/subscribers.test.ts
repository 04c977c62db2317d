// Fan contact details: a subscribe form with explicit consent, stored encrypted; unsubscribe; and the artist's CSV
// export holding only consented, still-subscribed fans of the caller's own campaigns.
import { z } from 'zod';
import { sql } from '../../db/pool';
import {
  artistAccount,
  confirmSubscription,
  createCampaign,
  http,
  startReleaseStack,
  type ReleaseStack,
} from '../helpers/release-stack';

let stack: ReleaseStack;
beforeAll(async () => {
  stack = await startReleaseStack({ startWorker: false });
});
afterAll(async () => {
  await stack?.close();
});

const form = (fields: Record<string, string>) =>
  [
    new URLSearchParams(fields).toString(),
    { headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  ] as const;

const campaignOf = (headers: Record<string, string>, artistId: string, title: string) =>
  createCampaign(stack, { headers, artistId }, title);

describe('subscribers', () => {
  it('subscribes with consent, stores contacts encrypted, exports only consented subscribers, honours unsubscribe', async () => {
    const { headers, artistId } = await artistAccount(stack);
    const campaign = await campaignOf(headers, artistId, 'Newsletter');
    const landing = await http.get(`${stack.api.url}/l/${campaign.slug}`);
    expect(landing.data).toContain(`action="/l/${campaign.slug}/subscribe"`);
    expect(landing.data).toMatch(/type="checkbox" name="consent" value="yes" required/);

    const subscribe = (fields: Record<string, string>) =>
      http.post(`${stack.api.url}/l/${campaign.slug}/subscribe`, ...form(fields));
    const count = () =>
      stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM subscribers`);
    const bads: Record<string, string>[] = [
      { email: 'ana@example.com' },
      { consent: 'yes' },
      { email: 'nope', consent: 'yes' },
      { phone: '0612', consent: 'yes' },
    ];
    for (const bad of bads) {
      const res = await subscribe(bad);
      expect(res.status).toBe(400);
      expect(res.data).toContain('Nothing was saved');
    }
    expect(await count()).toBe(0);

    expect((await subscribe({ email: 'Ana@Example.com', consent: 'yes' })).status).toBe(200);
    await subscribe({ phone: '+33 6 12 34 56 78', consent: 'yes' });
    await subscribe({ email: '-2+3@example.com', consent: 'yes' }); // a spreadsheet would compute this
    await subscribe({ email: 'ana@example.com', consent: 'yes' }); // the same address again: one subscriber
    expect(await count()).toBe(3);
    // Double opt-in: the owners confirm from their inboxes. No transport of ours can confirm a phone number (no
    // SMS yet), so the phone-only subscription is confirmed here as an SMS reply would.
    const ana = await confirmSubscription(stack, 'ana@example.com');
    expect(ana.status).toBe(200);
    await confirmSubscription(stack, '-2+3@example.com');
    await stack.db.pool.query(sql.unsafe`UPDATE subscribers SET confirmed_at = now() WHERE email_hash IS NULL`);

    const stored = JSON.stringify(
      await stack.db.pool.any(
        sql.unsafe`SELECT email_enc, email_hash, phone_enc, phone_hash, consent_text FROM subscribers`,
      ),
    );
    expect(stored).not.toContain('ana@example.com');
    expect(stored).not.toContain('612345678');
    expect(stored).toContain('enc:v1:');
    expect(stored).toContain('I agree that Luna Vey');

    const csv = await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/fans.csv`, { headers });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = String(csv.data).trim().split('\r\n');
    expect(lines[0]).toBe('email,phone,consented_at');
    expect(
      lines
        .slice(1)
        .map((l) => l.replace(/,[^,]*$/, ''))
        .sort(),
    ).toEqual([`"'-2+3@example.com",`, ',+33612345678', 'ana@example.com,'].sort());

    // Unsubscribe: the link asks first (GET changes nothing), then the POST removes ana from the export.
    const link = /href="([^"]*\/u\/[^"]+)"/.exec(String(ana.data))![1];
    expect((await http.get(link)).data).toContain('Unsubscribe?');
    expect((await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/fans.csv`, { headers })).data).toContain(
      'ana@example.com',
    );
    const done = await http.post(link);
    expect(done.data).toContain('Unsubscribed');
    expect((await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/fans.csv`, { headers })).data).not.toContain(
      'ana@example.com',
    );
    expect((await http.post(`${link.slice(0, -3)}xyz`)).status).toBe(400);

    // Another account's export of this campaign: not found; without a key: unauthorized.
    const other = await artistAccount(stack);
    expect(
      (await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/fans.csv`, { headers: other.headers })).status,
    ).toBe(404);
    expect((await http.get(`${stack.api.url}/v1/campaigns/${campaign.id}/fans.csv`)).status).toBe(401);
    // …and the other account's own campaign exports none of these subscribers.
    const theirs = await campaignOf(other.headers, other.artistId, 'Theirs');
    expect(
      String(
        (await http.get(`${stack.api.url}/v1/campaigns/${theirs.id}/fans.csv`, { headers: other.headers })).data,
      ).trim(),
    ).toBe('email,phone,consented_at');
  });
});
