// Fan contact details: the subscribe form of a smart link (explicit consent, stored encrypted), the unsubscribe
// link, and the artist's CSV export of consented subscribers, streamed page by page.
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { findCampaign, findCampaignById, findCampaignBySlug, isKnownTimeZone } from '../../db/campaigns';
import { fanExists } from '../../db/fans';
import {
  confirmSubscriber,
  confirmSubscriberPhone,
  requestReminder,
  subscribersPage,
  unsubscribe,
  upsertSubscriber,
} from '../../db/subscribers';
import { isPlatform } from '../../lib/platforms/catalog';
import { platformChoiceCookie } from '../pages/platform-links';
import { queueEmail } from '../../db/outbox';
import { createLookupHasher, lookupHashSecret } from '../../lib/crypto/lookup-hash';
import { unsubscribeLink } from '../../lib/crypto/unsubscribe-link';
import { requireSameOrigin } from '../http/same-origin';
import { phoneConfirmationOf, textPhoneConfirmation } from '../phone-confirmation';
import { SignedValueError, type SigningKeys, signingKeys } from '../../lib/crypto/signed-value';
import { auth } from '../auth';
import { createConversionTracking } from '../conversions';
import { csvCell } from '../csv';
import { type AppDeps } from '../deps';
import { insertEvent } from '../../db/events';
import { type Tracking } from '../tracking';
import { notFound } from '../errors';
import { requirePlanFeature } from '../plan-gate';
import { type FanPage, html, page } from '../pages/layout';
import { messagePage, releaseNotFoundPage } from '../pages/smart-link';
import { type Messages, messagesFor } from '../../lib/i18n';
import { fanLanguage, withLanguage } from '../http/fan-language';
import { uuidParam, subscribeForm } from '../schemas';
import { FAN_COOKIE, parseCookie } from '../http/cookies';
import { consentWording } from '../pages/consent';
import { sendPage } from '../pages/send-page';
import { parseParams, formBody } from '../validation';

const CONFIRM_LINK_TTL_MS = 7 * 24 * 3600_000;

export function subscriberRoutes(deps: AppDeps, tracking: Tracking): Router {
  const { pool, keyRing, config } = deps;
  const router = Router();
  const conversions = createConversionTracking(deps);
  const hash = createLookupHasher(lookupHashSecret(config));
  const form = formBody({ limit: '8kb' });
  const knownFan = async (fanId: string | null) =>
    fanId && z.string().uuid().safeParse(fanId).success && (await fanExists(pool, fanId)) ? fanId : null;

  router.post('/l/:slug/subscribe', requireSameOrigin(config.PUBLIC_URL), form, async (req, res) => {
    const campaign = await findCampaignBySlug(pool, String(req.params.slug));
    const language = fanLanguage(req);
    if (!campaign || campaign.status === 'cancelled')
      return sendPage(res, 404, releaseNotFoundPage({ language, path: '/privacy/delete' }));
    // The answers are pages of their own (a POST's): the switch leads back to the release's page.
    const fan: FanPage = { language, path: `/l/${campaign.slug}` };
    const t = messagesFor(language.lang).subscription;
    const parsed = subscribeForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      const why = [...new Set(parsed.error.issues.map((i) => formProblem(t, String(i.path[0]))))].join(' ');
      return sendPage(res, 400, messagePage(t.notSubscribed, `${why} ${t.nothingSaved}`, fan));
    }
    // The browser that pre-saved carries the fan's id: linking it lets a consent-expiry nudge reach this fan.
    const fanId = await knownFan(parseCookie(req.get('cookie'), FAN_COOKIE));
    const { remind, platform, tz, ...contacts } = parsed.data;
    // The consent as the fan read it: its text, its wording's version and its language, stored as given.
    const consent = consentWording(language.lang, campaign.artistName);
    const outcome = await upsertSubscriber(pool, keyRing, hash, {
      campaignId: campaign.id,
      fanId,
      ...contacts,
      consentText: consent.text,
      consentVersion: consent.version,
      lang: consent.lang,
      signupDimensions: tracking.requestDimensions(req),
    });
    if (remind && outcome.id) {
      // The fan's platform: the one picked in the form, else the one they asked us to remember for this artist.
      const remembered = parseCookie(req.get('cookie'), platformChoiceCookie(campaign.artistId));
      await requestReminder(pool, outcome.id, {
        platform: platform ?? (remembered && isPlatform(remembered) ? remembered : null),
        timeZone: tz && (await isKnownTimeZone(pool, tz)) ? tz : null,
      });
    }
    if (outcome.status === 'confirm') {
      // Double opt-in: the subscription counts once the address's owner opens this link. One e-mail per
      // subscription and hour, however often the form is posted.
      const token = signingKeys(config).sign(
        'subscription-confirm',
        { c: outcome.id, e: outcome.emailHash, ph: outcome.phoneHash, i: Date.now() },
        CONFIRM_LINK_TTL_MS,
      );
      await queueEmail(pool, {
        subscriberId: outcome.id,
        template: 'subscription_confirm',
        kind: 'transactional',
        data: { token, artistName: campaign.artistName, title: campaign.title },
        dedupeKey: `subscription-confirm:${outcome.id}:${outcome.emailHash}:${outcome.phoneHash ?? ''}:${outcome.round}:${Math.floor(Date.now() / 3_600_000)}`,
      });
    }
    // SMS double opt-in: a reminder by SMS also waits for the phone's owner to open the link texted to it.
    const phoneToConfirm = outcome.status === 'unconfirmable' ? null : outcome.phoneToConfirm;
    const texted =
      remind && phoneToConfirm && outcome.id && deps.providers.twilio
        ? await textPhoneConfirmation(deps, {
            subscriberId: outcome.id,
            phoneHash: phoneToConfirm,
            campaign,
            ip: req.ip ?? '',
          })
        : null;
    // A sign-up counts once confirmed (POST /s/:token): its EMAIL_SIGNUP event and ad conversions wait till then.
    if (outcome.status === 'confirm')
      await conversions.signupPosted(req, campaign, {
        id: outcome.id,
        email: parsed.data.email,
        phone: parsed.data.phone,
      });
    // The same answer whether or not the address was subscribed already, so the form tells nobody who is.
    const artist = { artist: campaign.artistName };
    sendPage(
      res,
      200,
      page(
        t.checkInbox,
        parsed.data.email
          ? html`<h1>${t.checkInbox}</h1>
              <p>${t.checkInboxBody(artist)}</p>
              ${
                texted === 'queued'
                  ? html`<p>${t.smsTexted}</p>`
                  : texted === 'limited'
                    ? html`<p>${t.smsNotNow}</p>`
                    : html``
              }`
          : html`<h1>${t.almostThere}</h1>
              <p>${t.almostThereBody(artist)}</p>`,
        fan,
      ),
    );
  });

  // The confirmation link of the double opt-in. GET only asks (mail scanners follow links); POST confirms.
  router.get('/s/:token', (req, res) => {
    const fan = fanPage(req, `/s/${req.params.token}`);
    const t = messagesFor(fan.language.lang).subscription;
    if (!confirmationOf(String(req.params.token), signingKeys(config))) return invalidLink(res, 'confirmation', fan);
    sendPage(
      res,
      200,
      page(
        t.confirmTitle,
        html`<h1>${t.confirmQuestion}</h1>
          <form method="post" action="${withLanguage(`/s/${req.params.token}`, fan.language)}">
            <button class="button" type="submit">${t.confirmButton}</button>
          </form>`,
        fan,
      ),
    );
  });

  // Same origin: it is the page's own form (unlike /u/, which mail clients post one-click from elsewhere).
  router.post('/s/:token', requireSameOrigin(config.PUBLIC_URL), async (req, res) => {
    const fan = fanPage(req, `/s/${req.params.token}`);
    const t = messagesFor(fan.language.lang).subscription;
    const link = confirmationOf(String(req.params.token), signingKeys(config));
    if (!link) return invalidLink(res, 'confirmation', fan);
    // The sign-up happens now: its event (once per subscription, with the form post's dimensions) and what the ad
    // platforms were held back from, in the confirmation's transaction.
    const adMeasurement = await pool.transaction(async (tx) => {
      const confirmed = await confirmSubscriber(tx, link);
      if (!confirmed) return null;
      await insertEvent(tx, {
        campaignId: confirmed.campaignId,
        fanId: confirmed.fanId,
        type: 'EMAIL_SIGNUP',
        dedupeKey: `EMAIL_SIGNUP:${link.id}`,
        ...confirmed.signupDimensions,
      });
      const campaign = await findCampaignById(tx, confirmed.campaignId);
      return campaign ? conversions.subscriptionConfirmed(tx, req, res, campaign, link.id) : html``;
    });
    if (!adMeasurement) return invalidLink(res, 'confirmation', fan);
    sendPage(
      res,
      200,
      page(
        t.subscribedTitle,
        html`<h1>${t.subscribedHeading}</h1>
          <p>${t.subscribedBody}</p>
          <p class="note"><a href="${withLanguage(unsubscribeLink(config, link.id), fan.language)}">${t.unsubscribeNow}</a></p>
          ${adMeasurement}`,
        fan,
      ),
    );
  });

  // The link texted to a phone (SMS double opt-in). GET only asks (link previews follow links); POST confirms.
  router.get('/p/:token', (req, res) => {
    const fan = fanPage(req, `/p/${req.params.token}`);
    const t = messagesFor(fan.language.lang).subscription;
    if (!phoneConfirmationOf(String(req.params.token), signingKeys(config)))
      return invalidLink(res, 'confirmation', fan);
    sendPage(
      res,
      200,
      page(
        t.phoneConfirmTitle,
        html`<h1>${t.phoneConfirmQuestion}</h1>
          <form method="post" action="${withLanguage(`/p/${req.params.token}`, fan.language)}">
            <button class="button" type="submit">${t.phoneConfirmButton}</button>
          </form>`,
        fan,
      ),
    );
  });

  router.post('/p/:token', requireSameOrigin(config.PUBLIC_URL), async (req, res) => {
    const fan = fanPage(req, `/p/${req.params.token}`);
    const t = messagesFor(fan.language.lang).subscription;
    const link = phoneConfirmationOf(String(req.params.token), signingKeys(config));
    if (!link || !(await confirmSubscriberPhone(pool, link))) return invalidLink(res, 'confirmation', fan);
    sendPage(res, 200, messagePage(t.phoneConfirmedTitle, t.phoneConfirmedBody, fan));
  });

  // GET only asks (mail scanners follow links); POST unsubscribes.
  router.get('/u/:token', (req, res) => {
    const fan = fanPage(req, `/u/${req.params.token}`);
    const t = messagesFor(fan.language.lang).subscription;
    if (!subscriberOf(String(req.params.token), signingKeys(config))) return invalidLink(res, 'unsubscribe', fan);
    sendPage(
      res,
      200,
      page(
        t.unsubscribeTitle,
        html`<h1>${t.unsubscribeQuestion}</h1>
<form method="post" action="${withLanguage(`/u/${req.params.token}`, fan.language)}"><button class="button" type="submit">${t.unsubscribeButton}</button></form>`,
        fan,
      ),
    );
  });

  router.post('/u/:token', async (req, res) => {
    const fan = fanPage(req, `/u/${req.params.token}`);
    const t = messagesFor(fan.language.lang).subscription;
    const subscriberId = subscriberOf(String(req.params.token), signingKeys(config));
    if (!subscriberId || !(await unsubscribe(pool, subscriberId))) return invalidLink(res, 'unsubscribe', fan);
    sendPage(res, 200, messagePage(t.unsubscribedTitle, t.unsubscribedBody, fan));
  });

  return router;
}

/** The artist's export; mounted behind the API-key check with the other /v1 routes. */
export function subscriberExportRoutes(deps: AppDeps): Router {
  const { pool, keyRing } = deps;
  const router = Router();
  router.get('/v1/campaigns/:id/fans.csv', requirePlanFeature(deps, 'fanExport'), async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    if (!(await findCampaign(pool, auth(res).accountId, id))) throw notFound('campaign');
    res.status(200).type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="fans-${id}.csv"`);
    // Page by page (keyset cursor), each page written only once the client has taken the previous one
    // (backpressure), and no page read once the client has gone.
    let gone = false;
    res.on('close', () => {
      gone = true;
    });
    const drained = () =>
      new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    const PAGE = 500;
    let after: { consentedAtKey: string; id: string } | undefined;
    let chunk = 'email,phone,consented_at\r\n';
    for (;;) {
      if (!res.write(chunk) && !gone) await drained();
      if (gone) return;
      const rows = await subscribersPage(pool, keyRing, { campaignId: id, after, limit: PAGE });
      if (gone) return;
      chunk = rows.map((row) => `${csvCell(row.email)},${csvCell(row.phone)},${row.consentedAt}\r\n`).join('');
      if (rows.length < PAGE) break;
      after = { consentedAtKey: rows.at(-1)!.consentedAtKey, id: rows.at(-1)!.id };
    }
    res.end(chunk);
  });

  return router;
}

function subscriberOf(token: string, keys: SigningKeys): string | null {
  try {
    // Links sent before the signing key ring (two-part, no purpose) still unsubscribe: their payload is { s }.
    const { payload } = keys.verify<{ s: string }>('unsubscribe', token, { legacy: true });
    return z.string().uuid().safeParse(payload.s).success ? payload.s : null;
  } catch (error) {
    if (error instanceof SignedValueError) return null;
    throw error;
  }
}

/** A confirmation link's subscription and the contacts it was issued for (null: not one of ours, or expired). */
function confirmationOf(
  token: string,
  keys: SigningKeys,
): { id: string; emailHash: string; phoneHash: string | null; issuedAt: number } | null {
  try {
    const { payload } = keys.verify<Record<string, unknown>>('subscription-confirm', token);
    const parsed = z
      .object({ c: z.string().uuid(), e: z.string().min(1), ph: z.string().min(1).nullable(), i: z.number().int() })
      .strict()
      .safeParse(payload);
    return parsed.success
      ? { id: parsed.data.c, emailHash: parsed.data.e, phoneHash: parsed.data.ph, issuedAt: parsed.data.i }
      : null;
  } catch (error) {
    if (error instanceof SignedValueError) return null;
    throw error;
  }
}

/** A fan's page in their language; `path` is where its language switch links (a GET of the same page). */
const fanPage = (req: Request, path: string): FanPage => ({ language: fanLanguage(req), path });

const invalidLink = (res: Response, kind: 'unsubscribe' | 'confirmation', fan: FanPage) => {
  const t = messagesFor(fan.language.lang).subscription;
  const why = kind === 'unsubscribe' ? t.unsubscribeLinkNotValid : t.confirmationLinkNotValid;
  return sendPage(res, 400, messagePage(t.linkNotValid, why, fan));
};

/** What is wrong with the subscribe form, in the fan's language, by the field at fault. */
function formProblem(t: Messages['subscription'], field: string): string {
  if (field === 'email') return t.badEmail;
  if (field === 'phone') return t.badPhone;
  if (field === 'consent') return t.noConsent;
  return t.badForm;
}
