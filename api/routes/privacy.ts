// A fan's right to erasure: a page, verification by signing in with the same Spotify account (what the callback then
// does is in ../oauth/deletion-sign-in.ts), and a durable deletion workflow. The request is tracked by an
// unguessable id; the status page shows no personal data.
import { Router } from 'express';
import { z } from 'zod';
import { createDeletionRequest, findDeletionRequest, subscriberWithEmailHash } from '../../db/deletion';
import { queueEmail } from '../../db/outbox';
import { createLookupHasher, lookupHashSecret } from '../../lib/crypto/lookup-hash';
import { SignedValueError, signingKeys } from '../../lib/crypto/signed-value';
import { startContactDeletion } from '../../lib/starters/fan-deletion';
import { activeForeverSavesOfFans } from '../../db/forever-saves';
import { FOREVER_SAVE_STOP_PATH, foreverSaveStopToken } from '../../lib/crypto/forever-save-stop-link';
import { type AppDeps } from '../deps';
import { FAN_COOKIE, parseCookie } from '../http/cookies';
import { foreverSaveDeletionSection } from '../pages/forever-save';
import { deletionEmailForm } from '../schemas';
import { type FanPage, html, page } from '../pages/layout';
import { formatDate, type Lang, messagesFor } from '../../lib/i18n';
import { fanLanguage, withLanguage } from '../http/fan-language';
import { type Request } from 'express';
import { messagePage } from '../pages/smart-link';
import { sendPage } from '../pages/send-page';
import { type SpotifySignIn } from '../oauth/spotify-fan-sign-in';
import { formBody } from '../validation';

const DELETION_LINK_TTL_MS = 24 * 3600_000;

/** A request's id, or the same 32 hex digits without dashes (Meta's confirmation code), as the id. */
const deletionReference = z
  .string()
  .regex(/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i)
  .transform((s) => s.toLowerCase().replace(/-/g, ''))
  .transform((h) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);

function deletionStatusText(lang: Lang, request: { status: string; completedAt: number | null }): string {
  const t = messagesFor(lang).privacy;
  if (request.status === 'completed') return t.completed({ date: formatDate(lang, request.completedAt!) });
  if (request.status === 'failed') return t.failed;
  return t.inProgress;
}

/** A privacy page in the fan's language; its switch links to `path` (the page itself, or the form for a POST). */
const fanPage = (req: Request, path: string): FanPage => ({ language: fanLanguage(req), path });

export function privacyRoutes({ pool, temporal, config }: AppDeps, signIn: SpotifySignIn): Router {
  const router = Router();
  const hash = createLookupHasher(lookupHashSecret(config));
  const emailHashOf = (token: string): string | null => {
    try {
      const { payload } = signingKeys(config).verify<{ h: unknown }>('deletion-link', token);
      return typeof payload.h === 'string' ? payload.h : null;
    } catch (error) {
      if (error instanceof SignedValueError) return null;
      throw error;
    }
  };

  router.get('/privacy/delete', async (req, res) => {
    const fan = fanPage(req, '/privacy/delete');
    const t = messagesFor(fan.language.lang);
    res.vary('Accept-Language');
    // This browser's fan (the pre-save cookie) sees the artists whose next releases we save for them, to stop each.
    const fanId = parseCookie(req.get('cookie'), FAN_COOKIE);
    const optIns =
      fanId && z.string().uuid().safeParse(fanId).success ? await activeForeverSavesOfFans(pool, [fanId]) : [];
    const foreverSaves = foreverSaveDeletionSection(
      optIns.map((o) => ({
        artistName: o.artistName,
        stopAction: `${FOREVER_SAVE_STOP_PATH}/${foreverSaveStopToken(config, o.id)}`,
      })),
    );
    sendPage(
      res,
      200,
      page(
        t.privacy.deleteTitle,
        html`<h1>${t.privacy.deleteTitle}</h1>
<p>${t.privacy.deleteIntro}</p>
<a class="button" href="${withLanguage('/privacy/delete/spotify', fan.language)}">${t.privacy.verifyWithSpotify}</a>
<p class="note">${t.privacy.signInSavesNothing}</p>
<form class="subscribe" method="post" action="${withLanguage('/privacy/delete/email', fan.language)}">
<p>${t.privacy.emailOnly}</p>
<input type="email" name="email" placeholder="${t.smartLink.emailPlaceholder}" aria-label="${t.smartLink.emailPlaceholder}" required>
<button type="submit">${t.privacy.sendLink}</button>
</form>
${foreverSaves}`,
        fan,
      ),
      { 'Cache-Control': 'private, no-store' },
    );
  });

  // The answer is the same whether or not we hold the address, so nobody learns who subscribed.
  router.post('/privacy/delete/email', formBody({ limit: '2kb' }), async (req, res) => {
    const fan = fanPage(req, '/privacy/delete');
    const t = messagesFor(fan.language.lang).privacy;
    const form = deletionEmailForm.safeParse(req.body ?? {});
    if (!form.success) return sendPage(res, 400, messagePage(t.notSent, t.badEmail, fan));
    const emailHash = hash(`email:${form.data.email}`);
    const subscriberId = await subscriberWithEmailHash(pool, emailHash);
    if (subscriberId) {
      const token = signingKeys(config).sign('deletion-link', { h: emailHash }, DELETION_LINK_TTL_MS);
      // One link per address and hour, however often the form is sent.
      await queueEmail(pool, {
        subscriberId,
        template: 'deletion_link',
        kind: 'transactional', // asked for now: it goes out whether or not the address is still subscribed
        data: { token, lang: fan.language.lang },
        dedupeKey: `deletion-link:${emailHash}:${Math.floor(Date.now() / 3_600_000)}`,
      });
    }
    sendPage(res, 200, messagePage(t.checkInbox, t.checkInboxBody, fan));
  });

  router.get('/privacy/delete/confirm/:token', (req, res) => {
    const fan = fanPage(req, `/privacy/delete/confirm/${req.params.token}`);
    const t = messagesFor(fan.language.lang).privacy;
    if (!emailHashOf(req.params.token)) return sendPage(res, 400, messagePage(t.linkNotValid, t.linkExpired, fan));
    // A page with a button, not an action: mail scanners follow links.
    sendPage(
      res,
      200,
      page(
        t.confirmTitle,
        html`<h1>${t.deleteTitle}</h1>
<form method="post" action="${withLanguage(`/privacy/delete/confirm/${req.params.token}`, fan.language)}"><button class="button" type="submit">${t.deleteEverything}</button></form>`,
        fan,
      ),
    );
  });

  router.post('/privacy/delete/confirm/:token', async (req, res) => {
    const fan = fanPage(req, `/privacy/delete/confirm/${req.params.token}`);
    const t = messagesFor(fan.language.lang).privacy;
    const emailHash = emailHashOf(req.params.token);
    if (!emailHash) return sendPage(res, 400, messagePage(t.linkNotValid, t.linkExpired, fan));
    const requestId = await createDeletionRequest(pool, { subjectHash: emailHash, verifiedBy: 'email_link' });
    await startContactDeletion(temporal, config.TEMPORAL_TASK_QUEUE, { requestId, emailHash });
    res.redirect(303, withLanguage(`/privacy/deletion/${requestId}`, fan.language));
  });

  router.get('/privacy/delete/spotify', async (req, res) => {
    const { lang } = fanLanguage(req);
    await signIn.start(res, { purpose: 'deletion', campaignId: null, timeZone: null, lang, scopes: [] });
  });

  // By the request's id or by the confirmation code Meta shows (the id without dashes). The page says where the
  // request stands and nothing else: no name, no account, nothing of what was erased.
  router.get('/privacy/deletion/:id', async (req, res) => {
    const fan = fanPage(req, `/privacy/deletion/${encodeURIComponent(req.params.id)}`);
    const t = messagesFor(fan.language.lang).privacy;
    const id = deletionReference.safeParse(req.params.id);
    const request = id.success ? await findDeletionRequest(pool, id.data) : null;
    if (!request) return sendPage(res, 404, messagePage(t.notFound, t.noSuchRequest, fan));
    sendPage(
      res,
      200,
      page(
        t.requestTitle,
        html`<h1>${t.requestTitle}</h1>
<p>${t.reference({ id: request.id })}</p>
<p>${deletionStatusText(fan.language.lang, request)}</p>`,
        fan,
      ),
    );
  });

  return router;
}
