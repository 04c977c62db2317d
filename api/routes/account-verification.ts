// The link of an account's verification e-mail. It verifies only in a signed-in session of the account it was
// sent for: someone who signs up with another person's address cannot have that person verify the stranger's
// account by clicking a mail, because the click leads to a sign-in that only the account's holder can pass. GET
// only asks (mail scanners follow links); the POST from that page verifies, same origin and with the session's
// anti-forgery field.
import { type Request, type Response, Router } from 'express';
import { findAccount } from '../../db/accounts';
import { signingKeys } from '../../lib/crypto/signed-value';
import { appSession, sessionCsrf } from '../app-session';
import { type AppDeps } from '../deps';
import { type EmailVerification } from '../email-verification';
import { type MemberAccounts } from '../member-accounts';
import { requireSameOrigin } from '../http/same-origin';
import { formCsrf } from '../http/form-csrf';
import { signInPage } from '../pages/app-accounts';
import { html, page } from '../pages/layout';
import { sendPage } from '../pages/send-page';
import { messagePage } from '../pages/smart-link';
import { formBody } from '../validation';

export function accountVerificationRoutes(
  { config, pool }: AppDeps,
  verification: EmailVerification,
  people: Pick<MemberAccounts, 'verifiedByAccountLink'>,
): Router {
  const router = Router();
  const keys = signingKeys(config);

  /** The signed-in account when it is the one the link names; otherwise the page to answer with. */
  async function sessionFor(req: Request, res: Response): Promise<string | null> {
    const accountId = verification.accountOfLink(String(req.params.token));
    if (!accountId) return (invalidLink(res), null);
    const session = await appSession(pool, keys, req);
    if (!session) {
      sendPage(
        res,
        401,
        signInPage({
          csrf: formCsrf(keys, req, res, config.PUBLIC_URL.startsWith('https://')),
          error: 'Sign in to the dropday account this address is for, to verify it.',
          next: req.path,
        }),
      );
      return null;
    }
    if (session.accountId !== accountId) {
      sendPage(
        res,
        403,
        messagePage(
          'Another account',
          'This link verifies the address of another dropday account than the one you are signed in to. If you did not sign up for it, ignore the e-mail. Nothing was changed.',
        ),
      );
      return null;
    }
    return accountId;
  }

  router.get('/account/verify/:token', async (req, res) => {
    const accountId = await sessionFor(req, res);
    if (!accountId) return;
    const account = await findAccount(pool, accountId);
    sendPage(
      res,
      200,
      page(
        'Verify your e-mail address',
        html`<h1>Verify your e-mail address?</h1>
          <p>This confirms that ${account?.email ?? 'this address'} belongs to the dropday account
            <strong>${account?.name ?? ''}</strong>.</p>
          <form method="post" action="/account/verify/${req.params.token}">
            <input type="hidden" name="csrf" value="${sessionCsrf(keys, req) ?? ''}">
            <button class="button" type="submit">Yes, verify it</button>
          </form>`,
      ),
    );
  });

  router.post(
    '/account/verify/:token',
    requireSameOrigin(config.PUBLIC_URL),
    formBody({ limit: '2kb' }),
    async (req, res) => {
      const accountId = await sessionFor(req, res);
      if (!accountId) return;
      const given = (req.body as { csrf?: unknown } | undefined)?.csrf;
      const csrf = sessionCsrf(keys, req);
      if (!csrf || given !== csrf)
        return sendPage(
          res,
          403,
          messagePage('Not verified', 'Open the link from the e-mail again. Nothing was changed.'),
        );
      const outcome = await verification.verify(String(req.params.token));
      if (outcome === 'invalid_link' || outcome === 'no_account') return invalidLink(res);
      // The owner who signed up with this address proved it too: from now on they sign in with their password.
      const member = (await appSession(pool, keys, req))?.member;
      if (member && (outcome === 'verified' || outcome === 'already_verified'))
        await people.verifiedByAccountLink(member.id);
      if (outcome === 'taken_by_another_account')
        return sendPage(
          res,
          409,
          messagePage(
            'Not verified',
            'Another dropday account has verified this e-mail address already, and an address belongs to one account. Nothing was changed.',
          ),
        );
      sendPage(
        res,
        200,
        messagePage(
          'Address verified',
          'Your e-mail address is verified. Shop packages bought with it go to this account.',
        ),
      );
    },
  );

  return router;
}

const invalidLink = (res: Response) =>
  sendPage(
    res,
    400,
    messagePage('Link not valid', 'This verification link is not valid or has expired. Ask for a new one.'),
  );
