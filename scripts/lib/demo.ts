// A demo release in sandbox mode: an account, an artist, a release in the Spotify (and Apple Music) simulators'
// catalogues that goes live at the release instant, a campaign for it with its platform links, and one fan of each
// kind dropday reaches (scripts/lib/demo-fans.ts): Spotify pre-save, Apple Music pre-add, reminder by e-mail + SMS.
// Everything goes through the public API and the simulators' control APIs, as a person would do it.
import { randomInt } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import axios from 'axios';
import { Client } from 'pg';
import Stripe from 'stripe';
import { releaseWorkflowId } from '../../lib/starters/release';
import { appleMusicDemoFan, type DemoInbox, reminderDemoFan, spotifyDemoFan } from './demo-fans';
import { SANDBOX_WEBHOOK_SECRET } from './stripe-mock';

const http = axios.create({ validateStatus: () => true, timeout: 10_000 });

function demoUpc(): string {
  const body = `19${String(randomInt(0, 1e9)).padStart(9, '0')}`;
  const sum = body
    .split('')
    .map(Number)
    .reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return body + String((10 - (sum % 10)) % 10);
}

/** The demo account's sign-in to the artist app (sandbox mode only: printed by `npm run dev`). */
export const DEMO_LOGIN = { email: 'demo@example.com', password: 'dropday-demo-login' };

async function demoApiKey(apiUrl: string, dataDir: string, databaseUrl?: string): Promise<string> {
  const file = path.join(dataDir, 'demo-api-key');
  const saved = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (
    saved &&
    (await http.get(`${apiUrl}/v1/artists`, { headers: { authorization: `Bearer ${saved}` } })).status === 200
  )
    return saved;
  const { apiKey, accountId } = await signUpInApp(apiUrl, databaseUrl);
  await writeFile(file, `${apiKey}\n`, { mode: 0o600 });
  await subscribeInSandbox(apiUrl, accountId);
  return apiKey;
}

/**
 * The demo account made as a person makes one: sign up in the artist app with the demo login, then create an API key
 * on its settings page (the demo's scripts use the key).
 */
async function signUpInApp(apiUrl: string, databaseUrl?: string): Promise<{ apiKey: string; accountId: string }> {
  const cookies = new Map<string, string>();
  const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: { headers: Record<string, unknown> }) => {
    for (const line of (res.headers['set-cookie'] as string[] | undefined) ?? []) {
      const [name, ...value] = line.split(';')[0]!.split('=');
      cookies.set(name!, value.join('='));
    }
  };
  const form = async (page: string, action: string, fields: Record<string, string>) => {
    const opened = await http.get<string>(`${apiUrl}${page}`, { headers: { cookie: cookie() }, responseType: 'text' });
    keep(opened);
    const csrf = /name="csrf" value="([^"]+)"/.exec(opened.data)?.[1] ?? '';
    const res = await http.post<string>(`${apiUrl}${action}`, new URLSearchParams({ csrf, ...fields }).toString(), {
      headers: {
        cookie: cookie(),
        origin: new URL(apiUrl).origin,
        'content-type': 'application/x-www-form-urlencoded',
      },
      responseType: 'text',
      maxRedirects: 0,
    });
    keep(res);
    return res;
  };
  // Signed up before (a restart): the demo login signs in. Otherwise sign up, then verify the address from the link
  // the sign-up queued, as the owner would from their mailbox (sandbox mode: read from the outbox).
  if ((await form('/app', '/app/sign-in', DEMO_LOGIN)).status !== 303) {
    const signUp = await form('/app/sign-up', '/app/sign-up', { name: 'Demo Label', ...DEMO_LOGIN });
    if (signUp.status !== 303) throw new Error(`could not sign up with the demo login (${signUp.status})`);
    if (!databaseUrl) throw new Error('the demo account needs verifying: run npm run dev first');
    const link = `/account/verify/${await queuedVerificationToken(databaseUrl, DEMO_LOGIN.email)}`;
    const signIn = await form(link, '/app/sign-in', { ...DEMO_LOGIN, next: link });
    const verified = signIn.status === 303 ? await form(link, link, {}) : signIn;
    if (verified.status !== 200) throw new Error(`could not verify the demo login (${verified.status})`);
  }
  const created = await form('/app/settings', '/app/keys', { name: 'demo scripts' });
  const apiKey = /id="new-key">([^<]+)</.exec(created.data)?.[1];
  if (!apiKey) throw new Error(`could not create the demo API key (${created.status})`);
  const me = await http.get(`${apiUrl}/v1/accounts/me`, { headers: { authorization: `Bearer ${apiKey}` } });
  return { apiKey, accountId: me.data.account.id as string };
}

/** The token of the verification link queued for the account signed up with `email` (made just after sign-up). */
async function queuedVerificationToken(databaseUrl: string, email: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (let tries = 0; tries < 100; tries++) {
      const { rows } = await client.query<{ token: string }>(
        `SELECT o.data->>'token' AS token FROM outbox_emails o JOIN accounts a ON a.id = o.account_id
         WHERE o.template = 'email_verification' AND lower(a.email) = lower($1) ORDER BY o.created_at DESC LIMIT 1`,
        [email],
      );
      if (rows[0]?.token) return rows[0].token;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('no verification e-mail was queued for the demo login');
  } finally {
    await client.end();
  }
}

/**
 * In sandbox mode the demo account gets the Label plan (so `npm run demo` can schedule many releases): the signed
 * webhook Stripe would send after a checkout, made here as stripe-mock sends none. Against real Stripe the
 * signature does not verify and the account stays on Free.
 */
async function subscribeInSandbox(apiUrl: string, accountId: string): Promise<void> {
  const payload = JSON.stringify({
    id: `evt_demo_${randomInt(0, 1e9)}`,
    object: 'event',
    type: 'customer.subscription.created',
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: `sub_demo_${accountId.slice(0, 8)}`,
        object: 'subscription',
        customer: `cus_demo_${accountId.slice(0, 8)}`,
        status: 'active',
        metadata: { tier: 'label', accountId },
      },
    },
  });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: SANDBOX_WEBHOOK_SECRET });
  await http.post(`${apiUrl}/webhooks/stripe`, payload, {
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
  });
}

/** The demo's fans (sandbox names: the simulators' users, a reserved e-mail domain, a Twilio test number). */
export const DEMO_FANS = {
  spotify: 'demo-fan-spotify',
  appleMusic: 'demo-fan-apple',
  reminder: { email: 'demo-fan@example.com', phone: '+15005550100', platform: 'deezer' },
};

export async function seedDemoCampaign(opts: {
  apiUrl: string;
  simulatorUrl: string;
  /** the Apple Music simulator: the release is there too, with an Apple Music fan who pre-adds it */
  appleMusicUrl?: string;
  /** the Twilio simulator and the sandbox mailbox: a reminder fan confirms by e-mail and SMS */
  reminders?: { twilioUrl: string; inbox: DemoInbox };
  /** unset when there is no Web UI (cluster mode): the demo then shows the CLI command instead */
  temporalUiUrl?: string;
  temporalAddress?: string;
  dataDir: string;
  inSeconds: number;
  /** the stack's database, where the demo login's verification link is read on first start (sandbox mode) */
  databaseUrl?: string;
}) {
  const apiKey = await demoApiKey(opts.apiUrl, opts.dataDir, opts.databaseUrl);
  const headers = { authorization: `Bearer ${apiKey}` };
  const releaseAt = new Date(Math.ceil((Date.now() + opts.inSeconds * 1000) / 1000) * 1000);
  const upc = demoUpc();
  const release = await http.post(`${opts.simulatorUrl}/__control/releases`, {
    artist: { name: 'Luna Vey' },
    album: {
      name: 'Midnight Sun',
      upc,
      tracks: [{ name: 'Midnight Sun', isrc: `QZDA${String(randomInt(0, 1e8)).padStart(8, '0')}` }],
    },
    liveAt: releaseAt.toISOString(),
  });
  if (release.status >= 300)
    throw new Error(`the Spotify simulator refused the demo release: ${JSON.stringify(release.data)}`);
  const artist = await http.post(
    `${opts.apiUrl}/v1/artists`,
    { name: 'Luna Vey', spotifyArtistId: release.data.artist.id },
    { headers },
  );
  const iso = releaseAt.toISOString();
  const campaign = await http.post(
    `${opts.apiUrl}/v1/campaigns`,
    {
      artistId: artist.data.id,
      title: 'Midnight Sun',
      upc,
      releaseDate: iso.slice(0, 10),
      releaseTime: iso.slice(11, 19),
      releasePolicy: 'global',
      timeZone: 'UTC',
      platforms: opts.appleMusicUrl ? ['spotify', 'apple_music'] : ['spotify'],
    },
    { headers },
  );
  if (campaign.status !== 201) throw new Error(`could not create the demo campaign: ${JSON.stringify(campaign.data)}`);
  const { id, slug } = campaign.data as { id: string; slug: string };
  // Every platform on the smart link: Spotify and Apple Music filled by dropday, two more the artist pasted.
  const links = await http.put(
    `${opts.apiUrl}/v1/campaigns/${id}/links`,
    {
      links: [
        { platform: 'spotify', url: 'auto' },
        ...(opts.appleMusicUrl ? [{ platform: 'apple_music', url: 'auto' }] : []),
        { platform: 'deezer', url: 'https://www.deezer.com/album/302127' },
        { platform: 'youtube_music', url: 'https://music.youtube.com/playlist?list=OLAK5uy_demo' },
      ],
    },
    { headers },
  );
  if (links.status !== 200) throw new Error(`could not set the demo links: ${JSON.stringify(links.data)}`);

  await spotifyDemoFan(opts.apiUrl, slug, DEMO_FANS.spotify);
  let apple: Awaited<ReturnType<typeof appleMusicDemoFan>> | null = null;
  if (opts.appleMusicUrl) {
    // Out at the release instant on Apple Music too: until then a pre-release album, pre-added at consent.
    const album = await http.post(`${opts.appleMusicUrl}/__control/albums`, {
      storefront: 'us',
      upc,
      name: 'Midnight Sun',
      artistName: 'Luna Vey',
      liveAt: iso,
    });
    if (album.status !== 201)
      throw new Error(`the Apple Music simulator refused the album: ${JSON.stringify(album.data)}`);
    apple = await appleMusicDemoFan(opts.apiUrl, opts.appleMusicUrl, slug, DEMO_FANS.appleMusic);
  }
  if (opts.reminders)
    await reminderDemoFan(opts.apiUrl, opts.reminders.twilioUrl, slug, DEMO_FANS.reminder, opts.reminders.inbox);
  return {
    campaignId: campaign.data.id as string,
    landingUrl: campaign.data.landingUrl as string,
    releaseAt: iso,
    workflowUrl: opts.temporalUiUrl
      ? `${opts.temporalUiUrl}/namespaces/default/workflows/${encodeURIComponent(releaseWorkflowId(campaign.data.id))}`
      : `temporal workflow show --address ${opts.temporalAddress} --workflow-id ${releaseWorkflowId(campaign.data.id)} ` +
        `--codec-endpoint ${opts.apiUrl}/codec --codec-auth "Bearer $(cat ${path.join(opts.dataDir, 'ops-api-key')})"`,
    apiKeyFile: path.join(opts.dataDir, 'demo-api-key'),
    progressUrl: `${opts.apiUrl}/v1/campaigns/${campaign.data.id}`,
    appUrl: `${opts.apiUrl}/app/campaigns/${campaign.data.id}`,
    libraryUrl: `${opts.simulatorUrl}/__control/library/${DEMO_FANS.spotify}`,
    appleLibraryUrl: apple?.libraryUrl ?? null,
    applePreAdded: apple?.preAdded ?? null,
    smsOutboxUrl: opts.reminders ? `${opts.reminders.twilioUrl}/__control/messages` : null,
    fans: {
      spotify: 1,
      appleMusic: apple ? 1 : 0,
      reminders: opts.reminders ? 1 : 0,
    },
  };
}

export function describeDemo(demo: Awaited<ReturnType<typeof seedDemoCampaign>>): string {
  return `
  Demo release "Midnight Sun" goes live at ${demo.releaseAt}
    0. the artist app           ${demo.appUrl}   demo login: ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}
    1. open the smart link      ${demo.landingUrl}
    2. press "Pre-save on Spotify" and agree on the sandbox consent page (note the user id you type, or leave it empty)
    3. watch the release workflow ${demo.workflowUrl}
    4. progress from the API     curl -s -H "authorization: Bearer $(cat ${demo.apiKeyFile})" ${demo.progressUrl}
    5. after the release, the fan's library in the simulator: ${demo.libraryUrl}
  Demo fans: ${demo.fans.spotify} Spotify, ${demo.fans.appleMusic} Apple Music, ${demo.fans.reminders} reminder (e-mail + SMS)
    Spotify fan "${DEMO_FANS.spotify}"  saved at the release: ${demo.libraryUrl}
${
  demo.appleLibraryUrl
    ? `    Apple Music fan "${DEMO_FANS.appleMusic}"  pre-added and read back now (${demo.applePreAdded ? 'in the library' : 'not read back yet'}): ${demo.appleLibraryUrl}
`
    : ''
}${
    demo.smsOutboxUrl
      ? `    reminder fan ${DEMO_FANS.reminder.email} / ${DEMO_FANS.reminder.phone}  after the release: its e-mail (sandbox mailbox) printed here, its SMS in ${demo.smsOutboxUrl}
`
      : ''
  }`;
}

/**
 * Once the demo release is out, prints the reminder fan's e-mail from the sandbox mailbox and their SMS from the
 * Twilio simulator (the outbox Schedule sends them within a minute of the release). Gives up after ten minutes.
 */
export async function printDemoReminder(
  demo: Awaited<ReturnType<typeof seedDemoCampaign>>,
  inbox: DemoInbox,
  log: (m: string) => void,
): Promise<void> {
  if (!demo.smsOutboxUrl) return;
  const giveUpAt = Date.parse(demo.releaseAt) + 10 * 60_000;
  await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(demo.releaseAt) - Date.now())));
  while (Date.now() < giveUpAt) {
    const mail = (await inbox.mailTo(DEMO_FANS.reminder.email)).find((m) => m.subject.includes(' is out'));
    if (mail) {
      const sms = ((await http.get(demo.smsOutboxUrl)).data as { to: string; body: string }[]).filter(
        (m) => m.to === DEMO_FANS.reminder.phone && m.body.includes(' is out'),
      );
      log(`demo reminder e-mail to ${DEMO_FANS.reminder.email}: ${mail.subject}\n${mail.body}`);
      log(`demo reminder SMS to ${DEMO_FANS.reminder.phone}: ${sms.at(-1)?.body ?? '(none yet)'}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 10_000));
  }
  log('the demo reminder was not sent within ten minutes of the release');
}
