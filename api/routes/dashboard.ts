// The artist dashboard at /app: sign-in with the API key (a session cookie, not the key, stays in the browser),
// then a static page whose script reads the /v1 API; and the confirmation of an ad-account connect
// (/app/connect/<token>, see ../oauth/artist-connections.ts), which needs the session of the account it names.
import { type Request, type Response, Router } from 'express';
import { findAccount } from '../../db/accounts';
import { signingKeys } from '../../lib/crypto/signed-value';
import { sendPage as sendHtml } from '../pages/send-page';
import { appSession, endAppSession, sessionCsrf, startAppSession } from '../app-session';
import { type AppDeps } from '../deps';
import { requireSameOrigin } from '../http/same-origin';
import { type ArtistConnections } from '../oauth/artist-connections';
import { dashboardScript, dashboardStyle } from '../pages/dashboard-assets';
import { connectConfirmPage, connectRefusedPage, dashboardShell, signInPage } from '../pages/dashboard';
import { formBody } from '../validation';

/** Where sign-in may return to: the links that need a session (connect confirmations, e-mail verification). */
const NEXT_PATH = /^\/(app\/connect|account\/verify)\/[A-Za-z0-9_.-]{1,2000}$/;

export function dashboardRoutes({ pool, config }: AppDeps, connections: ArtistConnections): Router {
  const router = Router();
  const keys = signingKeys(config);
  const secure = config.PUBLIC_URL.startsWith('https://');
  const sameOrigin = requireSameOrigin(config.PUBLIC_URL);
  const sendPage = (res: Response, status: number, body: string) =>
    // same-origin (not helmet's no-referrer): the forms' posts then carry our Origin rather than "null".
    sendHtml(res, status, body, { 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' });
  const csrfOf = (req: Request) => sessionCsrf(keys, req);

  router.get('/app', async (req, res) => {
    const session = await appSession(pool, keys, req);
    sendPage(res, 200, session ? dashboardShell() : signInPage());
  });

  router.post('/app/session', sameOrigin, formBody({ limit: '4kb' }), async (req, res) => {
    const body = req.body as { key?: unknown; next?: unknown } | undefined;
    const next = typeof body?.next === 'string' && NEXT_PATH.test(body.next) ? body.next : undefined;
    const key = String(body?.key ?? '').trim();
    if (!(await startAppSession(pool, keys, res, key, secure))) {
      sendPage(res, 401, signInPage('That is not an active artist API key.', next));
      return;
    }
    res.redirect(303, next ?? '/app');
  });

  router.post('/app/logout', sameOrigin, (_req, res) => {
    endAppSession(res, secure);
    res.redirect(303, '/app');
  });

  /** The link of POST /v1/connections/:provider: the account's session names the account and asks to confirm. */
  router.get('/app/connect/:token', async (req, res) => {
    const link = connections.readLink(String(req.params.token));
    if (!link)
      return sendPage(
        res,
        400,
        connectRefusedPage('Link not valid', 'This connect link is not valid or expired. Start again from dropday.'),
      );
    const session = await appSession(pool, keys, req);
    if (!session)
      return sendPage(res, 401, signInPage(`Sign in to the dropday account to connect ${link.label} to.`, req.path));
    if (session.accountId !== link.accountId)
      return sendPage(
        res,
        403,
        connectRefusedPage(
          'Another account',
          'This connect link was made for another dropday account than the one you are signed in to. Nothing was connected.',
        ),
      );
    const account = await findAccount(pool, session.accountId);
    sendPage(
      res,
      200,
      connectConfirmPage({
        label: link.label,
        accountName: account?.name ?? 'your account',
        action: req.path,
        csrf: csrfOf(req)!,
      }),
    );
  });

  router.post('/app/connect/:token', sameOrigin, formBody({ limit: '2kb' }), async (req, res) => {
    const link = connections.readLink(String(req.params.token));
    const session = await appSession(pool, keys, req);
    const csrf = csrfOf(req);
    const given = (req.body as { csrf?: unknown } | undefined)?.csrf;
    if (!link || !session || session.accountId !== link.accountId || !csrf || given !== csrf)
      return sendPage(
        res,
        403,
        connectRefusedPage(
          'Not connected',
          'This confirmation is not valid for the account you are signed in to. Open the connect link again.',
        ),
      );
    res.redirect(303, await connections.confirm(res, link));
  });

  router.get('/app/app.js', (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'no-cache').send(dashboardScript);
  });
  router.get('/app/app.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'no-cache').send(dashboardStyle);
  });
  return router;
}
