// The artist app's signed-out routes: sign up, sign in with a password, password reset by a mailed link, accepting an
// invitation; and signing out everywhere. Handlers validate, call api/member-accounts.ts, and answer with a page.
// Unauthenticated POSTs are rate limited (api/rate-limit.ts); members are locked out after repeated wrong passwords.
import { type Response, Router } from 'express';
import { type z } from 'zod';
import { revokeAllMemberSessions } from '../../db/member-sessions';
import { NEXT_PATH, type AppPageKit } from '../app-page-kit';
import { choosePasswordForm, formProblem, resetRequestForm, signInForm, signUpForm } from '../app-forms';
import { endAppSession, startMemberSession } from '../app-session';
import { type AppDeps } from '../deps';
import { type MemberAccounts } from '../member-accounts';
import {
  choosePasswordPage,
  linkNotValidPage,
  resetRequestPage,
  SIGN_IN_REFUSED,
  signInPage,
  signUpPage,
  signUpSentPage,
} from '../pages/app-accounts';

export function appAccountRoutes({ pool, logger }: AppDeps, kit: AppPageKit, people: MemberAccounts): Router {
  const router = Router();
  const { send, form, csrf, keys, secure } = kit;
  const parse = <T>(schema: z.ZodType<T>, body: unknown) => schema.safeParse(body ?? {});

  router.get('/app/sign-up', (req, res) => {
    if (kit.google) kit.allowGoogleForm(res);
    send(res, 200, signUpPage({ csrf: csrf(req, res), google: kit.google }));
  });

  // The same answer, at once, for a new address and for one that signs in already (the page says "check your
  // inbox"): the work, and its different cost, comes after the answer is sent. A failure is logged; the person can
  // sign up again.
  router.post('/app/sign-up', ...form, async (req, res) => {
    const body = parse(signUpForm, req.body);
    if (!body.success) {
      const raw = req.body as { name?: string; email?: string };
      return send(
        res,
        400,
        signUpPage({
          csrf: csrf(req, res),
          google: kit.google,
          error: formProblem(body.error),
          name: String(raw.name ?? ''),
          email: String(raw.email ?? ''),
        }),
      );
    }
    res.redirect(303, '/app/sign-up/sent');
    people.signUp(body.data).catch((error: unknown) => logger.error({ err: error }, 'sign-up failed'));
  });

  router.get('/app/sign-up/sent', (_req, res) => send(res, 200, signUpSentPage()));

  router.post('/app/sign-in', ...form, async (req, res) => {
    const body = parse(signInForm, req.body);
    const next = body.success && body.data.next && NEXT_PATH.test(body.data.next) ? body.data.next : undefined;
    const verificationLink = next ? /^\/account\/verify\/(.+)$/.exec(next)?.[1] : undefined;
    const member = body.success ? await people.signIn({ ...body.data, verificationLink }) : 'refused';
    if (member === 'refused')
      return send(
        res,
        401,
        signInPage({
          csrf: csrf(req, res),
          error: SIGN_IN_REFUSED,
          next,
          email: body.success ? body.data.email : '',
          google: kit.google,
        }),
      );
    await startMemberSession(pool, keys, res, member.id, secure);
    res.redirect(303, next ?? '/app');
  });

  router.get('/app/reset', (req, res) => send(res, 200, resetRequestPage({ csrf: csrf(req, res) })));

  // The same page whether or not the address signs in anywhere (only a malformed address is told apart).
  router.post('/app/reset', ...form, async (req, res) => {
    const body = parse(resetRequestForm, req.body);
    if (!body.success)
      return send(
        res,
        400,
        resetRequestPage({ csrf: csrf(req, res), error: 'Enter the e-mail address you sign in with.' }),
      );
    await people.requestPasswordReset(body.data.email);
    send(res, 200, resetRequestPage({ csrf: csrf(req, res), sent: true }));
  });

  const resetPage = (token: string, csrfValue: string, error?: string) =>
    choosePasswordPage({
      csrf: csrfValue,
      action: `/app/reset/${token}`,
      heading: 'Choose a new password',
      intro: 'Saving it signs you out of dropday everywhere else.',
      error,
    });

  router.get('/app/reset/:token', async (req, res) => {
    const token = String(req.params.token);
    if (!(await people.memberOfResetLink(token))) return send(res, 400, linkNotValidPage('password reset'));
    send(res, 200, resetPage(token, csrf(req, res)));
  });

  router.post('/app/reset/:token', ...form, async (req, res) => {
    const token = String(req.params.token);
    const body = parse(choosePasswordForm, req.body);
    if (!body.success) return send(res, 400, resetPage(token, csrf(req, res), formProblem(body.error)));
    const member = await people.resetPassword(token, body.data.password);
    if (!member) return send(res, 400, linkNotValidPage('password reset'));
    await startMemberSession(pool, keys, res, member.id, secure);
    res.redirect(303, '/app');
  });

  /** The invitation's page: a password, or "Accept with Google" (./app-google.ts) where Google sign-in is on. */
  const invitePage = async (token: string, res: Response, csrfValue: string, error?: string) => {
    const open = await people.invitation(token);
    if (open && kit.google) kit.allowGoogleForm(res);
    return open
      ? choosePasswordPage({
          csrf: csrfValue,
          action: `/app/invite/${token}`,
          google: kit.google ? { action: `/app/invite/${token}/google`, email: open.member.email } : undefined,
          heading: `Join ${open.account.name} on dropday`,
          intro: `You are invited as ${open.member.role === 'viewer' ? 'a viewer: you will see the account’s campaigns but not change them' : `a ${open.member.role}`}. Choose a password for ${open.member.email}.`,
          error,
        })
      : null;
  };

  router.get('/app/invite/:token', async (req, res) => {
    const page = await invitePage(String(req.params.token), res, csrf(req, res));
    send(res, page ? 200 : 400, page ?? linkNotValidPage('invitation'));
  });

  router.post('/app/invite/:token', ...form, async (req, res) => {
    const token = String(req.params.token);
    const body = parse(choosePasswordForm, req.body);
    if (!body.success) {
      const page = await invitePage(token, res, csrf(req, res), formProblem(body.error));
      return send(res, 400, page ?? linkNotValidPage('invitation'));
    }
    const member = await people.acceptInvitation(token, body.data.password);
    if (!member) return send(res, 400, linkNotValidPage('invitation'));
    await startMemberSession(pool, keys, res, member.id, secure);
    res.redirect(303, '/app');
  });

  router.post('/app/sign-out-everywhere', ...form, async (req, res) => {
    const session = await kit.session(req);
    if (session?.member) await revokeAllMemberSessions(pool, session.member.id);
    await endAppSession(pool, keys, req, res, secure);
    res.redirect(303, '/app');
  });

  return router;
}
