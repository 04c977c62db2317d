// The Meta and Google simulators' app credentials as the tests start them, and the env that points a stack at each.
import { startMetaSimulator } from '../../simulators/meta';
import { lazyProxy } from './per-file';
import { type ReleaseStack, useReleaseStack } from './release-stack';

type MetaSimulator = Awaited<ReturnType<typeof startMetaSimulator>>;

export const META_APP = { appId: 'dropday-meta', appSecret: 'meta-secret' };
export const GOOGLE_APP = { clientId: 'dropday-google', clientSecret: 'google-secret' };

/** Meta login and Graph (Marketing API) at the simulator. */
export const metaEnv = (meta: { url: string }) => ({
  META_APP_ID: META_APP.appId,
  META_APP_SECRET: META_APP.appSecret,
  META_DIALOG_URL: meta.url,
  META_GRAPH_URL: meta.url,
});

/** Google OAuth at the simulator. */
export const googleEnv = (google: { url: string }) => ({
  GOOGLE_CLIENT_ID: GOOGLE_APP.clientId,
  GOOGLE_CLIENT_SECRET: GOOGLE_APP.clientSecret,
  GOOGLE_AUTH_URL: google.url,
  GOOGLE_OAUTH_URL: google.url,
});

/**
 * A Meta simulator and a release stack pointed at it, for every test of a file: the simulator starts before the
 * stack and stops after it.
 */
export function useMetaSimulatorStack(): { meta: MetaSimulator; stack: ReleaseStack } {
  let meta: MetaSimulator | undefined;
  beforeAll(async () => {
    meta = await startMetaSimulator(META_APP);
  });
  const stack = useReleaseStack(() => ({ env: metaEnv(meta!) }));
  afterAll(async () => {
    await meta?.close();
  });
  return { meta: lazyProxy(() => meta!), stack };
}

export const INSTAGRAM_APP = {
  appId: 'dropday-instagram',
  appSecret: 'instagram-secret',
  verifyToken: 'instagram-verify-token-0123',
};

/** Instagram login, Graph and the webhook verify token at the simulator. */
export const instagramEnv = (instagram: { url: string }) => ({
  INSTAGRAM_APP_ID: INSTAGRAM_APP.appId,
  INSTAGRAM_APP_SECRET: INSTAGRAM_APP.appSecret,
  INSTAGRAM_AUTH_URL: instagram.url,
  INSTAGRAM_API_URL: instagram.url,
  INSTAGRAM_GRAPH_URL: instagram.url,
  INSTAGRAM_WEBHOOK_VERIFY_TOKEN: INSTAGRAM_APP.verifyToken,
});
