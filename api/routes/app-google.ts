// "Sign in with Google" in the artist app: the button's POST (to Google), the invitation page's "Accept with Google"
// (to Google, the state naming the invited member), Google's callback, and the two forms a new Google identity may
// need (the password that links it to an existing sign-in, or the new account's name). The flow
// is ../oauth/google-sign-in.ts, the decisions ../google-members.ts; handlers validate, call, answer with a page.
import { Router } from 'express';
import { googleLinkForm, googleNewAccountForm } from '../app-forms';
import { type AppPageKit } from '../app-page-kit';
import { startMemberSession } from '../app-session';
import { type AppDeps } from '../deps';
import { type GoogleMembers } from '../google-members';
import { GOOGLE_SIGN_IN_CALLBACK_PATH, googleCallbackQuery, type GoogleSignIn } from '../oauth/google-sign-in';
import { linkNotValidPage, SIGN_IN_REFUSED } from '../pages/app-accounts';
import { googleProblemPage, linkGooglePage, newGoogleAccountPage, signedInWithGooglePage } from '../pages/app-google';

export function appGoogleRoutes(
  { pool }: AppDeps,
  kit: AppPageKit,
  google: GoogleSignIn,
  members: GoogleMembers,
): Router {
  const router = Router();
  const { send, form, csrf, keys, secure } = kit;
  const startOver = 'Start again from the sign-in page.';

  router.post('/app/sign-in/google', ...form, async (_req, res) => {
    if (!google.configured)
      return send(res, 503, googleProblemPage('Google sign-in is off', 'Google sign-in is not configured here.'));
    res.redirect(303, await google.start(res));
  });

  // The invitation's own page offers this: the mailed link proves the invitation, Google then proves the address.
  router.post('/app/invite/:token/google', ...form, async (req, res) => {
    const member = await members.invitedMember(String(req.params.token));
    if (!member) return send(res, 400, linkNotValidPage('invitation'));
    if (!google.configured)
      return send(res, 503, googleProblemPage('Google sign-in is off', 'Google sign-in is not configured here.'));
    res.redirect(303, await google.start(res, member.id));
  });

  router.get(GOOGLE_SIGN_IN_CALLBACK_PATH, async (req, res) => {
    const query = googleCallbackQuery.safeParse(req.query);
    const result = query.success
      ? await google.finish(query.data, req.get('cookie'), res)
      : { outcome: 'refused' as const };
    switch (result.outcome) {
      case 'refused':
        return send(
          res,
          400,
          googleProblemPage(
            'Not signed in',
            `This Google sign-in is not valid: it expired, was used already, or was started in another browser. ${startOver}`,
          ),
        );
      case 'declined':
        return send(res, 200, googleProblemPage('Not signed in', `You did not continue with Google. ${startOver}`));
      case 'id_token_refused':
        return send(
          res,
          400,
          googleProblemPage(
            'Not signed in',
            `Google's answer could not be verified, so nobody was signed in. ${startOver}`,
          ),
        );
      case 'provider_failed':
        return send(
          res,
          502,
          googleProblemPage('Not signed in', 'Google could not be reached just now. Try again in a minute.'),
        );
    }
    if (result.invitedMemberId) {
      const joined = await members.acceptInvitation(result.invitedMemberId, result.identity);
      const notJoined = (status: number, why: string) =>
        send(res, status, googleProblemPage('Invitation not accepted', why));
      switch (joined.kind) {
        case 'email_not_verified':
          return notJoined(
            403,
            'Google has not verified the e-mail address of this Google account, so it cannot accept the invitation. Open the invitation again and choose a password instead.',
          );
        case 'other_address':
          return notJoined(
            403,
            `The invitation is for ${joined.invited}, but this Google account's address is ${joined.google}. Open the invitation again and continue with the Google account of ${joined.invited}, or choose a password. Nothing was changed.`,
          );
        case 'invitation_closed':
          return notJoined(
            400,
            'This invitation is not open any more: it was accepted already, or the member was removed. Nothing was changed.',
          );
        case 'google_account_in_use':
          return notJoined(
            409,
            'This Google account signs in to dropday as someone else already. Continue with another Google account, or choose a password. Nothing was changed.',
          );
        case 'joined':
          await startMemberSession(pool, keys, res, joined.member.id, secure);
          return send(res, 200, signedInWithGooglePage());
      }
    }
    const arrival = await members.arrive(result.identity);
    switch (arrival.kind) {
      case 'email_not_verified':
        return send(
          res,
          403,
          googleProblemPage(
            'Not signed in',
            'Google has not verified the e-mail address of this Google account, so dropday cannot use it to sign you in. Verify it with Google, or sign up with your address and a password.',
          ),
        );
      case 'address_not_verified':
        return send(
          res,
          409,
          googleProblemPage(
            'Prove the address first',
            `${arrival.email} has a dropday sign-in whose address was never verified. Ask for a password reset for it (the e-mail proves the address is yours), choose a password, then sign in with Google again.`,
          ),
        );
      case 'invited':
        return send(
          res,
          409,
          googleProblemPage(
            'Open your invitation',
            `${arrival.email} is invited to a dropday account. Open the invitation we e-mailed to it and choose Accept with Google there.`,
          ),
        );
      case 'link':
        return send(res, 200, linkGooglePage({ csrf: csrf(req, res), pending: arrival.pending, email: arrival.email }));
      case 'new':
        return send(
          res,
          200,
          newGoogleAccountPage({
            csrf: csrf(req, res),
            pending: arrival.pending,
            email: arrival.email,
            name: arrival.name,
          }),
        );
      case 'signed_in':
        await startMemberSession(pool, keys, res, arrival.member.id, secure);
        return send(res, 200, signedInWithGooglePage());
    }
  });

  router.post('/app/sign-in/google/link', ...form, async (req, res) => {
    const body = googleLinkForm.safeParse(req.body ?? {});
    if (!body.success)
      return send(res, 400, googleProblemPage('Not linked', `The form was not complete. ${startOver}`));
    const member = await members.link(body.data.pending, body.data.password);
    if (member === 'invalid')
      return send(res, 400, googleProblemPage('Not linked', `This Google sign-in expired. ${startOver}`));
    if (member === 'already_linked')
      return send(
        res,
        409,
        googleProblemPage('Not linked', 'This dropday sign-in is linked to another Google account already.'),
      );
    if (member === 'refused')
      return send(
        res,
        401,
        linkGooglePage({
          csrf: csrf(req, res),
          pending: body.data.pending,
          email: members.pendingEmail(body.data.pending) ?? 'This address',
          error: SIGN_IN_REFUSED,
        }),
      );
    await startMemberSession(pool, keys, res, member.id, secure);
    res.redirect(303, '/app');
  });

  router.post('/app/sign-in/google/new', ...form, async (req, res) => {
    const body = googleNewAccountForm.safeParse(req.body ?? {});
    if (!body.success)
      return send(res, 400, googleProblemPage('No account created', `The account needs a name. ${startOver}`));
    const member = await members.createAccount(body.data.pending, body.data.name);
    if (member === 'invalid')
      return send(res, 400, googleProblemPage('No account created', `This Google sign-in expired. ${startOver}`));
    if (member === 'address_taken')
      return send(
        res,
        409,
        googleProblemPage('No account created', `This address or Google account signed up a moment ago. ${startOver}`),
      );
    await startMemberSession(pool, keys, res, member.id, secure);
    res.redirect(303, '/app?welcome=1');
  });

  return router;
}
