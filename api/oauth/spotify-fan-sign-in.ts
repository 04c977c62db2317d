// Spotify sign-in for fans, shared by pre-saves and deletion requests: authorization code + PKCE and a signed,
// expiring, single-use state (./state.ts) whose nonce must come back in a cookie of the browser that started it (no
// login CSRF), and clear pages for everything a fan can get wrong.
import { type Request, type Response } from 'express';
import { z } from 'zod';
import { ProviderError } from '../../lib/providers/errors';
import { isForbidden, type SpotifyTokens } from '../../lib/providers/spotify';
import { type AppDeps } from '../deps';
import { parseCookie } from '../http/cookies';
import { type Lang, languageOr, messagesFor } from '../../lib/i18n';
import { carriedLanguage, fanLanguage } from '../http/fan-language';
import { sendPage } from '../pages/send-page';
import { messagePage } from '../pages/smart-link';
import { type OAuthStateRefusal, type OAuthStates } from './state';

const STATE_TTL_MS = 10 * 60_000;
const STATE_COOKIE = 'dd_oauth_state';
export const FAN_SIGN_IN_CALLBACK_PATH = '/oauth/spotify/callback';
// Save the release and check it is saved (so a retry never saves twice); read recently played tracks for the
// attribution window (only plays of the campaign's own tracks are kept, and never sent to ad platforms). Following
// the artist, and checking the follow, only for a campaign that follows the artist: a fan grants no more than the
// campaign uses.
const LIBRARY_SCOPES = ['user-library-modify', 'user-library-read'];
const FOLLOW_SCOPES = ['user-follow-modify', 'user-follow-read'];
const LISTENING_SCOPES = ['user-read-recently-played'];

export function presaveScopes(campaign: { followArtist: boolean }): string[] {
  return [...LIBRARY_SCOPES, ...(campaign.followArtist ? FOLLOW_SCOPES : []), ...LISTENING_SCOPES];
}

export type SignInPurpose = 'presave' | 'deletion';
const SIGN_IN_PURPOSES: readonly SignInPurpose[] = ['presave', 'deletion'];

/** What Spotify sends back to the callback: a code and our state, or an error (the fan said no). */
const callbackQuery = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(2048).optional(),
  error: z.string().max(200).optional(),
});

export interface SignInStart {
  purpose: SignInPurpose;
  campaignId: string | null;
  timeZone: string | null;
  /** the fan's language: the pages after the callback and the pre-save are in it */
  lang: Lang;
  scopes: string[];
  /** a pre-save's forever-save tick, carried through Spotify's consent page */
  foreverSave?: boolean;
}

export interface CompletedSignIn {
  purpose: SignInPurpose;
  campaignId: string | null;
  timeZone: string | null;
  lang: Lang;
  foreverSave: boolean;
  /** null when the fan declined on Spotify's consent page, or (a pre-save) Spotify did not let them in: `failure` */
  grant: { tokens: SpotifyTokens; accountId: string } | null;
  /**
   * A pre-save's sign-in that Spotify refused after consent (`not_allowed`: a 403, e.g. an app in Development Mode
   * at its user cap) or could not complete (`unavailable`): the fan is offered a reminder instead of a dead end.
   */
  failure?: 'not_allowed' | 'unavailable';
}

/** The page for each refused state: [title, why], in the fan's language. */
function refused(lang: Lang, refusal: OAuthStateRefusal): [string, string] {
  const t = messagesFor(lang).signIn;
  return {
    invalid: [t.somethingWrong, t.invalid],
    wrong_purpose: [t.somethingWrong, t.invalid],
    expired: [t.tooLong, t.expired],
    other_browser: [t.somethingWrong, t.otherBrowser],
    used: [t.alreadyUsed, t.used],
  }[refusal] as [string, string];
}

export function createSpotifySignIn({ config, providers: { spotify }, logger }: AppDeps, states: OAuthStates) {
  const redirectUri = `${config.PUBLIC_URL}${FAN_SIGN_IN_CALLBACK_PATH}`;
  const secureCookie = config.PUBLIC_URL.startsWith('https://');
  // Before the state is read the language is the request's (the callback comes back from Spotify in the browser
  // that set off, with its Accept-Language); the switch links to the deletion page, a page that always exists.
  const startAgain = (req: Request, res: Response, status: number, title: string, why: string) => {
    const language = fanLanguage(req);
    const fan = { language, path: '/privacy/delete' };
    sendPage(res, status, messagePage(title, `${why} ${messagesFor(language.lang).signIn.startAgain}`, fan));
  };

  return {
    secureCookie,

    async start(res: Response, input: SignInStart) {
      const { purpose, campaignId, timeZone, lang, scopes, foreverSave } = input;
      const issued = await states.issue(purpose, { campaignId, timeZone, lang, foreverSave }, STATE_TTL_MS);
      res.cookie(STATE_COOKIE, issued.nonce, {
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookie,
        maxAge: STATE_TTL_MS,
        path: FAN_SIGN_IN_CALLBACK_PATH,
      });
      const { state, codeChallenge } = issued;
      res.redirect(302, spotify.authorizeUrl({ redirectUri, scopes, state, codeChallenge }));
    },

    /** Checks the callback and exchanges the code; on any failure it answers with a page and returns null. */
    async finish(req: Request, res: Response): Promise<CompletedSignIn | null> {
      const query = callbackQuery.safeParse(req.query);
      if (!query.success || !query.data.state) {
        const t = messagesFor(fanLanguage(req).lang).signIn;
        startAgain(req, res, 400, t.somethingWrong, t.incomplete);
        return null;
      }
      const browserNonce = parseCookie(req.get('cookie'), STATE_COOKIE);
      const state = await states.consume(query.data.state, { purposes: SIGN_IN_PURPOSES, browserNonce });
      // The browser that started this sign-in is done with its cookie, whether or not the state was still good.
      if (state.ok || state.refusal === 'used') res.clearCookie(STATE_COOKIE, { path: FAN_SIGN_IN_CALLBACK_PATH });
      if (!state.ok) {
        startAgain(req, res, 400, ...refused(fanLanguage(req).lang, state.refusal));
        return null;
      }
      const base = {
        purpose: state.purpose,
        campaignId: state.campaignId,
        timeZone: state.timeZone,
        lang: languageOr(state.lang, fanLanguage(req).lang),
        foreverSave: state.foreverSave,
      };
      if (query.data.error || !query.data.code) return { ...base, grant: null };
      try {
        const tokens = await spotify.exchangeCode({
          code: query.data.code,
          redirectUri,
          codeVerifier: state.codeVerifier,
        });
        const { accountId } = await spotify.me(tokens.accessToken);
        return { ...base, grant: { tokens, accountId } };
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        logger.warn({ kind: error.kind, status: error.status }, 'spotify sign-in failed');
        if (base.purpose === 'presave' && base.campaignId) {
          return { ...base, grant: null, failure: isForbidden(error) ? 'not_allowed' : 'unavailable' };
        }
        const t = messagesFor(base.lang).signIn;
        const fan = { language: carriedLanguage(req, base.lang), path: '/privacy/delete' };
        sendPage(res, 502, messagePage(t.spotifyNoAnswer, t.spotifyNoAnswerBody, fan));
        return null;
      }
    },
  };
}

export type SpotifySignIn = ReturnType<typeof createSpotifySignIn>;
