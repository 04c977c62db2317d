// Everything a pre-save test needs, real end to end: a database, Temporal with the real worker, the Spotify
// simulator over HTTP, and the API on a known port (OAuth redirects name it).
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { type DefaultLogger } from '@temporalio/worker';
import axios from 'axios';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { type Config } from '../../lib/config';
import { type KeyRing } from '../../lib/crypto/keyring';
import { createLogger, type Logger } from '../../lib/logger';
import { freePort } from '../../scripts/lib/ports';
import {
  type AppleMusicSimulatorOptions,
  type AppleMusicSimState,
  sandboxDeveloperKey,
  startAppleMusicSimulator,
} from '../../simulators/apple-music';
import { startSpotifySimulator, type SpotifySimState, type SpotifySimulatorOptions } from '../../simulators/spotify';
import { type ReleaseTimings } from '../../workflows/release';
import { startTestApi, type TestApi } from './app';
import { testConfig } from './config';
import { usePerFile } from './per-file';
import { createTestDatabase, type TestDatabase } from './database';
import { connectTestTemporal, type RunningWorker, type TestTemporal } from './temporal';

export const SPOTIFY_CLIENT_ID = 'dropday-test';
export const SPOTIFY_CLIENT_SECRET = 'dropday-test-secret';

export const FAST_TIMINGS: Partial<ReleaseTimings> = {
  liveCheckFirstMs: 300,
  liveCheckMaxMs: 1_000,
  heartbeatTimeoutMs: 5_000,
  batchSize: 10,
  parallelBatches: 3,
};

export interface ReleaseStack {
  db: TestDatabase;
  temporal: TestTemporal;
  api: TestApi;
  spotify: { url: string; state: SpotifySimState; close(): Promise<void> };
  /** the Apple Music simulator; its developer key is the stack's APPLE_MUSIC_* configuration */
  appleMusic: { url: string; state: AppleMusicSimState; close(): Promise<void> };
  config: Config;
  keyRing: KeyRing;
  worker: RunningWorker | null;
  startWorker(): Promise<RunningWorker>;
  close(): Promise<void>;
}

export interface ReleaseStackOptions {
  env?: Record<string, string>;
  simulator?: Partial<SpotifySimulatorOptions>;
  appleMusic?: Partial<AppleMusicSimulatorOptions>;
  timings?: Partial<ReleaseTimings>;
  startWorker?: boolean;
  /** another Temporal server than the run's dev server (test/helpers/temporal-cluster.ts) */
  temporalAddress?: string;
  /** what the API and the worker log with, and the SDK's runtime logger (default: silent, SDK errors only) */
  logging?: { logger: Logger; runtimeLogger: DefaultLogger };
}

export async function startReleaseStack(opts: ReleaseStackOptions = {}): Promise<ReleaseStack> {
  const spotify = await startSpotifySimulator({
    clientId: SPOTIFY_CLIENT_ID,
    clientSecret: SPOTIFY_CLIENT_SECRET,
    port: 0,
    ...opts.simulator,
  });
  const appleKey = sandboxDeveloperKey();
  const appleMusic = await startAppleMusicSimulator({ keys: [appleKey], ...opts.appleMusic });
  const db = await createTestDatabase();
  const port = await freePort();
  const base = testConfig({
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SPOTIFY_CLIENT_ID,
    SPOTIFY_CLIENT_SECRET,
    SPOTIFY_ACCOUNTS_URL: spotify.url,
    SPOTIFY_API_URL: spotify.url,
    SPOTIFY_MAX_RPS: '200',
    APPLE_MUSIC_API_URL: appleMusic.url,
    APPLE_MUSIC_TEAM_ID: appleKey.teamId,
    APPLE_MUSIC_KEY_ID: appleKey.keyId,
    APPLE_MUSIC_PRIVATE_KEY: appleKey.privateKeyPem,
    APPLE_MUSIC_MUSICKIT_URL: `${appleMusic.url}/musickit/v3/musickit.js`,
    APPLE_MUSIC_MAX_RPS: '200',
    ...opts.env,
  });
  const temporal = await connectTestTemporal(base.keyRing, opts.temporalAddress, opts.logging?.runtimeLogger);
  const config = { ...base.config, TEMPORAL_TASK_QUEUE: temporal.taskQueue };
  const timings = { ...FAST_TIMINGS, ...opts.timings };
  const api = await startTestApi({
    config,
    pool: db.pool,
    temporal: temporal.client,
    keyRing: base.keyRing,
    timings,
    port,
    logger: opts.logging?.logger,
  });
  const stack: ReleaseStack = {
    db,
    temporal,
    api,
    spotify,
    appleMusic,
    config,
    keyRing: base.keyRing,
    worker: null,
    async startWorker() {
      stack.worker = await temporal.startWorker({
        config,
        pool: db.pool,
        keyRing: base.keyRing,
        logger: opts.logging?.logger ?? createLogger({ level: 'silent' }),
      });
      return stack.worker;
    },
    async close() {
      await api.close();
      await temporal.close();
      await spotify.close();
      await appleMusic.close();
      await db.drop();
    },
  };
  if (opts.startWorker !== false) await stack.startWorker();
  return stack;
}

/** One stack for every test of a file (see usePerFile); options as a function when they name what an earlier
 * beforeAll started (a simulator's URL). */
export function useReleaseStack(opts: ReleaseStackOptions | (() => ReleaseStackOptions) = {}): ReleaseStack {
  return usePerFile(
    'the release stack',
    () => startReleaseStack(typeof opts === 'function' ? opts() : opts),
    (stack) => stack.close(),
  );
}

/**
 * The production worker entry point as its own process (so a test can kill it), reaching the stack's database,
 * Temporal and Spotify simulator; `env` adds to that.
 */
export function spawnWorkerProcess(stack: ReleaseStack, env: Record<string, string> = {}): ChildProcess {
  const root = path.resolve(__dirname, '..', '..');
  return spawn(process.execPath, ['--import', 'tsx', path.join(root, 'workers/main.ts')], {
    cwd: root,
    env: { ...stackProcessEnv(stack), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** What a process of the stack (a spawned worker or API) needs to reach its database, Temporal and simulator. */
export function stackProcessEnv(stack: ReleaseStack): Record<string, string | undefined> {
  const c = stack.config;
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'warn',
    DATABASE_URL: stack.db.url,
    TEMPORAL_ADDRESS: stack.temporal.address,
    TEMPORAL_TASK_QUEUE: c.TEMPORAL_TASK_QUEUE,
    ENCRYPTION_KEYS: c.ENCRYPTION_KEYS,
    STATE_SIGNING_SECRET: c.STATE_SIGNING_SECRET,
    SPOTIFY_CLIENT_ID: c.SPOTIFY_CLIENT_ID,
    SPOTIFY_CLIENT_SECRET: c.SPOTIFY_CLIENT_SECRET!,
    SPOTIFY_ACCOUNTS_URL: c.SPOTIFY_ACCOUNTS_URL,
    SPOTIFY_API_URL: c.SPOTIFY_API_URL,
  };
}

export const http = axios.create({ validateStatus: () => true, maxRedirects: 0 });
// A browser posting one of our forms from the page it is on sends that page's Origin; tests that post as an
// attacker set another one (or use a client without this default).
http.interceptors.request.use((request) => {
  const type = String(request.headers.get('content-type') ?? '');
  if (
    request.method === 'post' &&
    type.includes('x-www-form-urlencoded') &&
    !request.headers.get('origin') &&
    request.url
  )
    request.headers.set('origin', new URL(request.url).origin);
  return request;
});

/** The name=value pairs of a response's Set-Cookie headers, as a browser would send them back. */
export const cookiesOf = (res: { headers: Record<string, unknown> }) =>
  ((res.headers['set-cookie'] as string[] | undefined) ?? []).map((c) => c.split(';')[0]).join('; ');

/** Signs in to the dashboard at /app with the account's key; returns the session cookie. */
export async function dashboardSession(stack: { api: { url: string } }, apiKey: string): Promise<string> {
  const res = await http.post(`${stack.api.url}/app/session`, new URLSearchParams({ key: apiKey }).toString(), {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  return cookiesOf(res);
}

/**
 * An artist connecting a provider as the product asks: POST /v1/connections/:provider, open its link signed in to
 * the dashboard, confirm. Returns the provider's consent URL and the cookies the browser carries back to our callback.
 */
export async function confirmConnect(
  stack: { api: { url: string } },
  account: { apiKey: string },
  provider: 'google' | 'meta' | 'spotify' | 'instagram',
): Promise<{ authorizeUrl: string; cookie: string; link: string }> {
  const start = await http.post(
    `${stack.api.url}/v1/connections/${provider}`,
    {},
    { headers: { authorization: `Bearer ${account.apiKey}` } },
  );
  if (start.status !== 201) throw new Error(`connect start answered ${start.status}`);
  const link = String(start.data.authorizeUrl);
  const session = await dashboardSession(stack, account.apiKey);
  const page = await http.get(link, { headers: { cookie: session } });
  const csrf = /name="csrf" value="([^"]+)"/.exec(String(page.data))?.[1];
  if (page.status !== 200 || !csrf) throw new Error(`connect page answered ${page.status}`);
  const confirm = await http.post(link, new URLSearchParams({ csrf }).toString(), {
    headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (confirm.status !== 303) throw new Error(`connect confirmation answered ${confirm.status}`);
  return { authorizeUrl: String(confirm.headers.location), cookie: cookiesOf(confirm), link };
}

/** An account with one artist, and its API key. */
export async function artistAccount(stack: { api: { url: string } }, spotifyArtistId?: string) {
  const signup = await http.post(`${stack.api.url}/v1/accounts`, {
    name: 'Label',
    email: `label-${Date.now()}@example.com`,
  });
  const headers = { authorization: `Bearer ${signup.data.apiKey}` };
  const artist = await http.post(
    `${stack.api.url}/v1/artists`,
    { name: 'Luna Vey', ...(spotifyArtistId ? { spotifyArtistId } : {}) },
    { headers },
  );
  return { headers, artistId: artist.data.id as string, apiKey: signup.data.apiKey as string };
}

let upcCounter = 0;
/** A fresh valid UPC-A (check digit computed). */
export function nextUpc(): string {
  const body = `19${String(Date.now() % 1e6).padStart(6, '0')}${String(upcCounter++ % 1000).padStart(3, '0')}`.slice(
    0,
    11,
  );
  const digits = body.split('').map(Number);
  const sum = digits.reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return body + String((10 - (sum % 10)) % 10);
}

/** A release in the simulator's catalogue that goes live at `liveAt`. */
export function addRelease(stack: { spotify: { state: SpotifySimState } }, upc: string, liveAt: number) {
  return stack.spotify.state.addRelease({
    artist: { name: 'Luna Vey' },
    album: {
      name: 'Midnight Sun',
      upc,
      tracks: [{ name: 'Midnight Sun', isrc: `USRC1${String(Date.now()).slice(-7)}` }],
    },
    liveAt,
  });
}

/**
 * One fan through the real HTTP flow, as a browser would: landing page → pre-save link → Spotify consent page →
 * consent → our callback. Returns the callback response.
 */
export async function fanPresaves(stack: { api: { url: string } }, slug: string, fan: SigningInFan & { tz?: string }) {
  const landing = await http.get(`${stack.api.url}/l/${slug}`);
  if (landing.status !== 200) throw new Error(`landing page answered ${landing.status}`);
  const query = fan.tz ? `?tz=${encodeURIComponent(fan.tz)}` : '';
  return signInWithSpotify(`${stack.api.url}/l/${slug}/presave/spotify${query}`, fan);
}

/** The hidden inputs of a provider's consent page, as the browser would post them back. */
export function hiddenFields(page: unknown): URLSearchParams {
  const unescape = (v: string) =>
    v
      .replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)))
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const form = new URLSearchParams();
  for (const [, name, value] of String(page).matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    form.set(name, unescape(value));
  return form;
}

interface SigningInFan {
  user: string;
  decision?: 'accept' | 'deny';
  /** runs once our start URL answered, before the fan consents (a fan slow on the consent page) */
  afterStart?: () => Promise<void>;
}

/**
 * A browser signing in with Spotify from one of our pages: our start URL → consent page → consent → callback.
 * `cookie`: what the browser already holds for our site (consent, ad cookies), sent to our start URL and callback.
 */
export async function signInWithSpotify(startUrl: string, fan: SigningInFan, cookie?: string) {
  const start = await http.get(startUrl, cookie ? { headers: { cookie } } : {});
  if (start.status !== 302) throw new Error(`sign-in start answered ${start.status}`);
  await fan.afterStart?.();
  const authorizeUrl = String(start.headers.location);
  const consentPage = await http.get(authorizeUrl);
  if (consentPage.status !== 200) throw new Error(`consent page answered ${consentPage.status}: ${consentPage.data}`);
  const form = hiddenFields(consentPage.data);
  form.set('display_name', fan.user);
  form.set('user', fan.user);
  form.set('decision', fan.decision ?? 'accept');
  const consent = await http.post(`${new URL(authorizeUrl).origin}/authorize`, form.toString(), {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (consent.status !== 302) throw new Error(`consent answered ${consent.status}: ${consent.data}`);
  const callbackUrl = String(consent.headers.location);
  // The browser carries the sign-in cookie set when the sign-in started back to our callback.
  const stateCookie = (start.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const callback = await http.get(callbackUrl, {
    headers: { cookie: cookie ? `${stateCookie}; ${cookie}` : stateCookie },
  });
  return { callback, callbackUrl, authorizeUrl, stateCookie };
}

/** Our fan id for a simulator user (fans are stored by Spotify's pseudonymous account id). */
export function fanIdOf(stack: ReleaseStack, user: string): Promise<string> {
  return stack.db.pool.oneFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM fans WHERE provider_user_id = ${stack.spotify.state.getUser(user)!.accountId}`);
}

/**
 * `POST /v1/campaigns` for a global release `secondsAhead` from now (an hour unless said) in `zone` (UTC unless said),
 * or at a `release` computed beforehand, or on a `releaseDate` at its default time; `fields` add to or override the
 * body. The raw response, for tests that check it, and the release instant.
 */
export async function postCampaign(
  stack: { api: { url: string } },
  account: { headers: Record<string, string>; artistId: string },
  title: string,
  opts: {
    upc?: string;
    secondsAhead?: number;
    zone?: string;
    release?: ReturnType<typeof releaseInSeconds>;
    releaseDate?: string;
    fields?: Record<string, unknown>;
  } = {},
) {
  const zone = opts.zone ?? 'UTC';
  const release = opts.release ?? releaseInSeconds(opts.secondsAhead ?? 3600, zone);
  const when = opts.releaseDate
    ? { releaseDate: opts.releaseDate }
    : { releaseDate: release.releaseDate, releaseTime: release.releaseTime };
  const campaign = await http.post(
    `${stack.api.url}/v1/campaigns`,
    {
      artistId: account.artistId,
      title,
      upc: opts.upc ?? nextUpc(),
      ...when,
      releasePolicy: 'global',
      timeZone: zone,
      ...opts.fields,
    },
    { headers: account.headers },
  );
  return { campaign, release };
}

/** A global-policy campaign through the API, releasing an hour from now unless said otherwise. */
export async function createCampaign(
  stack: { api: { url: string } },
  account: { headers: Record<string, string>; artistId: string },
  title: string,
  opts: { upc?: string; secondsAhead?: number } = {},
): Promise<{ id: string; slug: string; landingUrl: string }> {
  const { campaign } = await postCampaign(stack, account, title, opts);
  if (campaign.status !== 201) throw new Error(`campaign not created: ${JSON.stringify(campaign.data)}`);
  return campaign.data;
}

/** A fresh UPC of an album already live on Spotify: only the campaign's release instant gates delivery. */
export function liveAlbumUpc(stack: { spotify: { state: SpotifySimState } }): string {
  const upc = nextUpc();
  addRelease(stack, upc, Date.now() - 1_000);
  return upc;
}

/**
 * A new account whose campaign releases an album already live on Spotify, so only the release instant gates
 * delivery. The album (`created`), and `postCampaign`'s response and release instant.
 */
export async function accountWithLiveAlbumCampaign(
  stack: ReleaseStack,
  title: string,
  opts: { secondsAhead?: number; fields?: Record<string, unknown> } = {},
) {
  const account = await artistAccount(stack);
  const upc = nextUpc();
  const created = addRelease(stack, upc, Date.now() - 1_000);
  const { campaign, release } = await postCampaign(stack, account, title, { ...opts, upc });
  return { ...account, upc, created, campaign, release };
}

/** `GET /v1/campaigns/:id` as its owner sees it. */
export function campaignView(stack: { api: { url: string } }, id: string, headers: Record<string, string>) {
  return http.get(`${stack.api.url}/v1/campaigns/${id}`, { headers });
}

/** Polls the campaign's view until `done` holds for it; the last response. */
export function waitForCampaign(
  stack: { api: { url: string } },
  id: string,
  headers: Record<string, string>,
  what: string,
  done: (view: Awaited<ReturnType<typeof campaignView>>) => boolean,
  timeoutMs?: number,
) {
  return waitFor(what, () => campaignView(stack, id, headers), done, timeoutMs);
}

/** The simulator's successful library saves for one fan, in order. */
export function savesOf(stack: { spotify: { state: SpotifySimState } }, user: string) {
  return stack.spotify.state
    .calls()
    .filter((c) => c.userId === user && c.method === 'PUT' && c.path === '/v1/me/library' && c.status === 200);
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) {
      const shown = (last as { data?: unknown })?.data ?? last;
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(shown)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
    last = await probe();
  }
  return last;
}

/** Today's date and a time `secondsAhead` from now, in UTC, for a release that many seconds away. */
export function releaseInSeconds(
  secondsAhead: number,
  zone = 'UTC',
): { releaseDate: string; releaseTime: string; at: number } {
  const at = Math.ceil((Date.now() + secondsAhead * 1000) / 1000) * 1000;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return {
    releaseDate: `${get('year')}-${get('month')}-${get('day')}`,
    releaseTime: `${get('hour')}:${get('minute')}:${get('second')}`,
    at,
  };
}

/**
 * The owner of `email` opening the subscription's confirmation e-mail (the double opt-in) and confirming: the
 * latest confirmation link queued for that address, read from the outbox as the inbox would receive it. Returns
 * the confirmation's answer (the page that carries the unsubscribe link).
 */
export async function confirmSubscription(stack: ReleaseStack, email: string, headers: Record<string, string> = {}) {
  const queued = await stack.db.pool.any(sql.type(
    z.object({ id: z.string(), enc: z.string().nullable(), token: z.string() }),
  )`
    SELECT s.id, s.email_enc AS enc, o.data->>'token' AS token
    FROM outbox_emails o JOIN subscribers s ON s.id = o.subscriber_id
    WHERE o.template = 'subscription_confirm' ORDER BY o.created_at DESC`);
  const mine = queued.find((r) => r.enc && stack.keyRing.decrypt(r.enc, `subscribers:${r.id}:email`) === email);
  if (!mine) throw new Error(`no confirmation e-mail for ${email}`);
  // The confirmation page's form, as the browser posts it.
  return http.post(`${stack.api.url}/s/${mine.token}`, '', {
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}
