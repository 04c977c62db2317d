// Who may change what (api/write-roles.ts), walked over every write route the app registers under /v1 and /app:
// each one declares the least role it needs (a route added without a declaration fails here), a viewer's session
// is refused on every route that changes an account's things and changes nothing, a manager's is refused on the
// owner's (billing, the account itself, API keys, members) and let through on the rest, and a route nobody
// declared is refused to every member, an owner too.
import { type Express } from 'express';
import { createApp } from '../../api/app';
import { createMetricsRegistry } from '../../api/metrics';
import { CONNECTION_PROVIDERS } from '../../api/oauth/artist-connections';
import { memberMayWrite, WRITE_ACCESS, writeAccessOf } from '../../api/write-roles';
import { createConnection } from '../../db/connections';
import { sql } from '../../db/pool';
import { createLogger } from '../../lib/logger';
import { AppClient } from '../helpers/app-client';
import { signUpVerified } from '../helpers/app-sign-up';
import { changedTables, countRows } from '../helpers/attack-inputs';
import { testConfig } from '../helpers/config';
import { deliveredMailTo } from '../helpers/mailbox';
import { googleEnv, instagramEnv, metaEnv } from '../helpers/ad-simulators';
import { http, useReleaseStack } from '../helpers/release-stack';

// Every provider configured (nothing is ever called at them: what a member is refused never leaves dropday), so that
// each one's connect link can be made; the worker sends the invitations.
const nowhere = { url: 'http://127.0.0.1:9' };
const stack = useReleaseStack(() => ({
  env: { ...metaEnv(nowhere), ...googleEnv(nowhere), ...instagramEnv(nowhere) },
}));
const PASSWORD = 'correct horse battery';
const WRITES = new Set(['post', 'put', 'patch', 'delete']);
let seq = 0;
const address = () => `roles-${Date.now()}-${seq++}@example.com`;

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every write route of the app as `METHOD path`, read from Express's own route table. */
function registeredWrites(): string[] {
  const { config, keyRing } = testConfig();
  const app: Express = createApp({
    config,
    keyRing,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetricsRegistry(),
    pool: {} as never,
    temporal: {} as never,
    releaseEngine: {} as never,
    providers: {} as never,
  });
  const out = new Set<string>();
  const walk = (layers: Layer[]) => {
    for (const layer of layers) {
      if (layer.route)
        for (const m of Object.keys(layer.route.methods))
          if (WRITES.has(m)) out.add(`${m.toUpperCase()} ${layer.route.path}`);
      if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return [...out].filter((r) => /^\S+ \/(v1|app)\//.test(r)).sort();
}

async function member(owner: AppClient, role: 'manager' | 'viewer') {
  const email = address();
  expect((await owner.submit('/app/settings', '/app/members', { email, role })).status).toBe(201);
  const mail = (await deliveredMailTo(stack, email)).find((m) => m.subject.startsWith('You are invited'));
  const link = /(https?:\/\/\S+\/app\/invite\/\S+)/.exec(mail?.body ?? '')?.[1];
  if (!link) throw new Error('no invitation mail');
  const browser = new AppClient(stack.api.url);
  expect((await browser.submit(link, new URL(link).pathname, { password: PASSWORD })).status).toBe(303);
  return { browser, csrf: await browser.csrfToken() };
}

/** The route called as the member: ids are random (nothing of anyone's), the provider is one that exists. */
async function call(route: string, as: { browser: AppClient; csrf: string }) {
  const [method, pattern] = route.split(' ') as [string, string];
  const path = pattern.replace(/:(\w+)/g, (_, name: string) =>
    name === 'provider' ? 'meta' : name === 'token' ? 'not-a-token' : '4f7c7a52-1c1e-4c11-9b7e-0a0d0c0b0a09',
  );
  if (path.startsWith('/app/')) return as.browser.postRaw(path, { csrf: as.csrf });
  return http.request({
    method,
    url: `${stack.api.url}${path}`,
    data: {},
    headers: { cookie: as.browser.cookie, 'x-csrf-token': as.csrf },
  });
}

describe('write roles', () => {
  it('has a declaration for every registered write route, and none for a route that is gone', () => {
    const routes = registeredWrites();
    expect(routes.length).toBeGreaterThan(50);
    expect(routes.filter((r) => WRITE_ACCESS[r] === undefined)).toEqual([]);
    expect(Object.keys(WRITE_ACCESS).filter((r) => !routes.includes(r))).toEqual([]);
    // Deny by default: what nobody declared is no member's to call.
    expect(writeAccessOf('POST', '/v1/campaigns/x/something-new')).toBeUndefined();
    expect(memberMayWrite('owner', undefined)).toBe(false);
  });

  it('refuses a viewer every change and a manager the owner’s, and lets a manager through to the rest', async () => {
    const owner = await signUpVerified(stack, { name: 'Role Label', email: address(), password: PASSWORD });
    const viewer = await member(owner, 'viewer');
    const manager = await member(owner, 'manager');
    const guarded = registeredWrites().filter((r) => ['manager', 'owner', 'ops'].includes(WRITE_ACCESS[r]!));
    expect(guarded.length).toBeGreaterThan(40);

    const before = await countRows(stack.db.pool);
    const viewerAnswers: string[] = [];
    for (const route of guarded) {
      const res = await call(route, viewer);
      if (res.status !== 403) viewerAnswers.push(`${route} → ${res.status}`);
      else if (route.includes(' /v1/'))
        expect([route, res.data.error.code, res.data.error.details?.needs]).toEqual([
          route,
          'forbidden',
          WRITE_ACCESS[route],
        ]);
    }
    expect(viewerAnswers).toEqual([]);
    // Refused before any work: not a row changed (sessions are read, never written, by a refusal).
    expect(changedTables(before, await countRows(stack.db.pool))).toEqual([]);

    const managerAnswers: string[] = [];
    for (const route of guarded) {
      const res = await call(route, manager);
      const refused = res.status === 403;
      if (refused !== (WRITE_ACCESS[route] !== 'manager')) managerAnswers.push(`${route} → ${res.status}`);
    }
    expect(managerAnswers).toEqual([]);

    // An owner passes the gate of the owner's routes (all but the account's deletion, which would end this test).
    const ownerCsrf = await owner.csrfToken();
    const ownerAnswers: string[] = [];
    for (const route of guarded.filter((r) => WRITE_ACCESS[r] === 'owner' && r !== 'DELETE /v1/accounts/me')) {
      const res = await call(route, { browser: owner, csrf: ownerCsrf });
      if (res.status === 403) ownerAnswers.push(`${route} → 403`);
    }
    expect(ownerAnswers).toEqual([]);

    // A write to a path nobody declared is refused to a member before routing, an owner too.
    const undeclared = await http.post(
      `${stack.api.url}/v1/campaigns/4f7c7a52-1c1e-4c11-9b7e-0a0d0c0b0a09/something-new`,
      {},
      { headers: { cookie: owner.cookie, 'x-csrf-token': ownerCsrf } },
    );
    expect([undeclared.status, undeclared.data.error.details]).toEqual([403, { needs: 'undeclared', role: 'owner' }]);
  }, 300_000);

  it('refuses a viewer every provider’s connect (its start, confirmation page and confirm) and every disconnect', async () => {
    const owner = await signUpVerified(stack, { name: 'Connect Label', email: address(), password: PASSWORD });
    const viewer = await member(owner, 'viewer');
    const ownerCsrf = await owner.csrfToken();
    const me = await http.get(`${stack.api.url}/v1/accounts/me`, { headers: { cookie: owner.cookie } });
    const accountId = String(me.data.account.id);
    const asViewer = { headers: { cookie: viewer.browser.cookie, 'x-csrf-token': viewer.csrf } };

    for (const provider of CONNECTION_PROVIDERS) {
      const start = await viewer.browser.postRaw(`/app/connections/${provider}`, { csrf: viewer.csrf });
      expect([provider, start.status, start.data]).toEqual([provider, 403, expect.stringContaining('Viewers see')]);
      const v1Start = await http.post(`${stack.api.url}/v1/connections/${provider}`, {}, asViewer);
      expect([provider, v1Start.status, v1Start.data.error?.code]).toEqual([provider, 403, 'forbidden']);

      // The owner's own link for this provider: the owner is shown the confirmation, the viewer is refused it.
      const ownerStart = await owner.postRaw(`/app/connections/${provider}`, { csrf: ownerCsrf });
      expect([provider, ownerStart.status]).toEqual([provider, 303]);
      const link = new URL(String(ownerStart.headers.location)).pathname;
      expect((await owner.get(link)).status).toBe(200);
      const page = await viewer.browser.get(link);
      expect([provider, page.status]).toEqual([provider, 403]);
      expect(page.data).toContain('Viewers cannot connect accounts');
      expect(page.data).not.toContain(`action="${link}"`);
      const confirm = await viewer.browser.postRaw(link, { csrf: viewer.csrf });
      expect([provider, confirm.status, confirm.headers.location]).toEqual([provider, 403, undefined]);

      // A connection the account has: the viewer can neither open its disconnect page nor disconnect it.
      const { id } = await createConnection(stack.db.pool, stack.keyRing, {
        accountId,
        provider,
        externalAccountId: provider === 'instagram' ? `ig-${seq++}` : undefined,
        accessToken: 'token-the-viewer-must-not-drop',
        expiresInSeconds: 3600,
        scope: 'test',
      });
      expect((await viewer.browser.get(`/app/connections/${id}/disconnect`)).status).toBe(403);
      const disconnect = await viewer.browser.postRaw(`/app/connections/${id}/disconnect`, {
        csrf: viewer.csrf,
        confirm: 'yes',
      });
      expect([provider, disconnect.status]).toEqual([provider, 403]);
      expect((await http.delete(`${stack.api.url}/v1/connections/${id}`, asViewer)).status).toBe(403);
      const status = await stack.db.pool.oneFirst(sql.unsafe`SELECT status FROM connections WHERE id = ${id}`);
      expect([provider, status]).toEqual([provider, 'active']);
    }
  }, 120_000);
});
