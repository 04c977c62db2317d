// Fan contact details: the subscribe form of a smart link (explicit consent, stored encrypted), the unsubscribe
// link, and the artist's CSV export of consented subscribers, streamed page by page.
import { type Response, Router } from 'express';
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
import { html, page } from '../pages/layout';
import { messagePage } from '../pages/smart-link';
import { uuidParam, subscribeForm } from '../schemas';
import { FAN_COOKIE, parseCookie } from '../http/cookies';
import { CONSENT_TEXT } from '../pages/consent';
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
    if (!campaign || campaign.status === 'cancelled')
      return sendPage(res, 404, messagePage('Release not found', 'This link does not lead to a release.'));
    const parsed = subscribeForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      return sendPage(
        res,
        400,
        messagePage('Not subscribed', `${parsed.error.issues.map((i) => i.message).join('; ')}. Nothing was saved.`),
      );
    }
    // The browser that pre-saved carries the fan's id: linking it lets a consent-expiry nudge reach this fan.
    const fanId = await knownFan(parseCookie(req.get('cookie'), FAN_COOKIE));
    const { remind, platform, tz, ...contacts } = parsed.data;
    const outcome = await upsertSubscriber(pool, keyRing, hash, {
      campaignId: campaign.id,
      fanId,
      ...contacts,
      consentText: CONSENT_TEXT(campaign.artistName),
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
    sendPage(
      res,
      200,
      page(
        'Check your inbox',
        parsed.data.email
          ? html`<h1>Check your inbox</h1>
              <p>
                To subscribe to news from ${campaign.artistName}, open the link we have sent to your e-mail address.
                Nothing is sent to you before you do.
              </p>
              ${
                texted === 'queued'
                  ? html`<p>For the reminder by SMS too, open the link we have texted to your phone.</p>`
                  : texted === 'limited'
                    ? html`<p>We could not text your phone now: send the form again later for the reminder by SMS.</p>`
                    : html``
              }`
          : html`<h1>Almost there</h1>
              <p>
                We confirm every subscription by e-mail before sending anything: give your e-mail address too to receive
                news from ${campaign.artistName}.
              </p>`,
      ),
    );
  });

  // The confirmation link of the double opt-in. GET only asks (mail scanners follow links); POST confirms.
  router.get('/s/:token', (req, res) => {
    if (!confirmationOf(String(req.params.token), signingKeys(config))) return invalidLink(res, 'confirmation');
    sendPage(
      res,
      200,
      page(
        'Confirm your subscription',
        html`<h1>Confirm your subscription?</h1>
          <form method="post" action="/s/${req.params.token}">
            <button class="button" type="submit">Yes, subscribe me</button>
          </form>`,
      ),
    );
  });

  // Same origin: it is the page's own form (unlike /u/, which mail clients post one-click from elsewhere).
  router.post('/s/:token', requireSameOrigin(config.PUBLIC_URL), async (req, res) => {
    const link = confirmationOf(String(req.params.token), signingKeys(config));
    if (!link) return invalidLink(res, 'confirmation');
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
    if (!adMeasurement) return invalidLink(res, 'confirmation');
    sendPage(
      res,
      200,
      page(
        'Subscribed',
        html`<h1>You're subscribed</h1>
          <p>You will now receive news about this release. Every message carries a link to unsubscribe.</p>
          <p class="note"><a href="${unsubscribeLink(config, link.id)}">Unsubscribe now</a></p>
          ${adMeasurement}`,
      ),
    );
  });

  // The link texted to a phone (SMS double opt-in). GET only asks (link previews follow links); POST confirms.
  router.get('/p/:token', (req, res) => {
    if (!phoneConfirmationOf(String(req.params.token), signingKeys(config))) return invalidLink(res, 'confirmation');
    sendPage(
      res,
      200,
      page(
        'Confirm SMS reminders',
        html`<h1>Get the reminder by SMS?</h1>
          <form method="post" action="/p/${req.params.token}">
            <button class="button" type="submit">Yes, text me</button>
          </form>`,
      ),
    );
  });

  router.post('/p/:token', requireSameOrigin(config.PUBLIC_URL), async (req, res) => {
    const link = phoneConfirmationOf(String(req.params.token), signingKeys(config));
    if (!link || !(await confirmSubscriberPhone(pool, link))) return invalidLink(res, 'confirmation');
    sendPage(
      res,
      200,
      messagePage(
        'SMS confirmed',
        'Your phone will get the reminder once your e-mail address is confirmed too. Every text carries a link to stop.',
      ),
    );
  });

  // GET only asks (mail scanners follow links); POST unsubscribes.
  router.get('/u/:token', (req, res) => {
    if (!subscriberOf(String(req.params.token), signingKeys(config))) return invalidLink(res, 'unsubscribe');
    sendPage(
      res,
      200,
      page(
        'Unsubscribe',
        html`<h1>Unsubscribe?</h1>
<form method="post" action="/u/${req.params.token}"><button class="button" type="submit">Unsubscribe</button></form>`,
      ),
    );
  });

  router.post('/u/:token', async (req, res) => {
    const subscriberId = subscriberOf(String(req.params.token), signingKeys(config));
    if (!subscriberId || !(await unsubscribe(pool, subscriberId))) return invalidLink(res, 'unsubscribe');
    sendPage(res, 200, messagePage('Unsubscribed', 'You will receive no more messages about this release.'));
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

const invalidLink = (res: Response, kind: 'unsubscribe' | 'confirmation') =>
  sendPage(res, 400, messagePage('Link not valid', `This ${kind} link is not valid.`));
