// Attack: an artist's ad account connected into a stranger's dropday account. The attacker starts a connect with
// their own API key and gets the victim artist to open the link (or the provider's consent URL it leads to); the
// victim approves on the real Meta screen. Before the fix the link was Meta's own URL with a state bound only to the
// attacker's account, so the victim's ad account landed in the attacker's account. Now the link is a dropday page
// that needs the dashboard session of the account it names, the confirm is a same-origin POST with an anti-forgery
// field, and the state only comes back in the browser that confirmed.
import { startMetaSimulator, META_API_VERSION } from '../../simulators/meta';
import {
  artistAccount,
  confirmConnect,
  dashboardSession,
  hiddenFields,
  http,
  startReleaseStack,
  type ReleaseStack,
} from '../helpers/release-stack';

let stack: ReleaseStack;
let meta: Awaited<ReturnType<typeof startMetaSimulator>>;
beforeAll(async () => {
  meta = await startMetaSimulator({ appId: 'dropday-meta', appSecret: 'meta-secret' });
  stack = await startReleaseStack({
    env: {
      META_APP_ID: 'dropday-meta',
      META_APP_SECRET: 'meta-secret',
      META_DIALOG_URL: meta.url,
      META_GRAPH_URL: meta.url,
    },
  });
});
afterAll(async () => {
  await stack?.close();
  await meta?.close();
});

const connectionsOf = async (account: { headers: Record<string, string> }) =>
  (await http.get(`${stack.api.url}/v1/connections`, { headers: account.headers })).data.items as unknown[];

/** The victim approves on Meta's dialog page and their browser follows the redirect back to dropday. */
async function victimApproves(dialogPage: unknown, user: string, cookie: string) {
  const form = hiddenFields(dialogPage);
  form.set('user', user);
  form.set('decision', 'accept');
  const consent = await http.post(`${meta.url}/${META_API_VERSION}/dialog/oauth`, form.toString(), {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return http.get(String(consent.headers.location), { headers: cookie ? { cookie } : {} });
}

describe('ad-account connect hijack', () => {
  it("the attacker's connect link, opened by a signed-in victim, connects nothing", async () => {
    const attacker = await artistAccount(stack);
    const victim = await artistAccount(stack);
    const start = await http.post(`${stack.api.url}/v1/connections/meta`, {}, { headers: attacker.headers });
    expect(start.status).toBe(201);
    const link = String(start.data.authorizeUrl);
    expect(link.startsWith(`${stack.api.url}/app/connect/`)).toBe(true);

    const victimSession = await dashboardSession(stack, victim.apiKey);
    const opened = await http.get(link, { headers: { cookie: victimSession } });
    // Before the fix this was Meta's dialog: the victim approves it, as they would.
    if (hiddenFields(opened.data).get('state')) await victimApproves(opened.data, 'victim-ads', victimSession);
    expect(await connectionsOf(attacker)).toEqual([]);
    expect(opened.status).toBe(403);
    expect(opened.data).toContain('another dropday account');

    // Signed out, the link asks to sign in (and comes back to it); it never leads to Meta.
    const signedOut = await http.get(link);
    expect(signedOut.status).toBe(401);
    expect(signedOut.data).toContain(`name="next" value="${new URL(link).pathname}"`);
    // Confirming the attacker's link from the victim's session is refused too, whatever the form carries.
    const page = await http.get(link, { headers: { cookie: await dashboardSession(stack, attacker.apiKey) } });
    const csrf = /name="csrf" value="([^"]+)"/.exec(String(page.data))![1];
    const forced = await http.post(link, new URLSearchParams({ csrf }).toString(), {
      headers: { cookie: victimSession, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(forced.status).toBe(403);
    expect(forced.headers.location).toBeUndefined();
    expect(await connectionsOf(attacker)).toEqual([]);
    expect(await connectionsOf(victim)).toEqual([]);
  });

  it("Meta's consent URL from the attacker's own confirmation is refused in the victim's browser", async () => {
    const attacker = await artistAccount(stack);
    const { authorizeUrl } = await confirmConnect(stack, attacker, 'meta');
    expect(new URL(authorizeUrl).origin).toBe(meta.url);
    const dialog = await http.get(authorizeUrl);
    const callback = await victimApproves(dialog.data, 'victim-ads-2', '');
    expect(callback.status).toBe(400);
    expect(callback.data).toContain('not valid');
    expect(await connectionsOf(attacker)).toEqual([]);
  });

  it('a cross-site or unconfirmed POST to the confirmation is refused; the own browser connects', async () => {
    const artist = await artistAccount(stack);
    const start = await http.post(`${stack.api.url}/v1/connections/meta`, {}, { headers: artist.headers });
    const link = String(start.data.authorizeUrl);
    const session = await dashboardSession(stack, artist.apiKey);
    const csrf = /name="csrf" value="([^"]+)"/.exec(
      String((await http.get(link, { headers: { cookie: session } })).data),
    )![1];
    const post = (fields: Record<string, string>, headers: Record<string, string>) =>
      http.post(link, new URLSearchParams(fields).toString(), {
        headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      });
    const crossSite = await post({ csrf }, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.data.error.code).toBe('cross_site_request');
    expect((await post({}, {})).status).toBe(403); // no anti-forgery field
    expect((await post({ csrf: 'x' }, {})).status).toBe(403);
    const confirmed = await post({ csrf }, {});
    expect(confirmed.status).toBe(303);
    const cookie = ((confirmed.headers['set-cookie'] as string[]) ?? []).map((c) => c.split(';')[0]).join('; ');
    const callback = await victimApproves((await http.get(String(confirmed.headers.location))).data, 'own-ads', cookie);
    expect(callback.data).toContain('Meta connected');
    expect(await connectionsOf(artist)).toHaveLength(1);
  });
});
