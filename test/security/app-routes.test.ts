// The artist app's form routes as an attacker sees them. Tenancy: account B's owner, signed in, names account A's
// member and key ids in every id-taking app route: every answer is 404 and nothing of A's changes. Fuzzing: every
// form route gets at least 20 malformed bodies (missing, empty, huge, NUL and control characters, invalid UTF-8
// as raw bytes, repeated fields, wrong enums, random and foreign ids) with a valid session and anti-forgery field:
// none may answer 5xx, and none may change a row of any table.
import { z } from 'zod';
import { createConnection } from '../../db/connections';
import { sql } from '../../db/pool';
import { type AppClient } from '../helpers/app-client';
import { signUpVerified } from '../helpers/app-sign-up';
import { changedTables, countRows, seededRandom, seededUuid } from '../helpers/attack-inputs';
import { http, startReleaseStack, type ReleaseStack } from '../helpers/release-stack';

let stack: ReleaseStack;
beforeAll(async () => {
  stack = await startReleaseStack({ startWorker: false });
});
afterAll(() => stack?.close());

let seq = 0;
async function signedUpOwner(name: string) {
  const email = `${name.toLowerCase()}-${Date.now()}-${seq++}@example.com`;
  return signUpVerified(stack, { name, email });
}

async function idsOf(browser: AppClient) {
  const key = await browser.submit('/app/settings', '/app/keys', { name: 'victim key' });
  const apiKey = /id="new-key">([^<]+)</.exec(key.data)![1]!;
  await browser.submit('/app/settings', '/app/members', { email: `invitee-${Date.now()}@example.com`, role: 'viewer' });
  const page = (await browser.get('/app/settings')).data;
  // A connection of the account (as a finished connect leaves it), for the connections page's routes.
  const me = await http.get(`${stack.api.url}/v1/accounts/me`, { headers: { authorization: `Bearer ${apiKey}` } });
  const { id: connectionId } = await createConnection(stack.db.pool, stack.keyRing, {
    accountId: me.data.account.id as string,
    provider: 'meta',
    accessToken: 'EAAvictim',
    expiresInSeconds: 3600,
    scope: 'ads_management',
  });
  return {
    connectionId,
    apiKey,
    keyId: /action="\/app\/keys\/([0-9a-f-]{36})\/revoke"/.exec(page)![1]!,
    memberId: /action="\/app\/members\/([0-9a-f-]{36})"/.exec(page)![1]!,
  };
}

describe('artist app routes', () => {
  it("another account's owner gets 404 for every id of ours and changes nothing", async () => {
    const a = await signedUpOwner('Victim');
    const ids = await idsOf(a);
    const b = await signedUpOwner('Attacker');
    const csrf = await b.csrfToken();
    const before = await countRows(stack.db.pool);
    const answers = [
      await b.postRaw(`/app/keys/${ids.keyId}/revoke`, { csrf }),
      await b.postRaw(`/app/members/${ids.memberId}`, { csrf, role: 'owner' }),
      await b.postRaw(`/app/members/${ids.memberId}`, { csrf, role: 'removed' }),
      await b.get(`/app/connections/${ids.connectionId}/disconnect`),
      await b.postRaw(`/app/connections/${ids.connectionId}/disconnect`, { csrf, confirm: 'yes' }),
    ];
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
    const connection = await stack.db.pool.oneFirst(
      sql.type(z.object({ status: z.string() }))`SELECT status FROM connections WHERE id = ${ids.connectionId}`,
    );
    expect(connection).toBe('active');
    expect((await b.get('/app/connections')).data).not.toContain(ids.connectionId);
    expect(changedTables(before, await countRows(stack.db.pool))).toEqual([]);
    const role = await stack.db.pool.oneFirst(
      sql.type(z.object({ role: z.string() }))`SELECT role FROM members WHERE id = ${ids.memberId}`,
    );
    expect(role).toBe('viewer');
    const headers = { authorization: `Bearer ${ids.apiKey}` };
    expect((await http.get(`${stack.api.url}/v1/artists`, { headers })).status).toBe(200);
    // B's settings show none of A's members or keys.
    const page = (await b.get('/app/settings')).data;
    expect([page.includes(ids.memberId), page.includes(ids.keyId)]).toEqual([false, false]);
  });

  it('answers every malformed form with a 4xx and changes no row', async () => {
    const owner = await signedUpOwner('Fuzzed');
    const foreign = await idsOf(await signedUpOwner('Foreign'));
    const csrf = await owner.csrfToken();
    const random = seededRandom(18);
    const huge = 'x'.repeat(5000);
    // Values no field accepts (a name, an address, a password, a role): each request must be refused.
    const junk = ['', ' ', huge, 'a\u0000b', '\u0007\u001b', 'é'.repeat(300), '\u0000'.repeat(12)];
    const pick = () => junk[Math.floor(random() * junk.length)]!;
    const ids = () => [seededUuid(random), foreign.keyId, foreign.memberId, 'not-a-uuid', '..', '%00'];
    const routes: { path: string; fields: string[] }[] = [
      { path: '/app/sign-up', fields: ['name', 'email', 'password'] },
      { path: '/app/sign-in', fields: ['email', 'password', 'next'] },
      { path: '/app/reset', fields: ['email'] },
      { path: `/app/reset/${seededUuid(random)}`, fields: ['password'] },
      { path: `/app/invite/${seededUuid(random)}`, fields: ['password'] },
      { path: '/app/keys', fields: ['name'] },
      ...ids().map((id) => ({ path: `/app/keys/${id}/revoke`, fields: [] })),
      { path: '/app/members', fields: ['email', 'role'] },
      ...ids().map((id) => ({ path: `/app/members/${id}`, fields: ['role'] })),
      // Google sign-in's forms (the button's own POST only redirects to Google: it has no fields to fuzz).
      { path: '/app/sign-in/google/link', fields: ['pending', 'password'] },
      { path: '/app/sign-in/google/new', fields: ['pending', 'name'] },
      ...['not-a-provider', 'apple_music', '..', '%00'].map((p) => ({ path: `/app/connections/${p}`, fields: [] })),
      ...[...ids(), foreign.connectionId].map((id) => ({
        path: `/app/connections/${id}/disconnect`,
        fields: ['confirm'],
      })),
    ];
    const before = await countRows(stack.db.pool);
    const problems: string[] = [];
    let sent = 0;
    for (const route of routes) {
      const bodies: string[] = [
        '',
        `csrf=${encodeURIComponent(csrf)}`,
        `csrf=${encodeURIComponent(csrf)}&%FF%FE=%C3%28`,
        `csrf=${encodeURIComponent(csrf)}&${route.fields.map((f) => `${f}=${encodeURIComponent(huge)}`).join('&')}`,
        `csrf=${encodeURIComponent(csrf)}&${route.fields.map((f) => `${f}[]=a&${f}[]=b`).join('&')}`,
        `csrf=${encodeURIComponent(csrf)}&role=superuser&email=not-an-address`,
      ];
      while (bodies.length < 20)
        bodies.push(
          `csrf=${encodeURIComponent(csrf)}&${route.fields
            .map((f, i) => (i === 0 || random() < 0.8 ? `${f}=${encodeURIComponent(pick())}` : ''))
            .filter(Boolean)
            .join('&')}`,
        );
      for (const body of bodies) {
        const res = await http.post<string>(`${stack.api.url}${route.path}`, body, {
          headers: { cookie: owner.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: stack.api.url },
          responseType: 'text',
        });
        sent++;
        if (res.status >= 500 || res.status < 400) problems.push(`${res.status} ${route.path} ${body.slice(0, 80)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(20 * 11);
    expect(changedTables(before, await countRows(stack.db.pool))).toEqual([]);
  });
});
