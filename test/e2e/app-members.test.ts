// Label members: an owner invites by e-mail with a role; the invitee accepts from the sandbox mailbox with a
// password. A viewer sees the account but every change is refused on the server (the app's forms and /v1 alike); a
// manager changes campaigns through /v1 with the session's X-CSRF-Token, audited with the member's id; only owners
// manage members and keys; the last owner stays; a removed member is signed out.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { AppClient } from '../helpers/app-client';
import { signUpVerified } from '../helpers/app-sign-up';
import { deliveredMailTo } from '../helpers/mailbox';
import { http, useReleaseStack } from '../helpers/release-stack';

const stack = useReleaseStack();
let seq = 0;
const address = () => `member-${Date.now()}-${seq++}@example.com`;
const PASSWORD = 'correct horse battery';

async function owner() {
  return signUpVerified(stack, { name: 'Night Label', email: address(), password: PASSWORD });
}

/** Invites `role` from the owner's settings; the invitee accepts from their mailbox; their signed-in browser. */
async function invited(by: AppClient, role: 'owner' | 'manager' | 'viewer') {
  const email = address();
  expect((await by.submit('/app/settings', '/app/members', { email, role })).status).toBe(201);
  const mail = (await deliveredMailTo(stack, email)).find((m) => m.subject.startsWith('You are invited'));
  const link = /(https?:\/\/\S+\/app\/invite\/\S+)/.exec(mail?.body ?? '')?.[1];
  if (!link) throw new Error('no invitation mail');
  const browser = new AppClient(stack.api.url);
  expect((await browser.get(link)).data).toContain('Join Night Label');
  expect((await browser.submit(link, new URL(link).pathname, { password: PASSWORD })).status).toBe(303);
  expect((await browser.get(link)).status).toBe(400); // accepted once
  return { browser, email };
}

const v1 = (browser: AppClient, csrf?: string) => ({
  headers: { cookie: browser.cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}) },
});

describe('artist app members', () => {
  it('a viewer sees the account and can change nothing, on the app or on /v1', async () => {
    const label = await owner();
    const { browser: viewer } = await invited(label, 'viewer');
    const settings = await viewer.get('/app/settings');
    expect(settings.status).toBe(200);
    expect(settings.data).toContain('Night Label');
    expect(settings.data).not.toContain('action="/app/members"'); // no invite form shown
    const csrf = await viewer.csrfToken();
    expect((await viewer.postRaw('/app/keys', { csrf, name: 'mine' })).status).toBe(403);
    expect((await viewer.postRaw('/app/members', { csrf, email: address(), role: 'owner' })).status).toBe(403);
    expect((await http.get(`${stack.api.url}/v1/artists`, v1(viewer))).status).toBe(200);
    const write = await http.post(`${stack.api.url}/v1/artists`, { name: 'Not allowed' }, v1(viewer, csrf));
    expect([write.status, write.data.error.code]).toEqual([403, 'forbidden']);
    const named = await stack.db.pool.exists(sql.unsafe`SELECT 1 FROM artists WHERE name IN ('Not allowed')`);
    const keys = await stack.db.pool.exists(sql.unsafe`SELECT 1 FROM api_keys WHERE name = 'mine'`);
    expect([named, keys]).toEqual([false, false]);
  });

  it('a manager changes through /v1 with the session token, audited with their id, and cannot manage members', async () => {
    const label = await owner();
    const { browser: manager } = await invited(label, 'manager');
    const csrf = await manager.csrfToken();
    // Without the header, a cross-site write with the cookie is refused.
    expect((await http.post(`${stack.api.url}/v1/artists`, { name: 'Forged' }, v1(manager))).status).toBe(403);
    const created = await http.post(`${stack.api.url}/v1/artists`, { name: 'Managed' }, v1(manager, csrf));
    expect(created.status).toBe(201);
    expect((await manager.postRaw('/app/members', { csrf, email: address(), role: 'viewer' })).status).toBe(403);
    const memberId = await stack.db.pool.oneFirst(
      sql.type(z.object({ actor: z.string() }))`
        SELECT actor FROM audit_log WHERE action = 'app POST /v1/artists' ORDER BY id DESC LIMIT 1`,
    );
    const managerRow = await stack.db.pool.oneFirst(
      sql.type(
        z.object({ id: z.string() }),
      )`SELECT id FROM members WHERE role = 'manager' ORDER BY created_at DESC LIMIT 1`,
    );
    expect(memberId).toBe(`member:${managerRow}`);
  });

  it('keeps the last owner, changes roles, and signs a removed member out', async () => {
    const label = await owner();
    const { browser: viewer, email } = await invited(label, 'viewer');
    const rows = await stack.db.pool.any(
      sql.type(z.object({ id: z.string(), role: z.string() }))`
        SELECT id, role FROM members WHERE account_id = (SELECT account_id FROM members m2 WHERE m2.role = 'viewer'
        ORDER BY created_at DESC LIMIT 1) ORDER BY created_at`,
    );
    const [me, them] = rows;
    // The owner demoting themselves would leave no owner.
    const csrf = await label.csrfToken();
    expect((await label.postRaw(`/app/members/${me!.id}`, { csrf, role: 'viewer' })).status).toBe(409);
    expect((await label.postRaw(`/app/members/${them!.id}`, { csrf, role: 'manager' })).status).toBe(200);
    expect((await viewer.get('/app/settings')).data).toContain(`${email} · manager`);
    expect((await label.postRaw(`/app/members/${them!.id}`, { csrf, role: 'removed' })).status).toBe(200);
    expect((await viewer.get('/app')).data).not.toContain('id="sign-out"');
    const actions = await stack.db.pool.anyFirst(
      sql.type(z.object({ action: z.string() }))`
        SELECT action FROM audit_log WHERE target = ${`member:${them!.id}`} AND actor = ${`member:${me!.id}`} ORDER BY id`,
    );
    expect(actions).toEqual(['member.invite', 'member.role.manager', 'member.remove']);
  });

  it('only an owner deletes the account, and the deletion signs every member out', async () => {
    const label = await owner();
    const { browser: manager } = await invited(label, 'manager');
    const refused = await http.delete(`${stack.api.url}/v1/accounts/me`, v1(manager, await manager.csrfToken()));
    expect(refused.status).toBe(403);
    const deleted = await http.delete(`${stack.api.url}/v1/accounts/me`, v1(label, await label.csrfToken()));
    expect(deleted.status).toBe(202);
    expect((await manager.get('/app')).data).not.toContain('id="sign-out"');
    expect((await label.get('/app')).data).not.toContain('id="sign-out"');
  });
});
