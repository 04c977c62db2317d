// "Sign in with Google" for the artist app: OpenID Connect's authorization code flow with PKCE and a nonce, through
// the one OAuth state module (./state.ts). Starting issues a state bound to this browser by an HttpOnly cookie
// holding its nonce (so nobody can hand someone else a callback that signs them in: login CSRF); the OIDC nonce is a
// MAC of that same nonce, so the ID token is tied to this very sign-in without storing anything more. Finishing
// consumes the state (once, in that browser), exchanges the code and verifies the ID token
// (lib/providers/google-sign-in.ts: signature, iss, aud, exp, nonce). What a verified identity then may do (sign in,
// link, create an account) is ../google-members.ts's decision.
import { type Response } from 'express';
import { z } from 'zod';
import { signingKeys } from '../../lib/crypto/signed-value';
import { ProviderError } from '../../lib/providers/errors';
import { type GoogleIdentity, IdTokenRefused, type IdTokenRefusal } from '../../lib/providers/google-sign-in';
import { type AppDeps } from '../deps';
import { parseCookie } from '../http/cookies';
import { type OAuthStates } from './state';

export const GOOGLE_SIGN_IN_CALLBACK_PATH = '/oauth/google-sign-in/callback';
const STATE_TTL_MS = 10 * 60_000;
const STATE_COOKIE = 'dd_google_sign_in';

export const googleCallbackQuery = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(2048),
  error: z.string().max(200).optional(),
});

export type GoogleSignInOutcome =
  /** `invitedMemberId`: the sign-in was started to accept this member's invitation */
  | { outcome: 'identity'; identity: GoogleIdentity; invitedMemberId: string | null }
  /** the state is not valid, expired, of another flow, from another browser or already used */
  | { outcome: 'refused' }
  | { outcome: 'declined' }
  | { outcome: 'id_token_refused'; reason: IdTokenRefusal }
  | { outcome: 'provider_failed' };

export function createGoogleSignIn(deps: AppDeps, states: OAuthStates) {
  const { config, providers, logger } = deps;
  const keys = signingKeys(config);
  const secure = config.PUBLIC_URL.startsWith('https://');
  const redirectUri = `${config.PUBLIC_URL}${GOOGLE_SIGN_IN_CALLBACK_PATH}`;
  const oidcNonce = (browserNonce: string) => keys.mac('oidc-nonce', browserNonce);

  return {
    configured: Boolean(config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET),

    /**
     * Google's consent URL for this browser, which now holds the state's nonce. `invitedMemberId`: the sign-in
     * accepts that member's invitation (the state names the member, so nothing else can be swapped in on the way).
     */
    async start(res: Response, invitedMemberId?: string): Promise<string> {
      const issued = await states.issue('sign-in:google', { memberId: invitedMemberId ?? null }, STATE_TTL_MS);
      res.cookie(STATE_COOKIE, issued.nonce, {
        httpOnly: true,
        sameSite: 'lax', // sent on Google's top-level redirect back to us
        secure,
        maxAge: STATE_TTL_MS,
        path: GOOGLE_SIGN_IN_CALLBACK_PATH,
      });
      return providers.googleSignIn.authorizeUrl({
        redirectUri,
        state: issued.state,
        codeChallenge: issued.codeChallenge,
        nonce: oidcNonce(issued.nonce),
      });
    },

    async finish(
      query: z.infer<typeof googleCallbackQuery>,
      cookieHeader: string | undefined,
      res: Response,
    ): Promise<GoogleSignInOutcome> {
      const browserNonce = parseCookie(cookieHeader, STATE_COOKIE);
      const state = await states.consume(query.state, { purposes: ['sign-in:google'], browserNonce });
      if (state.ok || state.refusal === 'used') res.clearCookie(STATE_COOKIE, { path: GOOGLE_SIGN_IN_CALLBACK_PATH });
      if (!state.ok || !browserNonce) return { outcome: 'refused' };
      if (query.error || !query.code) return { outcome: 'declined' };
      try {
        const idToken = await providers.googleSignIn.exchangeCode({
          code: query.code,
          redirectUri,
          codeVerifier: state.codeVerifier,
        });
        const identity = await providers.googleSignIn.verifyIdToken(idToken, { nonce: oidcNonce(browserNonce) });
        return { outcome: 'identity', identity, invitedMemberId: state.memberId };
      } catch (error) {
        if (error instanceof IdTokenRefused) {
          logger.warn({ reason: error.reason }, 'Google ID token refused');
          return { outcome: 'id_token_refused', reason: error.reason };
        }
        if (!(error instanceof ProviderError)) throw error;
        logger.warn({ kind: error.kind }, 'Google sign-in failed');
        return { outcome: 'provider_failed' };
      }
    },
  };
}

export type GoogleSignIn = ReturnType<typeof createGoogleSignIn>;
