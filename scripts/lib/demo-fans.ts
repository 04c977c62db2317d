// The demo release's fans, one of each kind dropday reaches, each through the public pages as a person would go:
// a Spotify pre-save (the simulator's consent page), an Apple Music pre-add (a Music-User-Token from the Apple Music
// simulator, as MusicKit would hand the page, posted by the smart link's script), and a reminder fan (the remind-me
// form with an e-mail address and a phone number, confirmed from the sandbox mailbox and the SMS simulator).
import axios from 'axios';

const http = axios.create({ validateStatus: () => true, timeout: 15_000, maxRedirects: 0 });

/** A Spotify user of the simulator pre-saves from the smart link: pre-save link → consent page → our callback. */
export async function spotifyDemoFan(apiUrl: string, slug: string, user: string): Promise<void> {
  const start = await http.get(`${apiUrl}/l/${slug}/presave/spotify?tz=Europe%2FParis`);
  if (start.status !== 302) throw new Error(`Spotify pre-save start answered ${start.status}`);
  const authorizeUrl = String(start.headers.location);
  const consentPage = await http.get<string>(authorizeUrl, { responseType: 'text' });
  const form = new URLSearchParams();
  for (const [, name, value] of consentPage.data.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    form.set(name, value.replace(/&amp;/g, '&').replace(/&quot;/g, '"'));
  form.set('user', user);
  form.set('display_name', user);
  form.set('decision', 'accept');
  const consent = await http.post(`${new URL(authorizeUrl).origin}/authorize`, form.toString(), {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (consent.status !== 302) throw new Error(`Spotify consent answered ${consent.status}`);
  const cookie = (start.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const callback = await http.get(String(consent.headers.location), { headers: { cookie } });
  if (callback.status >= 400) throw new Error(`Spotify callback answered ${callback.status}`);
}

/**
 * An Apple Music subscriber of the simulator pre-adds: the release is pre-release there, so dropday adds it to the
 * fan's library at once and reads it back. Returns whether it read it back, and where the library shows.
 */
export async function appleMusicDemoFan(
  apiUrl: string,
  appleUrl: string,
  slug: string,
  fan: string,
): Promise<{ preAdded: boolean; libraryUrl: string }> {
  await http.post(`${appleUrl}/__control/fans`, { id: fan, name: fan, storefront: 'us' });
  const issued = await http.post(`${appleUrl}/__control/fans/${fan}/user-tokens`, { storefront: 'us' });
  const { musicUserToken } = issued.data as { musicUserToken: string };
  const res = await http.post(
    `${apiUrl}/l/${slug}/presave/apple-music`,
    { musicUserToken, timeZone: 'America/New_York' },
    { headers: { origin: new URL(apiUrl).origin } },
  );
  if (res.status !== 201) throw new Error(`Apple Music pre-add answered ${res.status}: ${JSON.stringify(res.data)}`);
  return { preAdded: Boolean(res.data.preAdded), libraryUrl: `${appleUrl}/__control/fans/${fan}/library` };
}

export interface DemoInbox {
  /** the sandbox mailbox of an address, as its owner reads it */
  mailTo(address: string): Promise<{ subject: string; body: string }[]>;
  /** the outbox delivered now rather than at its next minute */
  deliverOutbox(): Promise<void>;
}

/**
 * A fan asks for a reminder by e-mail and SMS, then confirms both as their owners would: the link in the sandbox
 * mailbox, and the link texted to the phone (the Twilio simulator's sent messages).
 */
export async function reminderDemoFan(
  apiUrl: string,
  twilioUrl: string,
  slug: string,
  fan: { email: string; phone: string; platform: string },
  inbox: DemoInbox,
): Promise<void> {
  const origin = new URL(apiUrl).origin;
  const form = { 'content-type': 'application/x-www-form-urlencoded', origin };
  const asked = await http.post(
    `${apiUrl}/l/${slug}/subscribe`,
    new URLSearchParams({ remind: 'yes', consent: 'yes', tz: 'Europe/Paris', ...fan }).toString(),
    { headers: form },
  );
  if (asked.status !== 200) throw new Error(`the remind-me form answered ${asked.status}`);
  const link = async (what: string, find: () => Promise<string | undefined>) => {
    for (let i = 0; i < 30; i++) {
      await inbox.deliverOutbox();
      const found = await find();
      if (found) return found;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    throw new Error(`no ${what} arrived`);
  };
  const emailLink = await link('confirmation e-mail', async () => {
    const mails = await inbox.mailTo(fan.email);
    return mails.map((m) => /\/s\/[^\s]+/.exec(m.body)?.[0]).find(Boolean);
  });
  const smsLink = await link('confirmation text', async () => {
    const sent = (await http.get(`${twilioUrl}/__control/messages`)).data as { to: string; body: string }[];
    return sent.map((m) => (m.to === fan.phone ? /\/p\/[^\s]+/.exec(m.body)?.[0] : undefined)).find(Boolean);
  });
  for (const path of [emailLink, smsLink]) {
    const confirmed = await http.post(`${apiUrl}${path}`, '', { headers: form });
    if (confirmed.status !== 200) throw new Error(`confirming ${path.slice(0, 3)} answered ${confirmed.status}`);
  }
}
