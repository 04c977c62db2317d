// What every artist-app route shares: the signing keys, whether cookies are Secure, how a page is sent (never
// cached; Referrer-Policy same-origin so that the forms' posts carry our Origin, not "null"), the forms' anti-forgery
// field, the same-origin guard, and who may change what (./write-roles.ts).
import { type Request, type RequestHandler, type Response } from 'express';
import { findCampaign } from '../db/campaigns';
import { signingKeys } from '../lib/crypto/signed-value';
import { appSession, sessionCsrf } from './app-session';
import { type AuthContext } from './auth';
import { type AppDeps } from './deps';
import { addContentSecuritySources } from './http/content-security';
import { formCsrf, hasFormCsrf } from './http/form-csrf';
import { requireSameOrigin } from './http/same-origin';
import { signedOutPage } from './pages/app-layout';
import { html } from './pages/layout';
import { messagePage } from './pages/smart-link';
import { sendPage as sendHtml } from './pages/send-page';
import { formBody } from './validation';
import { memberMayWrite, writeAccessOf } from './write-roles';

/** Where sign-in may return to: the links that need a session (connect confirmations, e-mail verification). */
export const NEXT_PATH = /^\/(app\/connect|account\/verify)\/[A-Za-z0-9_.-]{1,2000}$/;

const RANK = { viewer: 0, manager: 1, owner: 2 } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Whether the signed-in session's controls for something that needs `needs` are shown: a member whose role is at
 * least that. A session made with an API key reads only (as it always did). The routes decide by `mayWrite`.
 */
export function mayChange(session: AuthContext, needs: 'manager' | 'owner'): boolean {
  return session.member !== undefined && RANK[session.member.role] >= RANK[needs];
}

/** Whether this session may make the change of the route handling `req`, as its entry in ./write-roles.ts says. */
export function mayWrite(session: AuthContext, req: Request): boolean {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  return mayCall(session, req.method, typeof route === 'string' ? route : req.path);
}

/**
 * Whether this session may call the write route `method path` (its entry in ./write-roles.ts): for a page whose only
 * purpose is that route's form (a confirmation), which refuses as the route would rather than show a form that fails.
 */
export function mayCall(session: AuthContext, method: string, path: string): boolean {
  return session.member !== undefined && memberMayWrite(session.member.role, writeAccessOf(method, path));
}

export function appPageKit({ config, pool }: Pick<AppDeps, 'config' | 'pool'>) {
  const keys = signingKeys(config);
  const secure = config.PUBLIC_URL.startsWith('https://');
  const send = (res: Response, status: number, body: string) =>
    sendHtml(res, status, body, { 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' });
  const sameOrigin = requireSameOrigin(config.PUBLIC_URL);
  /** Same origin, a bounded form body, and this browser's anti-forgery field; else 403 and nothing changes. */
  const form: RequestHandler[] = [
    sameOrigin,
    formBody({ limit: '4kb' }),
    (req, res, next) => {
      if (hasFormCsrf(keys, req)) return next();
      send(
        res,
        403,
        signedOutPage(
          'form expired',
          html`<h1>This form expired</h1><p class="error" role="alert">Open the page again and send the form from there. Nothing was changed.</p><p><a href="/app">Go to dropday</a></p>`,
        ),
      );
    },
  ];
  /**
   * A page whose form's answer redirects to a provider's consent page (Google sign-in, a connect's confirmation):
   * helmet's CSP says form-action 'self', which browsers also check on the redirect, so the provider's origin is
   * added for that page only.
   */
  const allowFormTo = (res: Response, url: string) =>
    addContentSecuritySources(res, { 'form-action': [new URL(url).origin] });
  return {
    keys,
    secure,
    allowFormTo,
    /** for pages that show the "Sign in with Google" button */
    allowGoogleForm: (res: Response) => allowFormTo(res, config.GOOGLE_AUTH_URL),
    /** whether "Sign in with Google" is offered */
    google: Boolean(config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET),
    send,
    sameOrigin,
    form,
    csrf: (req: Request, res: Response) => formCsrf(keys, req, res, secure),
    session: (req: Request) => appSession(pool, keys, req),
    /**
     * The signed-in session's campaign named by the path's `:id`, or null once the request is answered (a redirect
     * to sign in, or 404 for a campaign of another account). `refuse` runs before the lookup and answers for itself
     * (a viewer's change is refused before anything about the campaign is learned).
     */
    async campaignOf(req: Request, res: Response, refuse?: (session: AuthContext) => boolean) {
      const session = await appSession(pool, keys, req);
      if (!session) {
        res.redirect(303, '/app');
        return null;
      }
      if (refuse?.(session)) return null;
      const id = String(req.params.id);
      const campaign = UUID.test(id) ? await findCampaign(pool, session.accountId, id) : null;
      if (!campaign) {
        send(res, 404, messagePage('Campaign not found', 'This account has no such campaign.'));
        return null;
      }
      return { session, campaign, csrf: sessionCsrf(keys, req)! };
    },
  };
}

export type AppPageKit = ReturnType<typeof appPageKit>;
