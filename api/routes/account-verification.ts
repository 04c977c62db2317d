// The link of an account's verification e-mail. GET only asks (mail scanners follow links); the POST from that
// page verifies, and must come from it (same origin), so no other site can make a signed-in browser post it.
import { type Response, Router } from 'express';
import { type AppDeps } from '../deps';
import { type EmailVerification } from '../email-verification';
import { requireSameOrigin } from '../http/same-origin';
import { html, page } from '../pages/layout';
import { sendPage } from '../pages/send-page';
import { messagePage } from '../pages/smart-link';

export function accountVerificationRoutes({ config }: AppDeps, verification: EmailVerification): Router {
  const router = Router();

  router.get('/account/verify/:token', (req, res) => {
    if (!verification.isValidLink(String(req.params.token))) return invalidLink(res);
    sendPage(
      res,
      200,
      page(
        'Verify your e-mail address',
        html`<h1>Verify your e-mail address?</h1>
          <p>This confirms that this address belongs to your dropday account.</p>
          <form method="post" action="/account/verify/${req.params.token}">
            <button class="button" type="submit">Yes, verify it</button>
          </form>`,
      ),
    );
  });

  router.post('/account/verify/:token', requireSameOrigin(config.PUBLIC_URL), async (req, res) => {
    const outcome = await verification.verify(String(req.params.token));
    if (outcome === 'invalid_link' || outcome === 'no_account') return invalidLink(res);
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
  });

  return router;
}

const invalidLink = (res: Response) =>
  sendPage(
    res,
    400,
    messagePage('Link not valid', 'This verification link is not valid or has expired. Ask for a new one.'),
  );
