// Sandbox mode of `npm run dev`: for each provider whose credential is unset, its loopback simulator from
// simulators/, and the settings that point dropday at it. One row per provider; the dev script starts the rows it
// needs. (Gemini runs only on request and stripe-mock is a binary: both stay in scripts/dev.ts.)
import { MUSICKIT_SCRIPT_PATH, sandboxDeveloperKey, startAppleMusicSimulator } from '../../simulators/apple-music';
import { startGoogleSimulator } from '../../simulators/google';
import { SANDBOX_DEVELOPER_TOKEN } from '../../simulators/google/ads';
import { startInstagramSimulator } from '../../simulators/instagram';
import { startMetaSimulator } from '../../simulators/meta';
import { startSpotifySimulator } from '../../simulators/spotify';
import { SANDBOX_TWILIO, startTwilioSimulator } from '../../simulators/twilio';

export type SandboxName = 'spotify' | 'apple_music' | 'google' | 'meta' | 'twilio' | 'instagram';

interface Started {
  sim: { url: string; close(): Promise<void> };
  /** the settings pointing dropday at the simulator */
  env: Record<string, string>;
  /** settings taken only where the environment gives none */
  defaults?: Record<string, string>;
}

export interface Sandbox {
  name: SandboxName;
  /** set: the provider is real, no simulator */
  credential: string;
  /** the variable that moves its port, and the default port */
  portVariable: string;
  port: number;
  /** what the start-up banner says it stands in for */
  what: string;
  start(port: number): Promise<Started>;
}

export const SANDBOXES: readonly Sandbox[] = [
  {
    name: 'spotify',
    credential: 'SPOTIFY_CLIENT_ID',
    portVariable: 'SPOTIFY_SIMULATOR_PORT',
    port: 4010,
    what: 'spotify',
    async start(port) {
      const app = { clientId: 'dropday-sandbox', clientSecret: 'dropday-sandbox-secret' };
      const sim = await startSpotifySimulator({ ...app, port });
      return {
        sim,
        env: {
          SPOTIFY_CLIENT_ID: app.clientId,
          SPOTIFY_CLIENT_SECRET: app.clientSecret,
          SPOTIFY_ACCOUNTS_URL: sim.url,
          SPOTIFY_API_URL: sim.url,
        },
      };
    },
  },
  {
    name: 'apple_music',
    credential: 'APPLE_MUSIC_PRIVATE_KEY',
    portVariable: 'APPLE_MUSIC_SIMULATOR_PORT',
    port: 4014,
    what: 'apple music (API, MusicKit stand-in)',
    async start(port) {
      // A fresh developer key each start: the simulator trusts its public half, dropday signs with the private one.
      const key = sandboxDeveloperKey();
      const sim = await startAppleMusicSimulator({ keys: [key], port });
      return {
        sim,
        env: {
          APPLE_MUSIC_TEAM_ID: key.teamId,
          APPLE_MUSIC_KEY_ID: key.keyId,
          APPLE_MUSIC_PRIVATE_KEY: key.privateKeyPem,
          APPLE_MUSIC_API_URL: sim.url,
          APPLE_MUSIC_MUSICKIT_URL: `${sim.url}${MUSICKIT_SCRIPT_PATH}`,
        },
      };
    },
  },
  {
    name: 'google',
    credential: 'GOOGLE_CLIENT_ID',
    portVariable: 'GOOGLE_SIMULATOR_PORT',
    port: 4011,
    what: 'google (OAuth, Ads API)',
    async start(port) {
      const app = { clientId: 'dropday-sandbox-google', clientSecret: 'dropday-sandbox-google-secret' };
      const sim = await startGoogleSimulator({ ...app, port });
      return {
        sim,
        env: {
          GOOGLE_CLIENT_ID: app.clientId,
          GOOGLE_CLIENT_SECRET: app.clientSecret,
          GOOGLE_AUTH_URL: sim.url,
          GOOGLE_OAUTH_URL: sim.url,
          GOOGLE_ADS_API_URL: sim.url, // the same simulator serves the Google Ads REST API
        },
        defaults: { GOOGLE_ADS_DEVELOPER_TOKEN: SANDBOX_DEVELOPER_TOKEN },
      };
    },
  },
  {
    name: 'meta',
    credential: 'META_APP_ID',
    portVariable: 'META_SIMULATOR_PORT',
    port: 4012,
    what: 'meta (login, Marketing API, Conversions API)',
    async start(port) {
      const app = { appId: 'dropday-sandbox-meta', appSecret: 'dropday-sandbox-meta-secret' };
      const sim = await startMetaSimulator({ ...app, port });
      return {
        sim,
        env: {
          META_APP_ID: app.appId,
          META_APP_SECRET: app.appSecret,
          META_DIALOG_URL: sim.url,
          META_GRAPH_URL: sim.url,
        },
      };
    },
  },
  {
    name: 'twilio',
    credential: 'TWILIO_ACCOUNT_SID',
    portVariable: 'TWILIO_SIMULATOR_PORT',
    port: 4016,
    // What it "sent" is at <url>/__control/messages.
    what: 'twilio (SMS)',
    async start(port) {
      const sim = await startTwilioSimulator({ ...SANDBOX_TWILIO, port });
      return {
        sim,
        env: {
          TWILIO_ACCOUNT_SID: SANDBOX_TWILIO.accountSid,
          TWILIO_AUTH_TOKEN: SANDBOX_TWILIO.authToken,
          TWILIO_API_URL: sim.url,
        },
        defaults: { TWILIO_FROM: '+15005550006' },
      };
    },
  },
  {
    name: 'instagram',
    credential: 'INSTAGRAM_APP_ID',
    portVariable: 'INSTAGRAM_SIMULATOR_PORT',
    port: 4015,
    what: 'instagram (login, publishing, comments, messages, webhooks)',
    async start(port) {
      const app = { appId: 'dropday-sandbox-instagram', appSecret: 'dropday-sandbox-instagram-secret' };
      const sim = await startInstagramSimulator({ ...app, port });
      return {
        sim,
        env: {
          INSTAGRAM_APP_ID: app.appId,
          INSTAGRAM_APP_SECRET: app.appSecret,
          INSTAGRAM_AUTH_URL: sim.url,
          INSTAGRAM_API_URL: sim.url,
          INSTAGRAM_GRAPH_URL: sim.url,
        },
        defaults: { INSTAGRAM_WEBHOOK_VERIFY_TOKEN: 'dropday-sandbox-instagram-verify' },
      };
    },
  },
];
