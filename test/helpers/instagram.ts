// The Instagram simulator and a release stack pointed at it (webhooks registered to the stack's endpoint), and the
// steps an Instagram test repeats: connect a professional account, schedule a post, read the simulator's state.
import { startInstagramSimulator, type InstagramSimulator } from '../../simulators/instagram';
import { INSTAGRAM_APP, instagramEnv } from './ad-simulators';
import { lazyProxy } from './per-file';
import {
  confirmConnect,
  hiddenFields,
  http,
  type ReleaseStack,
  type ReleaseStackOptions,
  useReleaseStack,
} from './release-stack';

export function useInstagramStack(
  opts: ReleaseStackOptions & { env?: Record<string, string>; /** default INSTAGRAM_APP's */ appSecret?: string } = {},
): {
  ig: InstagramSimulator;
  stack: ReleaseStack;
} {
  let ig: InstagramSimulator | undefined;
  beforeAll(async () => {
    ig = await startInstagramSimulator({
      appId: INSTAGRAM_APP.appId,
      appSecret: opts.appSecret ?? INSTAGRAM_APP.appSecret,
      processingMs: 300,
    });
  });
  const stack = useReleaseStack(() => ({
    ...opts,
    env: {
      ...instagramEnv(ig!),
      INSTAGRAM_CONTAINER_LEAD_SECONDS: '2',
      INSTAGRAM_LIVE_CHECK_MS: '300',
      ...(opts.appSecret ? { INSTAGRAM_APP_SECRET: opts.appSecret } : {}),
      ...opts.env,
    },
  }));
  beforeAll(async () => {
    const registered = await http.post(`${ig!.url}/__control/webhook`, {
      callbackUrl: `${stack.api.url}/webhooks/instagram`,
      verifyToken: INSTAGRAM_APP.verifyToken,
    });
    if (!registered.data.verified) throw new Error(`webhook verification failed: ${JSON.stringify(registered.data)}`);
  });
  afterAll(async () => {
    await ig?.close();
  });
  return { ig: lazyProxy(() => ig!), stack };
}

/** The label connects Instagram professional account `user` through the consent page; returns its connection. */
export async function connectInstagram(
  stack: ReleaseStack,
  ig: InstagramSimulator,
  account: { headers: Record<string, string>; apiKey: string },
  user: string,
): Promise<{ id: string; igUserId: string }> {
  const start = await confirmConnect(stack, account, 'instagram');
  const page = await http.get(start.authorizeUrl);
  const form = hiddenFields(page.data);
  form.set('user', user);
  form.set('decision', 'accept');
  const consent = await http.post(`${ig.url}/oauth/authorize`, form.toString(), {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const callback = await http.get(String(consent.headers.location), { headers: { cookie: start.cookie } });
  if (!String(callback.data).includes('Instagram connected'))
    throw new Error(`Instagram connect ended: ${callback.data}`);
  const list = await http.get(`${stack.api.url}/v1/connections`, { headers: account.headers });
  const igUserId = ig.state.account(user).userId;
  const connection = list.data.items.find((c: { externalAccountId?: string }) => c.externalAccountId === igUserId);
  return { id: connection.id as string, igUserId };
}

export function schedulePost(
  stack: ReleaseStack,
  headers: Record<string, string>,
  campaignId: string,
  body: Record<string, unknown>,
) {
  return http.post(`${stack.api.url}/v1/campaigns/${campaignId}/instagram-posts`, body, { headers });
}

export const postView = (stack: ReleaseStack, headers: Record<string, string>, id: string) =>
  http.get(`${stack.api.url}/v1/instagram-posts/${id}`, { headers });
