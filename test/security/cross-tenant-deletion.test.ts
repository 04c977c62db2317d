// Attack (or a careless tenant): account A deletes itself. A fan who pre-saved only on A's campaigns but also
// subscribed to account B's campaign (and left events there) must keep what belongs to B: B's subscriber, B's
// sign-up event and B's export stay; only A's rows go.
import { z } from 'zod';
import { sql } from '../../db/pool';
import {
  artistAccount,
  confirmSubscription,
  createCampaign,
  fanIdOf,
  fanPresaves,
  http,
  useReleaseStack,
} from '../helpers/release-stack';

const stack = useReleaseStack();

describe("attack: one tenant's deletion erasing another tenant's data", () => {
  it("deleting account A keeps the fan's subscription and events on account B", async () => {
    const a = await artistAccount(stack);
    const b = await artistAccount(stack);
    const campaignA = await createCampaign(stack, a, 'Tenant A');
    const campaignB = await createCampaign(stack, b, 'Tenant B');

    // The fan pre-saves on A only, then subscribes on B's page from the same browser (and confirms).
    const { callback } = await fanPresaves(stack, campaignA.slug, { user: 'shared-fan' });
    const fanCookie = (callback.headers['set-cookie'] ?? [])
      .map((c) => c.split(';')[0])
      .find((c) => c.startsWith('play_spotify_uid='))!;
    const signup = await http.post(
      `${stack.api.url}/l/${campaignB.slug}/subscribe`,
      new URLSearchParams({ email: 'shared@example.com', consent: 'yes' }).toString(),
      { headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: fanCookie } },
    );
    expect(signup.status).toBe(200);
    await confirmSubscription(stack, 'shared@example.com').catch(() => null); // (no double opt-in before)
    const fan = await fanIdOf(stack, 'shared-fan');
    const ofB = () =>
      stack.db.pool.one(sql.type(z.object({ subscribers: z.number(), events: z.number() }))`
        SELECT (SELECT count(*) FROM subscribers WHERE campaign_id = ${campaignB.id} AND fan_id = ${fan})::int AS subscribers,
               (SELECT count(*) FROM events WHERE campaign_id = ${campaignB.id} AND fan_id = ${fan})::int AS events`);
    expect(await ofB()).toEqual({ subscribers: 1, events: 1 });
    const exportB = async () =>
      String((await http.get(`${stack.api.url}/v1/campaigns/${campaignB.id}/fans.csv`, { headers: b.headers })).data);
    expect(await exportB()).toContain('shared@example.com');

    // Account A leaves.
    const accountA = await stack.db.pool.oneFirst(
      sql.type(z.object({ id: z.string() }))`SELECT account_id AS id FROM campaigns WHERE id = ${campaignA.id}`,
    );
    expect((await http.delete(`${stack.api.url}/v1/accounts/me`, { headers: a.headers })).status).toBe(202);
    await stack.temporal.client.workflow.getHandle(`account-deletion:${accountA}`).result();

    // A's rows are gone; B's are whole.
    expect(await stack.db.pool.exists(sql.unsafe`SELECT 1 FROM presaves WHERE campaign_id = ${campaignA.id}`)).toBe(
      false,
    );
    expect(await ofB()).toEqual({ subscribers: 1, events: 1 });
    expect(await exportB()).toContain('shared@example.com');
  });
});
