// A fan's deletion request, verified by signing in with Spotify: every row about the fan and the fan's own
// workflow histories are removed, another fan's data stays, and the audit record holds no personal data.
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { signMetaRequest } from '../../lib/crypto/meta-signed-request';
import { fanRetentionWorkflow } from '../../workflows/fan-retention';
import { outboxDeliveryWorkflow } from '../../workflows/mail';
import {
  accountWithLiveAlbumCampaign,
  fanPresaves,
  http,
  signInWithSpotify,
  useReleaseStack,
  waitFor,
  fanIdOf as fanIdOfUser,
  confirmSubscription,
} from '../helpers/release-stack';

const stack = useReleaseStack({ env: { META_APP_SECRET: 'meta-test-app-secret' } });

const fanIdOf = (user: string) => fanIdOfUser(stack, user);

async function rowsAbout(fanId: string): Promise<Record<string, number>> {
  const count = (table: string, column: string) =>
    stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n FROM ${sql.identifier([table])} WHERE ${sql.identifier([column])} = ${fanId}`);
  return {
    fans: await count('fans', 'id'),
    fan_tokens: await count('fan_tokens', 'fan_id'),
    presaves: await count('presaves', 'fan_id'),
    events: await count('events', 'fan_id'),
  };
}

describe('deletion on request', () => {
  it('erases the fan and their workflow histories, keeps everyone else, and audits without personal data', async () => {
    const { campaign } = await accountWithLiveAlbumCampaign(stack, 'Forget Me');
    await fanPresaves(stack, campaign.data.slug, { user: 'fan-forget' });
    await fanPresaves(stack, campaign.data.slug, { user: 'fan-keep' });
    const forget = await fanIdOf('fan-forget');
    const keep = await fanIdOf('fan-keep');
    // A workflow of the fan's own (as a revocation would have started): its history names the fan.
    const retention = await stack.temporal.client.workflow.start(fanRetentionWorkflow, {
      workflowId: `fan-retention:${forget}`,
      taskQueue: stack.temporal.taskQueue,
      args: [{ fanId: forget, revokedAt: Date.now(), engagementRetentionMs: 3_600_000 }],
    });
    await waitFor(
      'the retention workflow to start',
      async () => (await retention.describe()).historyLength,
      (n) => n > 3,
    );
    const before = await rowsAbout(forget);
    expect(before.fans).toBe(1);
    expect(before.presaves).toBe(1);
    const keepBefore = await rowsAbout(keep);

    const page = await http.get(`${stack.api.url}/privacy/delete`);
    expect(page.status).toBe(200);
    expect(page.data).toContain('Verify with Spotify');
    const { callback, authorizeUrl } = await signInWithSpotify(`${stack.api.url}/privacy/delete/spotify`, {
      user: 'fan-forget',
    });
    expect(new URL(authorizeUrl).searchParams.get('scope')).toBe(''); // proving who you are needs no permission
    expect(callback.status).toBe(303);
    const statusUrl = `${stack.api.url}${callback.headers.location}`;
    const requestId = String(callback.headers.location).split('/').pop()!;

    const result = await stack.temporal.client.workflow.getHandle(`fan-deletion:${requestId}`).result();
    expect(result.workflowsDeleted).toBe(1);
    expect(await rowsAbout(forget)).toEqual({ fans: 0, fan_tokens: 0, presaves: 0, events: 0 });
    expect(await rowsAbout(keep)).toEqual(keepBefore);
    await waitFor(
      'the history to be gone',
      () =>
        retention.describe().then(
          () => 'still there',
          (e: unknown) => (e instanceof WorkflowNotFoundError ? 'gone' : String(e)),
        ),
      (s) => s === 'gone',
      30_000,
    );

    const status = await http.get(statusUrl);
    expect(status.data).toContain('Completed');
    const request = await stack.db.pool.one(sql.type(z.object({ fanId: z.string().nullable(), status: z.string() }))`
      SELECT fan_id AS "fanId", status FROM deletion_requests WHERE id = ${requestId}`);
    expect(request).toEqual({ fanId: null, status: 'completed' });
    const auditText = JSON.stringify(
      await stack.db.pool.any(
        sql.unsafe`SELECT actor, action, target FROM audit_log WHERE target LIKE ${`deletion_request:${requestId}%`}`,
      ),
    );
    expect(auditText).toContain('fan_erased_on_request');
    expect(auditText).not.toContain(forget);
    expect(auditText).not.toContain(stack.spotify.state.getUser('fan-forget')!.accountId);
  });

  it('tells a stranger that nothing is held, and deletes nothing', async () => {
    const before = await stack.db.pool.oneFirst(
      sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM fans`,
    );
    const { callback } = await signInWithSpotify(`${stack.api.url}/privacy/delete/spotify`, {
      user: 'never-pre-saved',
    });
    expect(callback.status).toBe(200);
    expect(callback.data).toContain('We hold no data');
    expect(
      await stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM fans`),
    ).toBe(before);
  });
});

describe("Meta's data deletion callback", () => {
  const post = (signedRequest: string) =>
    http.post(
      `${stack.api.url}/meta/data-deletion`,
      new URLSearchParams({ signed_request: signedRequest }).toString(),
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    );

  it('answers a correctly signed request with a status URL and a confirmation code', async () => {
    const signed = signMetaRequest(
      { algorithm: 'HMAC-SHA256', user_id: '10158123456789', issued_at: Math.floor(Date.now() / 1000) },
      'meta-test-app-secret',
    );
    const res = await post(signed);
    expect(res.status).toBe(200);
    expect(res.data).toEqual({
      url: expect.stringMatching(/\/privacy\/deletion\/[0-9a-f-]{36}$/),
      confirmation_code: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    // Nothing is held about this Meta user: the erasure workflow completes the request at once.
    await waitFor(
      'the request to complete',
      () => http.get(res.data.url),
      (status) => String(status.data).includes('Completed'),
      30_000,
    );
    // Stored under a keyed hash, never the Meta user id itself.
    const stored = JSON.stringify(
      await stack.db.pool.any(sql.unsafe`SELECT verified_by, subject_hash, status FROM deletion_requests`),
    );
    expect(stored).not.toContain('10158123456789');
  });

  it("rejects a bad signature, another app's secret and garbage, and records nothing", async () => {
    const count = () =>
      stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM deletion_requests`);
    const before = await count();
    const good = signMetaRequest({ algorithm: 'HMAC-SHA256', user_id: '42' }, 'meta-test-app-secret');
    const [sig, payload] = good.split('.');
    const forged = Buffer.from(JSON.stringify({ algorithm: 'HMAC-SHA256', user_id: '43' })).toString('base64url');
    for (const bad of [
      `${sig}.${forged}`,
      signMetaRequest({ algorithm: 'HMAC-SHA256', user_id: '42' }, 'another-secret'),
      payload,
      'x.y.z',
    ]) {
      const res = await post(bad);
      expect({ status: res.status, code: res.data.error?.code }).toEqual({
        status: 400,
        code: 'invalid_signed_request',
      });
    }
    expect(
      (
        await http.post(`${stack.api.url}/meta/data-deletion`, 'nothing=here', {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).status,
    ).toBe(400);
    expect(await count()).toBe(before);
  });
});

describe('deletion verified by an e-mail link', () => {
  const form = (fields: Record<string, string>) =>
    [
      new URLSearchParams(fields).toString(),
      { headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    ] as const;
  const mailboxLinks = async () => {
    const rows = await stack.db.pool.any(sql.type(z.object({ id: z.string(), enc: z.string(), body: z.string() }))`
      SELECT outbox_id AS id, to_address_enc AS enc, body FROM sandbox_mailbox`);
    return rows
      .map((r) => ({
        to: stack.keyRing.decrypt(r.enc, `sandbox_mailbox:${r.id}`),
        link: /(http\S+\/privacy\/delete\/confirm\/\S+)/.exec(r.body)?.[1],
      }))
      .filter((m) => m.link);
  };

  it('erases the subscriptions of the address and the fan they came from; answers the same for unknown addresses', async () => {
    const { campaign } = await accountWithLiveAlbumCampaign(stack, 'Mail Me');
    const { callback } = await fanPresaves(stack, campaign.data.slug, { user: 'erase-by-mail' });
    const fanCookie = (callback.headers['set-cookie'] ?? [])
      .map((c) => c.split(';')[0])
      .find((c) => c.startsWith('play_spotify_uid='))!;
    await http.post(
      `${stack.api.url}/l/${campaign.data.slug}/subscribe`,
      new URLSearchParams({ email: 'erase-me@example.com', consent: 'yes' }).toString(),
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: fanCookie },
      },
    );
    await confirmSubscription(stack, 'erase-me@example.com'); // double opt-in: the owner confirms
    await http.post(
      `${stack.api.url}/l/${campaign.data.slug}/subscribe`,
      ...form({ email: 'stay@example.com', consent: 'yes' }),
    );
    await confirmSubscription(stack, 'stay@example.com');
    const fan = await fanIdOf('erase-by-mail');

    const unknown = await http.post(`${stack.api.url}/privacy/delete/email`, ...form({ email: 'nobody@example.com' }));
    const known = await http.post(
      `${stack.api.url}/privacy/delete/email`,
      ...form({ email: ' Erase-Me@example.com ' }),
    );
    expect(known.data).toContain('Check your inbox');
    expect(unknown.data).toBe(known.data);
    await stack.temporal.client.workflow.execute(outboxDeliveryWorkflow, {
      workflowId: `outbox-${Date.now()}`,
      taskQueue: stack.temporal.taskQueue,
    });
    const links = await mailboxLinks();
    expect(links.map((l) => l.to)).toEqual(['erase-me@example.com']);

    const confirmPage = await http.get(links[0].link!);
    expect(confirmPage.data).toContain('Delete everything about me');
    expect(
      await stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM subscribers`),
    ).toBe(2); // GET changed nothing
    const confirmed = await http.post(links[0].link!);
    expect(confirmed.status).toBe(303);
    const requestId = String(confirmed.headers.location).split('/').pop()!;
    const result = await stack.temporal.client.workflow.getHandle(`contact-deletion:${requestId}`).result();
    expect(result.rowsDeleted).toMatchObject({ subscribers: 1, fans: 1 });
    expect(await stack.db.pool.exists(sql.unsafe`SELECT 1 FROM fans WHERE id = ${fan}`)).toBe(false);
    const left = await stack.db.pool.oneFirst(
      sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM subscribers`,
    );
    expect(left).toBe(1); // stay@example.com
    const signups = await stack.db.pool.oneFirst(
      sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM events WHERE type = 'EMAIL_SIGNUP'`,
    );
    expect(signups).toBe(1); // the erased address's sign-up event went with its subscription
    expect((await http.get(`${stack.api.url}/privacy/deletion/${requestId}`)).data).toContain('Completed');
    expect((await http.post(`${links[0].link!.slice(0, -4)}xxxx`)).status).toBe(400);
  });
});
