// Business Login for Instagram as the simulator serves it: the consent page (www.instagram.com/oauth/authorize),
// the code exchange (api.instagram.com/oauth/access_token, wrapped `data[]` answer, `error_type` rejection shape),
// and the token endpoints of graph.instagram.com (short → long-lived, refresh of a long-lived token ≥ 24 h old).
import { randomBytes } from 'node:crypto';
import express, { type Express, type Response } from 'express';
import { consentTarget, escapeHtml, hiddenFields } from '../hidden-fields';
import { graphErrorBody } from '../meta/graph-http';
import { DAY_MS, type InstagramSimState } from './state';

export const IG_LOGIN_SCOPES = [
  'instagram_business_basic',
  'instagram_business_content_publish',
  'instagram_business_manage_comments',
  'instagram_business_manage_messages',
];
const CODE_TTL_MS = 3600_000;

function tokenError(res: Response, subcode: number | undefined, message: string) {
  res.status(400).json(graphErrorBody(190, message, subcode ? { error_subcode: subcode } : {}));
}

export function mountInstagramLogin(app: Express, state: InstagramSimState): void {
  const { appId, appSecret } = state.opts;
  const form = express.urlencoded({ extended: false });

  app.get('/oauth/authorize', (req, res) => {
    const q = req.query as Record<string, string>;
    if (q.client_id !== appId) return res.status(400).type('html').send('<h1>Invalid app id</h1>');
    const hidden = hiddenFields(q);
    res.type('html').send(`<!doctype html><title>Sandbox Instagram</title><h1>Sandbox Instagram</h1>
<p>dropday asks for ${escapeHtml(q.scope ?? '')}</p><form method="post" action="/oauth/authorize">${hidden}
<label>Professional account <input name="user" value="sandbox_label"></label>
<button name="decision" value="accept">Allow</button><button name="decision" value="deny">Cancel</button></form>`);
  });

  app.post('/oauth/authorize', form, (req, res) => {
    const b = req.body as Record<string, string>;
    const target = consentTarget(b, res, { error_description: 'The user denied your request' });
    if (!target) return;
    const account = state.account(b.user || 'sandbox_label');
    state.revokedUsers.delete(account.userId); // consenting again restores access
    const code = `AQ${randomBytes(20).toString('base64url')}`;
    state.codes.set(code, { userId: account.userId, redirectUri: b.redirect_uri, at: state.now() });
    target.searchParams.set('code', code);
    res.redirect(302, `${target.toString()}#_`);
  });

  app.post('/oauth/access_token', form, (req, res) => {
    const b = req.body as Record<string, string>;
    const code = state.codes.get(b.code ?? '');
    state.codes.delete(b.code ?? '');
    const refuse = (message: string) =>
      res.status(400).json({ error_type: 'OAuthException', code: 400, error_message: message });
    if (b.client_id !== appId || b.client_secret !== appSecret) return refuse('Invalid client_secret');
    if (b.grant_type !== 'authorization_code') return refuse('Invalid grant_type');
    if (!code || code.redirectUri !== b.redirect_uri || state.now() - code.at > CODE_TTL_MS)
      return refuse('Matching code was not found or was already used');
    const issued = state.issue(code.userId, false);
    res.json({
      data: [{ access_token: issued.access_token, user_id: code.userId, permissions: IG_LOGIN_SCOPES.join(',') }],
    });
  });

  const graphToken = (path: string, handler: (q: Record<string, string>, res: Response) => void) => {
    app.get(path, (req, res) => handler(req.query as Record<string, string>, res));
    app.get(`/:version${path}`, (req, res) => handler(req.query as Record<string, string>, res));
  };

  graphToken('/access_token', (q, res) => {
    if (q.grant_type !== 'ig_exchange_token' || q.client_secret !== appSecret)
      return res.status(400).json(graphErrorBody(101, 'Error validating client secret.'));
    const token = state.tokens.get(q.access_token ?? '');
    if (!token || token.longLived) return tokenError(res, undefined, 'Invalid OAuth access token.');
    if (token.expiresAt <= state.now())
      return tokenError(res, 463, 'Error validating access token: Session has expired');
    if (state.revokedUsers.has(token.userId)) return tokenError(res, 460, 'Error validating access token');
    res.json(state.issue(token.userId, true));
  });

  graphToken('/refresh_access_token', (q, res) => {
    const token = state.tokens.get(q.access_token ?? '');
    if (q.grant_type !== 'ig_refresh_token') return res.status(400).json(graphErrorBody(100, 'Invalid grant_type'));
    if (!token || !token.longLived) return tokenError(res, undefined, 'Invalid OAuth access token.');
    if (token.expiresAt <= state.now())
      return tokenError(res, 463, 'Error validating access token: Session has expired');
    if (state.revokedUsers.has(token.userId)) return tokenError(res, 460, 'Error validating access token');
    if (state.now() - token.issuedAt < DAY_MS)
      return res
        .status(400)
        .json(graphErrorBody(100, 'The access token must be at least 24 hours old to be refreshed'));
    res.json(state.issue(token.userId, true));
  });
}
