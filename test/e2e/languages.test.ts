// The fan's language (issue 16): the smart link in each of the six languages, chosen by Accept-Language and by the
// page's switch, with the consent text in that language; the shared page cache keyed by language (ETag per
// language, Vary: Accept-Language); the switch remembered in a cookie only with the fan's consent to cookies; the
// subscription keeping the fan's language and consent version, and the release-day e-mail and SMS written in it
// with the release in the fan's own zone; a Japanese page in Chromium, scanned with axe-core.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { type Page } from 'playwright-core';
import { z } from 'zod';
import { sql } from '../../db/pool';
import { formatInstant, LANGUAGES, type Lang, messagesFor } from '../../lib/i18n';
import { SANDBOX_TWILIO, startTwilioSimulator } from '../../simulators/twilio';
import { outboxDeliveryWorkflow } from '../../workflows/mail';
import { useChromium } from '../helpers/chromium';
import { mailTo } from '../helpers/mailbox';
import { confirmationTextsTo, confirmPhone, textsTo } from '../helpers/sms';
import { usePerFile } from '../helpers/per-file';
import {
  accountWithLiveAlbumCampaign,
  artistAccount,
  confirmSubscription,
  createCampaign,
  http,
  useReleaseStack,
  waitForCampaign,
} from '../helpers/release-stack';

const twilio = usePerFile(
  'the Twilio simulator',
  () => startTwilioSimulator({ ...SANDBOX_TWILIO, maxPerSecond: 50 }),
  (sim) => sim.close(),
);
const stack = useReleaseStack(() => ({
  env: {
    TWILIO_API_URL: twilio.url,
    TWILIO_ACCOUNT_SID: SANDBOX_TWILIO.accountSid,
    TWILIO_AUTH_TOKEN: SANDBOX_TWILIO.authToken,
    TWILIO_FROM: '+15005550006',
  },
}));
const browser = useChromium();
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** What a browser of each language sends (a region, and English as its second choice). */
const ACCEPT: Record<Lang, string> = {
  en: 'en-US,en;q=0.9',
  es: 'es-MX,es;q=0.9,en;q=0.5',
  pt: 'pt-BR,pt;q=0.9,en;q=0.5',
  fr: 'fr-CH, fr;q=0.9, en;q=0.8',
  de: 'de-AT,de;q=0.9,en;q=0.5',
  ja: 'ja-JP,ja;q=0.9,en-US;q=0.5',
};

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const asHtml = (s: string) => s.replace(/[&<>"']/g, (c) => escapes[c]);
const pageLang = (body: string) => /<html lang="([a-z]+)">/.exec(body)?.[1];
const consentIn = (lang: Lang) => asHtml(messagesFor(lang).consent.subscribe({ artist: 'Luna Vey' }));

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const runOutbox = () =>
  stack.temporal.client.workflow.execute(outboxDeliveryWorkflow, {
    workflowId: `outbox-${randomBytes(6).toString('hex')}`,
    taskQueue: stack.temporal.taskQueue,
  });

describe("the fan's language", () => {
  it('serves the smart link in each language by Accept-Language, consent included, cached apart per language', async () => {
    const account = await artistAccount(stack);
    const { slug } = await createCampaign(stack, account, 'Six Tongues');
    const etags = new Map<Lang, string>();
    // Twice round: the second answers come from the cache, and must still be each language's own.
    for (const round of [1, 2]) {
      for (const lang of LANGUAGES) {
        const res = await http.get(`${stack.api.url}/l/${slug}`, { headers: { 'accept-language': ACCEPT[lang] } });
        const body = String(res.data);
        expect([round, lang, res.status, pageLang(body)]).toEqual([round, lang, 200, lang]);
        expect(body).toContain(consentIn(lang));
        expect(body).toContain(asHtml(messagesFor(lang).smartLink.presaveOnSpotify));
        expect(body).toContain(asHtml(messagesFor(lang).reminders.remindMe));
        expect(String(res.headers.vary)).toMatch(/Accept-Language/i);
        expect(String(res.headers['cache-control'])).toMatch(/^public/);
        if (round === 1) etags.set(lang, String(res.headers.etag));
        else expect([lang, res.headers.etag]).toEqual([lang, etags.get(lang)]);
      }
    }
    expect(new Set(etags.values()).size).toBe(LANGUAGES.length);
    // A revalidation is answered 304 only for the same language's copy: a CDN keyed by Accept-Language stays right.
    const ask = (lang: Lang, etag: string) =>
      http.get(`${stack.api.url}/l/${slug}`, {
        headers: { 'accept-language': ACCEPT[lang], 'if-none-match': etag },
      });
    expect((await ask('ja', etags.get('ja')!)).status).toBe(304);
    const other = await ask('de', etags.get('ja')!);
    expect([other.status, pageLang(String(other.data))]).toEqual([200, 'de']);
    // No header, or only languages we do not speak: English.
    expect(pageLang(String((await http.get(`${stack.api.url}/l/${slug}`)).data))).toBe('en');
    const nl = await http.get(`${stack.api.url}/l/${slug}`, { headers: { 'accept-language': 'nl-NL,sv;q=0.5' } });
    expect(pageLang(String(nl.data))).toBe('en');
  });

  it('switches language by the page’s links, carries it on, and remembers it only with consent to cookies', async () => {
    const account = await artistAccount(stack);
    const { slug } = await createCampaign(stack, account, 'Switch Me');
    const english = String((await http.get(`${stack.api.url}/l/${slug}`)).data);
    for (const lang of LANGUAGES) {
      const href = new RegExp(`<a href="([^"]+)" lang="${lang}" hreflang="${lang}"`).exec(english)?.[1];
      expect([lang, href]).toEqual([lang, `/l/${slug}?lang=${lang}`]);
      const res = await http.get(`${stack.api.url}${href!.replace(/&amp;/g, '&')}`, {
        headers: { 'accept-language': ACCEPT.en },
      });
      const body = String(res.data);
      expect([lang, pageLang(body)]).toEqual([lang, lang]);
      expect(body).toContain(consentIn(lang));
      expect(body).toContain(`aria-current="page">${asHtml(messagesFor(lang).languageName)}</a>`);
      // The page's own links keep the language: the pre-save, the subscribe forms, the deletion page.
      expect(body).toContain(`href="/l/${slug}/presave/spotify?lang=${lang}"`);
      expect(body).toContain(`action="/l/${slug}/subscribe?lang=${lang}"`);
      expect(body).toContain(`href="/privacy/delete?lang=${lang}"`);
      // Without the fan's consent to cookies the choice lives in the URL only.
      expect([lang, res.headers['set-cookie']]).toEqual([lang, undefined]);
    }

    // With consent (the fan asked to remember their platform for this artist): remembered, and the answer private.
    const choice = `dd_platform_${account.artistId.replace(/-/g, '')}=deezer`;
    const switched = await http.get(`${stack.api.url}/l/${slug}?lang=fr`, { headers: { cookie: choice } });
    expect(String(switched.headers['set-cookie'])).toMatch(/^dd_lang=fr; .*SameSite=Lax/);
    expect(String(switched.headers['cache-control'])).toMatch(/^private/);
    const back = await http.get(`${stack.api.url}/l/${slug}`, {
      headers: { cookie: `${choice}; dd_lang=fr`, 'accept-language': ACCEPT.de },
    });
    expect(pageLang(String(back.data))).toBe('fr');
    expect(String(back.headers['cache-control'])).toMatch(/^private/);

    // The forms' answers and the fan's other pages speak it too.
    const posted = await http.post(
      `${stack.api.url}/l/${slug}/subscribe?lang=de`,
      new URLSearchParams({ email: 'not-an-address' }).toString(),
      { headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    );
    expect([posted.status, pageLang(String(posted.data))]).toEqual([400, 'de']);
    expect(String(posted.data)).toContain(asHtml(messagesFor('de').subscription.badEmail));
    const privacy = await http.get(`${stack.api.url}/privacy/delete`, { headers: { 'accept-language': ACCEPT.pt } });
    expect(pageLang(String(privacy.data))).toBe('pt');
    expect(String(privacy.data)).toContain(asHtml(messagesFor('pt').privacy.deleteIntro));
  });

  it('keeps the fan’s language and consent version, and reminds them in it with the release in their zone', async () => {
    const created = await accountWithLiveAlbumCampaign(stack, 'Recuerdo', { secondsAhead: 10 });
    const { id, slug } = created.campaign.data as { id: string; slug: string };
    const fans = [
      { email: 'tokyo@example.com', phone: '+819012345678', lang: 'ja', zone: 'Asia/Tokyo', query: '?lang=ja' },
      { email: 'cdmx@example.com', phone: '+525512345678', lang: 'es', zone: 'America/Mexico_City', query: '' },
    ] as const;
    for (const fan of fans) {
      const res = await http.post(
        `${stack.api.url}/l/${slug}/subscribe${fan.query}`,
        new URLSearchParams({
          remind: 'yes',
          consent: 'yes',
          email: fan.email,
          phone: fan.phone,
          tz: fan.zone,
        }).toString(),
        // the Japanese fan chose by the switch (an English browser); the Spanish one by their browser
        {
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'accept-language': fan.query ? ACCEPT.en : ACCEPT.es,
          },
        },
      );
      expect([fan.lang, res.status, pageLang(String(res.data))]).toEqual([fan.lang, 200, fan.lang]);
      const stored = await stack.db.pool.one(sql.type(
        z.object({ lang: z.string(), consentVersion: z.string(), consentText: z.string() }),
      )`
        SELECT lang, consent_version AS "consentVersion", consent_text AS "consentText" FROM subscribers
        WHERE campaign_id = ${id} AND email_hash IS NOT NULL AND reminder_zone = ${fan.zone}`);
      const consent = messagesFor(fan.lang).consent;
      expect(stored).toEqual({
        lang: fan.lang,
        consentVersion: consent.version,
        consentText: consent.subscribe({ artist: 'Luna Vey' }),
      });
      await runOutbox();
      const [confirm] = await mailTo(stack, fan.email);
      expect(confirm.subject).toBe(messagesFor(fan.lang).mail.confirmSubject({ artist: 'Luna Vey' }));
      expect(confirm.body).toMatch(new RegExp(`/s/[^\\s?]+\\?lang=${fan.lang}`));
      await confirmSubscription(stack, fan.email);
      // The phone's owner confirms too (SMS double opt-in), from a text in the fan's language.
      const [confirmText] = confirmationTextsTo(twilio.state, fan.phone);
      expect(confirmText.body).toContain(
        messagesFor(fan.lang).mail.phoneConfirmSms({ title: 'Recuerdo', artist: 'Luna Vey', link: '' }).split('\n')[0],
      );
      expect((await confirmPhone(stack.api.url, twilio.state, fan.phone)).status).toBe(200);
    }

    await waitForCampaign(stack, id, created.headers, 'the release live', (r) => r.data.resolution === 'live');
    while (Date.now() < created.release.at) await new Promise((r) => setTimeout(r, 200));
    await runOutbox();

    for (const fan of fans) {
      const t = messagesFor(fan.lang).mail;
      const when = formatInstant(fan.lang, created.release.at, fan.zone);
      const mails = (await mailTo(stack, fan.email)).filter(
        (m) => m.subject === t.reminderSubject({ title: 'Recuerdo', artist: 'Luna Vey' }),
      );
      expect([fan.lang, mails.length]).toEqual([fan.lang, 1]);
      expect(mails[0].body).toContain(t.reminderBody({ title: 'Recuerdo', artist: 'Luna Vey', when }));
      expect(mails[0].body).toMatch(
        new RegExp(`${escapeRegExp(t.unsubscribeLine({ link: '' }))}http://\\S+/u/\\S+\\?lang=${fan.lang}`),
      );
      const confirmations = confirmationTextsTo(twilio.state, fan.phone);
      const texts = textsTo(twilio.state, fan.phone).filter((m) => !confirmations.includes(m));
      expect([fan.lang, texts.length]).toEqual([fan.lang, 1]);
      expect(texts[0].body).toContain(`(${when})`);
      expect(texts[0].body).toContain(`\n${t.smsStop}: `);
    }
    // The zones differ: the same instant reads differently for each (Tokyo is 15 hours ahead of Mexico City).
    expect(formatInstant('ja', created.release.at, 'Asia/Tokyo')).not.toBe(
      formatInstant('ja', created.release.at, 'America/Mexico_City'),
    );
  });

  it('shows a Japanese page in Chromium, with the release in the browser’s zone, accessibly (axe-core)', async () => {
    const account = await artistAccount(stack);
    const { slug } = await createCampaign(stack, account, '真夜中の太陽');
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page: Page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${stack.api.url}/l/${slug}`);
    expect(await page.getAttribute('html', 'lang')).toBe('ja');
    expect(await page.textContent('main')).toContain(messagesFor('ja').consent.subscribe({ artist: 'Luna Vey' }));
    // The global release's instant, re-rendered by the page's script in the browser's zone (JST) and language.
    const releaseAt = Date.parse(String(await page.getAttribute('time[data-instant]', 'datetime')));
    expect(await page.textContent('time[data-instant]')).toBe(formatInstant('ja', releaseAt, 'Asia/Tokyo'));
    await page.evaluate(AXE);
    const violations = await page.evaluate(() =>
      (
        window as unknown as {
          axe: { run(): Promise<{ violations: { id: string; impact: string | null; help: string }[] }> };
        }
      ).axe
        .run()
        .then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')),
    );
    expect(violations).toEqual([]);
    // The switch: to German by its link, in the same browser.
    await page.click('nav.languages a[lang="de"]');
    await page.waitForURL(`**/l/${slug}?lang=de`);
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    expect(errors).toEqual([]);
    await context.close();
  });
});
