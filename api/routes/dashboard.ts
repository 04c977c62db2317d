// The artist dashboard at /app: the sign-in page (a member's password, see ./app-accounts.ts, or an API key: a
// session cookie, not the key, stays in the browser), then a page whose script reads the /v1 API; and the confirmation of an ad-account connect
// (/app/connect/<token>, see ../oauth/artist-connections.ts), which needs the session of the account it names.
import { type Request, type Response, Router } from 'express';
import { findAccount } from '../../db/accounts';
import { type AppPageKit, mayCall, mayWrite, NEXT_PATH } from '../app-page-kit';
import { appSession, endAppSession, sessionCsrf, startAppSession } from '../app-session';
import { type AppDeps } from '../deps';
import { type ArtistConnections } from '../oauth/artist-connections';
import { appStyle } from '../pages/app-style';
import { dashboardScript, dashboardStyle } from '../pages/dashboard-assets';
import { connectConfirmPage, connectRefusedPage, dashboardShell } from '../pages/dashboard';
import { signInPage } from '../pages/app-accounts';
import { html } from '../pages/layout';
import { formBody } from '../validation';

export function dashboardRoutes({ pool }: AppDeps, kit: AppPageKit, connections: ArtistConnections): Router {
  const router = Router();
  const { keys, secure, sameOrigin, send: sendPage } = kit;
  const csrfOf = (req: Request) => sessionCsrf(keys, req);
  const viewerRefused = (res: Response) =>
    sendPage(
      res,
      403,
      connectRefusedPage('Not connected', 'Viewers cannot connect accounts: ask an owner for the manager role.'),
    );

  router.get('/app', async (req, res) => {
    const session = await appSession(pool, keys, req);
    if (!session) {
      if (kit.google) kit.allowGoogleForm(res);
      return sendPage(res, 200, signInPage({ csrf: kit.csrf(req, res), google: kit.google }));
    }
    const account = await findAccount(pool, session.accountId);
    const notice =
      account && account.emailVerifiedAt === null
        ? html`<p class="notice banner" role="status">We e-mailed ${account.email} a link to verify the address: open it to finish signing up. <a href="/app/settings#verification">Send it again</a></p>`
        : undefined;
    sendPage(res, 200, dashboardShell(csrfOf(req)!, notice));
  });

  // Sign-in with an API key (scripts, tests, the API's users): the key itself is the secret a forger lacks.
  router.post('/app/session', sameOrigin, formBody({ limit: '4kb' }), async (req, res) => {
    const body = req.body as { key?: unknown; next?: unknown } | undefined;
    const next = typeof body?.next === 'string' && NEXT_PATH.test(body.next) ? body.next : undefined;
    const key = String(body?.key ?? '').trim();
    if (!(await startAppSession(pool, keys, res, key, secure))) {
      sendPage(
        res,
        401,
        signInPage({ csrf: kit.csrf(req, res), error: 'That is not an active artist API key.', next }),
      );
      return;
    }
    res.redirect(303, next ?? '/app');
  });

  // Same origin only; no anti-forgery field is needed to sign out (the worst a forger can do is sign you out).
  router.post('/app/logout', sameOrigin, async (req, res) => {
    await endAppSession(pool, keys, req, res, secure);
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
      return sendPage(
        res,
        401,
        signInPage({
          csrf: kit.csrf(req, res),
          error: `Sign in to the dropday account to connect ${link.label} to.`,
          next: req.path,
        }),
      );
    if (session.accountId !== link.accountId)
      return sendPage(
        res,
        403,
        connectRefusedPage(
          'Another account',
          'This connect link was made for another dropday account than the one you are signed in to. Nothing was connected.',
        ),
      );
    // The page is only the confirm's form: a member the confirm would refuse (a viewer) is refused here already.
    if (session.member && !mayCall(session, 'POST', '/app/connect/:token')) return viewerRefused(res);
    const account = await findAccount(pool, session.accountId);
    kit.allowFormTo(res, connections.consentOrigin(link.provider));
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
    const session = await appSession(pool, keys, req);
    if (session?.member && !mayWrite(session, req)) return viewerRefused(res);
    const link = connections.readLink(String(req.params.token));
    if (!link)
      return sendPage(
        res,
        400,
        connectRefusedPage('Link not valid', 'This connect link is not valid or expired. Start again from dropday.'),
      );
    const csrf = csrfOf(req);
    const given = (req.body as { csrf?: unknown } | undefined)?.csrf;
    if (!session || session.accountId !== link.accountId || !csrf || given !== csrf)
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
    res
      .type('text/css')
      .set('Cache-Control', 'no-cache')
      .send(dashboardStyle + appStyle);
  });
  return router;
}
