// The one OAuth state + PKCE module, for every flow that sends a browser to a provider and back: the fans' Spotify
// sign-in (pre-save, deletion) and the artists' Google, Meta and Spotify connects, and the flows to come.
//
// Issuing stores the state once (db/oauth-states.ts: purpose, campaign or account, zone, expiry, the encrypted PKCE
// verifier) under a random nonce, and signs {nonce, purpose} with an expiry: the provider only ever sees the signed
// value and the S256 challenge. Consuming checks the signature, the purpose and, where the flow binds it, the
// browser, before it touches the row; then it marks the row used, so a state works exactly once. The purpose is in
// what is signed so a state issued for one kind of flow is refused, and not burnt, at another kind's callback.
import { randomBytes } from 'node:crypto';
import { consumeOAuthState, type OAuthPurpose, saveOAuthState } from '../../db/oauth-states';
import { codeChallengeS256, createCodeVerifier } from '../../lib/crypto/pkce';
import { SignedValueError, signingKeys } from '../../lib/crypto/signed-value';
import { type AppDeps } from '../deps';

export { type OAuthPurpose } from '../../db/oauth-states';

/** What the flow needs back at its callback; which fields are set depends on the purpose. */
export interface OAuthStateContext {
  campaignId: string | null;
  /** the artist's account, for connects */
  accountId: string | null;
  /** the fan's zone as their browser gave it, for pre-saves */
  timeZone: string | null;
  /** the fan's language (lib/i18n), for the pages and the pre-save after the callback */
  lang: string | null;
  /** a pre-save's "also save this artist's next releases" tick (docs/forever-save.md) */
  foreverSave: boolean;
  /** the invited member whose invitation a Google sign-in accepts (../google-members.ts) */
  memberId: string | null;
}

export interface IssuedOAuthState {
  /** the provider's `state` parameter */
  state: string;
  /** for flows that bind the state to the browser that started it (a cookie holding it) */
  nonce: string;
  /** PKCE S256 challenge of the stored verifier; a provider without PKCE (Meta's dialog) ignores it */
  codeChallenge: string;
  expiresAt: number;
}

/**
 * Why a state was refused: `invalid` (malformed, forged or tampered), `expired`, `wrong_purpose` (issued for
 * another kind of flow), `other_browser` (the binding cookie does not match: login CSRF), `used` (replayed).
 */
export type OAuthStateRefusal = 'invalid' | 'expired' | 'wrong_purpose' | 'other_browser' | 'used';

export type ConsumedOAuthState<P extends OAuthPurpose> =
  ({ ok: true; purpose: P; codeVerifier: string } & OAuthStateContext) | { ok: false; refusal: OAuthStateRefusal };

interface SignedState {
  n: string;
  p: string;
}

export function createOAuthStates({ pool, keyRing, config }: Pick<AppDeps, 'pool' | 'keyRing' | 'config'>) {
  const keys = signingKeys(config);

  return {
    async issue(purpose: OAuthPurpose, context: Partial<OAuthStateContext>, ttlMs: number): Promise<IssuedOAuthState> {
      const nonce = randomBytes(16).toString('base64url');
      const codeVerifier = createCodeVerifier();
      const expiresAt = Date.now() + ttlMs;
      await saveOAuthState(pool, keyRing, {
        nonce,
        purpose,
        campaignId: context.campaignId ?? null,
        accountId: context.accountId ?? undefined,
        codeVerifier,
        timeZone: context.timeZone ?? null,
        lang: context.lang ?? null,
        foreverSave: context.foreverSave ?? false,
        memberId: context.memberId ?? null,
        expiresAt,
      });
      const state = keys.sign<SignedState>('oauth-state', { n: nonce, p: purpose }, ttlMs);
      return { state, nonce, codeChallenge: codeChallengeS256(codeVerifier), expiresAt };
    },

    /**
     * Exactly once per issued state. `browserNonce`: the nonce the starting browser kept (its cookie value, or null
     * without one); leave it out for flows not bound to a browser.
     */
    async consume<P extends OAuthPurpose>(
      value: string,
      expected: { purposes: readonly P[]; browserNonce?: string | null },
    ): Promise<ConsumedOAuthState<P>> {
      let signed: Partial<SignedState>;
      try {
        signed = keys.verify<Partial<SignedState>>('oauth-state', value).payload;
      } catch (error) {
        if (!(error instanceof SignedValueError)) throw error;
        return { ok: false, refusal: error.reason === 'expired' ? 'expired' : 'invalid' };
      }
      if (typeof signed?.n !== 'string' || typeof signed.p !== 'string') return { ok: false, refusal: 'invalid' };
      const isExpected = (p: string): p is P => (expected.purposes as readonly string[]).includes(p);
      if (!isExpected(signed.p)) return { ok: false, refusal: 'wrong_purpose' };
      if (expected.browserNonce !== undefined && expected.browserNonce !== signed.n) {
        return { ok: false, refusal: 'other_browser' };
      }
      const row = await consumeOAuthState(pool, keyRing, signed.n);
      if (!row) return { ok: false, refusal: 'used' };
      // The row's purpose was written at issue with the same value that was signed; a mismatch means tampering.
      if (row.purpose !== signed.p) return { ok: false, refusal: 'wrong_purpose' };
      const { campaignId, accountId, timeZone, lang, foreverSave, memberId, codeVerifier } = row;
      return {
        ok: true,
        purpose: signed.p,
        campaignId,
        accountId,
        timeZone,
        lang,
        foreverSave,
        memberId,
        codeVerifier,
      };
    },
  };
}

export type OAuthStates = ReturnType<typeof createOAuthStates>;
