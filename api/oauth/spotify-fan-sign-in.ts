// Spotify sign-in for fans, shared by pre-saves and deletion requests: authorization code + PKCE, a signed,
// expiring, single-use state whose nonce must come back in a cookie of the browser that started it (no login
// CSRF), and clear pages for everything a fan can get wrong.
import { randomBytes } from 'node:crypto';
import { type Request, type Response } from 'express';
import { z } from 'zod';
import { consumeOAuthState, saveOAuthState } from '../db/oauth-states';
import { codeChallengeS256, createCodeVerifier } from '../lib/crypto/pkce';
import { SignedValueError, signValue, verifyValue } from '../lib/crypto/signed-value';
import { ProviderError } from '../lib/providers/errors';
import { type SpotifyTokens } from '../lib/providers/spotify';
import { type AppDeps } from './deps';
import { messagePage } from './pages/smart-link';

const STATE_TTL_MS = 10 * 60_000;
const STATE_COOKIE = 'dd_oauth_state';
/** Set after a pre-save: the fan's (pseudonymous) id, so the thank-you page and the subscribe form know them. */
export const FAN_COOKIE = 'play_spotify_uid';
const CALLBACK_PATH = '/oauth/spotify/callback';
// Save the release, follow the artist, and check both (so a retry never saves twice); read recently played tracks
// for the attribution window (only plays of the campaign's own tracks are kept, and never sent to ad platforms).
export const PRESAVE_SCOPES = ['user-library-modify', 'user-library-read', 'user-follow-modify', 'user-follow-read', 'user-read-recently-played'];

export type SignInPurpose = 'presave' | 'deletion';

export interface CompletedSignIn {
  purpose: SignInPurpose;
  campaignId: string | null;
  timeZone: string | null;
  /** null when the fan declined on Spotify's consent page */
  grant: { tokens: SpotifyTokens; accountId: string } | null;
}

export const sendPage = (res: Response, status: number, body: string) => res.status(status).type('html').send(body);

export function parseCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

export function createSpotifySignIn({ pool, keyRing, config, providers: { spotify }, logger }: AppDeps) {
  const redirectUri = `${config.PUBLIC_URL}${CALLBACK_PATH}`;
  const secureCookie = config.PUBLIC_URL.startsWith('https://');
  const startAgain = (res: Response, status: number, title: string, why: string) =>
    sendPage(res, status, messagePage(title, `${why} Please start again from the page you came from.`));

  return {
    secureCookie,

    async start(res: Response, input: { purpose: SignInPurpose; campaignId: string | null; timeZone: string | null; scopes: string[] }) {
      const nonce = randomBytes(16).toString('base64url');
      const codeVerifier = createCodeVerifier();
      await saveOAuthState(pool, keyRing, { nonce, purpose: input.purpose, campaignId: input.campaignId, codeVerifier, timeZone: input.timeZone, expiresAt: Date.now() + STATE_TTL_MS });
      const state = signValue(config.STATE_SIGNING_SECRET, { n: nonce }, STATE_TTL_MS);
      res.cookie(STATE_COOKIE, nonce, { httpOnly: true, sameSite: 'lax', secure: secureCookie, maxAge: STATE_TTL_MS, path: CALLBACK_PATH });
      res.redirect(302, spotify.authorizeUrl({ redirectUri, scopes: input.scopes, state, codeChallenge: codeChallengeS256(codeVerifier) }));
    },

    /** Checks the callback and exchanges the code; on any failure it answers with a page and returns null. */
    async finish(req: Request, res: Response): Promise<CompletedSignIn | null> {
      const query = z
        .object({ code: z.string().max(2048).optional(), state: z.string().max(2048).optional(), error: z.string().max(200).optional() })
        .safeParse(req.query);
      if (!query.success || !query.data.state) {
        startAgain(res, 400, 'Something went wrong', 'This sign-in link is incomplete.');
        return null;
      }
      let nonce: string;
      try {
        nonce = verifyValue<{ n: string }>(config.STATE_SIGNING_SECRET, query.data.state).payload.n;
      } catch (error) {
        if (error instanceof SignedValueError && error.reason === 'expired') startAgain(res, 400, 'That took a little too long', 'The sign-in expired.');
        else startAgain(res, 400, 'Something went wrong', 'This sign-in link is not valid.');
        return null;
      }
      if (parseCookie(req.get('cookie'), STATE_COOKIE) !== nonce) {
        startAgain(res, 400, 'Something went wrong', 'This sign-in was started in another browser.');
        return null;
      }
      res.clearCookie(STATE_COOKIE, { path: CALLBACK_PATH });
      const state = await consumeOAuthState(pool, keyRing, nonce);
      if (!state) {
        startAgain(res, 400, 'Already used', 'This sign-in link was already used.');
        return null;
      }
      if (state.purpose !== 'presave' && state.purpose !== 'deletion') {
        startAgain(res, 400, 'Something went wrong', 'This sign-in link is not valid.');
        return null;
      }
      const base = { purpose: state.purpose, campaignId: state.campaignId, timeZone: state.timeZone };
      if (query.data.error || !query.data.code) return { ...base, grant: null };
      try {
        const tokens = await spotify.exchangeCode({ code: query.data.code, redirectUri, codeVerifier: state.codeVerifier });
        const { accountId } = await spotify.me(tokens.accessToken);
        return { ...base, grant: { tokens, accountId } };
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        logger.warn({ kind: error.kind, status: error.status }, 'spotify sign-in failed');
        sendPage(res, 502, messagePage('Spotify did not answer', 'We could not complete the sign-in with Spotify. Please try again in a moment.'));
        return null;
      }
    },
  };
}

export type SpotifySignIn = ReturnType<typeof createSpotifySignIn>;
