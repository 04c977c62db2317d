// Meta's data deletion callback, as Meta and as someone probing the status page, over HTTP on the real stack. A Meta
// user who connected an artist's ad account and then asks Meta to delete their data leaves dropday holding no token
// of theirs and no link to them, while another Meta user's connection stays; the status URL says "in progress"
// until the erasure is done and "completed" only after it; a status lookup by confirmation code shows nothing else,
// and a code nobody was given is a 404.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { signMetaRequest } from '../../lib/crypto/meta-signed-request';
import { META_APP, useMetaSimulatorStack } from '../helpers/ad-simulators';
import { connectMeta } from '../helpers/ads';
import { artistAccount, http, waitFor } from '../helpers/release-stack';

const { meta, stack } = useMetaSimulatorStack();

const connectionRow = (id: string) =>
  stack.db.pool.one(
    sql.type(z.object({ status: z.string(), access: z.string().nullable(), userHash: z.string().nullable() }))`
      SELECT status, access_token_enc AS access, to_jsonb(c) ->> 'provider_user_hash' AS "userHash"
      FROM connections c WHERE id = ${id}`,
  );

/** What Meta posts when the user removes the app and asks for their data to be deleted. */
const deletionCallback = (appScopedUserId: string) =>
  http.post(
    `${stack.api.url}/meta/data-deletion`,
    new URLSearchParams({
      signed_request: signMetaRequest(
        { algorithm: 'HMAC-SHA256', user_id: appScopedUserId, issued_at: Math.floor(Date.now() / 1000) },
        META_APP.appSecret,
      ),
    }).toString(),
    { headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  );

const statusOf = (page: string) =>
  page.includes('Completed') ? 'completed' : page.includes('In progress') ? 'pending' : `unexpected: ${page}`;

describe("Meta's data deletion callback", () => {
  it('erases the Meta connections that Meta user made, and says completed only once it is done', async () => {
    const leaving = await artistAccount(stack);
    const staying = await artistAccount(stack);
    const erased = await connectMeta(stack, meta, leaving, 'meta-user-leaving');
    const kept = await connectMeta(stack, meta, staying, 'meta-user-staying');
    expect(await connectionRow(erased)).toMatchObject({ status: 'active', access: expect.any(String) });

    const answer = await deletionCallback(meta.state.appScopedUserId('meta-user-leaving'));
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({
      url: expect.stringMatching(/\/privacy\/deletion\/[0-9a-f-]{36}$/),
      confirmation_code: expect.stringMatching(/^[0-9a-f]{32}$/),
    });

    // Whatever the page says when it is read is true: "Completed" only after the token is gone.
    const seen = new Set<string>();
    await waitFor(
      'the deletion request to complete',
      async () => {
        const status = statusOf(String((await http.get(answer.data.url)).data));
        if (status === 'completed') expect((await connectionRow(erased)).access).toBeNull();
        seen.add(status);
        return status;
      },
      (status) => status !== 'pending',
      30_000,
    );
    expect([...seen].filter((s) => s !== 'pending')).toEqual(['completed']);
    expect(await connectionRow(erased)).toEqual({ status: 'disconnected', access: null, userHash: null });
    expect(await connectionRow(kept)).toMatchObject({ status: 'active', access: expect.any(String) });
    // Its token workflow has nothing left to renew.
    expect(await stack.temporal.client.workflow.getHandle(`connection:${erased}`).result()).toBe('disconnected');
    // The request no longer says whom it was about.
    const request = await stack.db.pool.one(sql.type(z.object({ status: z.string(), subject: z.string().nullable() }))`
      SELECT status, subject_hash AS subject FROM deletion_requests
      WHERE id = ${answer.data.url.split('/').pop()}`);
    expect(request).toEqual({ status: 'completed', subject: null });
  });

  it('shows by confirmation code the status and nothing else; an unknown code is a 404', async () => {
    const account = await artistAccount(stack);
    const connection = await connectMeta(stack, meta, account, 'meta-user-probed');
    const metaUserId = meta.state.appScopedUserId('meta-user-probed');
    const answer = await deletionCallback(metaUserId);
    const byCode = await waitFor(
      'the request to complete',
      () => http.get(`${stack.api.url}/privacy/deletion/${answer.data.confirmation_code}`),
      (res) => statusOf(String(res.data)) === 'completed',
      30_000,
    );
    expect(byCode.status).toBe(200);
    const text = String(byCode.data).replace(/<[^>]+>/g, ' ');
    for (const secret of [metaUserId, connection, account.artistId, 'meta-user-probed', account.apiKey])
      expect(text).not.toContain(secret);

    for (const guess of [randomUUID().replace(/-/g, ''), randomUUID(), 'not-a-code', `${'0'.repeat(31)}g`]) {
      const res = await http.get(`${stack.api.url}/privacy/deletion/${guess}`);
      expect({ guess, status: res.status, found: String(res.data).includes('no deletion request') }).toEqual({
        guess,
        status: 404,
        found: true,
      });
    }
  });
});
