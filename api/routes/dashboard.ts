// The artist dashboard at /app: sign-in with the API key (a session cookie, not the key, stays in the browser),
// then a static page whose script reads the /v1 API.
import express, { type Response, Router } from 'express';
import { sendPage as sendHtml } from '../pages/send-page';
import { appSession, endAppSession, isSameOrigin, startAppSession } from '../app-session';
import { type AppDeps } from '../deps';
import { dashboardScript, dashboardStyle } from '../pages/dashboard-assets';
import { dashboardShell, signInPage } from '../pages/dashboard';

export function dashboardRoutes({ pool, config }: AppDeps): Router {
  const router = Router();
  const secret = config.STATE_SIGNING_SECRET;
  const secure = config.PUBLIC_URL.startsWith('https://');
  const sendPage = (res: Response, status: number, body: string) =>
    // same-origin (not helmet's no-referrer): the forms' posts then carry our Origin rather than "null".
    sendHtml(res, status, body, { 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' });

  router.get('/app', async (req, res) => {
    const session = await appSession(pool, secret, req);
    sendPage(res, 200, session ? dashboardShell() : signInPage());
  });

  router.post('/app/session', express.urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    if (!isSameOrigin(req)) {
      sendPage(res, 403, signInPage('Sign in from this page.'));
      return;
    }
    const key = String((req.body as { key?: unknown } | undefined)?.key ?? '').trim();
    if (!(await startAppSession(pool, secret, res, key, secure))) {
      sendPage(res, 401, signInPage('That is not an active artist API key.'));
      return;
    }
    res.redirect(303, '/app');
  });

  router.post('/app/logout', (req, res) => {
    if (!isSameOrigin(req)) {
      sendPage(res, 403, signInPage('Sign out from the dashboard.'));
      return;
    }
    endAppSession(res, secure);
    res.redirect(303, '/app');
  });

  router.get('/app/app.js', (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'no-cache').send(dashboardScript);
  });
  router.get('/app/app.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'no-cache').send(dashboardStyle);
  });
  return router;
}
