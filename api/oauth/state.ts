// The one OAuth state + PKCE module, for every flow that sends a browser to a provider and back: the fans' Spotify
// sign-in (pre-save, deletion) and the artists' Google, Meta and Spotify connects, and the flows to come.
//
// Issuing writes nothing: the flow's context (purpose, campaign or account, zone, language, the PKCE verifier) is
// sealed into the state itself — encrypted with the key ring (AES-256-GCM, bound to a random nonce) and signed with
// the purpose and an expiry — so the provider and the browser only ever see ciphertext and the S256 challenge.
// Consuming checks the signature, the purpose and, where the flow binds it, the browser, then records the nonce's
// one use (db/oauth-states.ts), so a state works exactly once. The purpose is in what is signed so a state issued
// for one kind of flow is refused, and not burnt, at another kind's callback. (A sign-in's start is release day's
// busiest write after the pre-save itself: sealing saves it its row and its round trip.)
import { randomBytes } from 'node:crypto';
import { type OAuthPurpose, recordOAuthStateUse } from '../../db/oauth-states';
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
  /** the nonce: the sealed context's binding, the browser cookie's value, the one-use record's key */
  n: string;
  p: string;
  /** the sealed context (SealedContext, encrypted) */
  x: string;
}

interface SealedContext {
  c: string | null;
  a: string | null;
  z: string | null;
  l: string | null;
  f: boolean;
  m: string | null;
  v: string;
}

const sealingAad = (nonce: string) => `oauth-state:${nonce}`;

export function createOAuthStates({ pool, keyRing, config }: Pick<AppDeps, 'pool' | 'keyRing' | 'config'>) {
  const keys = signingKeys(config);

  return {
    async issue(purpose: OAuthPurpose, context: Partial<OAuthStateContext>, ttlMs: number): Promise<IssuedOAuthState> {
      const nonce = randomBytes(16).toString('base64url');
      const codeVerifier = createCodeVerifier();
      const expiresAt = Date.now() + ttlMs;
      const sealed: SealedContext = {
        c: context.campaignId ?? null,
        a: context.accountId ?? null,
        z: context.timeZone ?? null,
        l: context.lang ?? null,
        f: context.foreverSave ?? false,
        m: context.memberId ?? null,
        v: codeVerifier,
      };
      const x = keyRing.encrypt(JSON.stringify(sealed), sealingAad(nonce));
      const state = keys.sign<SignedState>('oauth-state', { n: nonce, p: purpose, x }, ttlMs);
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
      let expiresAt: number;
      try {
        const envelope = keys.verify<Partial<SignedState>>('oauth-state', value);
        signed = envelope.payload;
        expiresAt = envelope.expiresAt;
      } catch (error) {
        if (!(error instanceof SignedValueError)) throw error;
        return { ok: false, refusal: error.reason === 'expired' ? 'expired' : 'invalid' };
      }
      if (typeof signed?.n !== 'string' || typeof signed.p !== 'string' || typeof signed.x !== 'string') {
        return { ok: false, refusal: 'invalid' };
      }
      const isExpected = (p: string): p is P => (expected.purposes as readonly string[]).includes(p);
      if (!isExpected(signed.p)) return { ok: false, refusal: 'wrong_purpose' };
      if (expected.browserNonce !== undefined && expected.browserNonce !== signed.n) {
        return { ok: false, refusal: 'other_browser' };
      }
      let context: SealedContext;
      try {
        context = JSON.parse(keyRing.decrypt(signed.x, sealingAad(signed.n))) as SealedContext;
      } catch {
        return { ok: false, refusal: 'invalid' }; // sealed under a key since retired
      }
      if (!(await recordOAuthStateUse(pool, signed.n, expiresAt))) return { ok: false, refusal: 'used' };
      return {
        ok: true,
        purpose: signed.p,
        campaignId: context.c,
        accountId: context.a,
        timeZone: context.z,
        lang: context.l,
        foreverSave: context.f,
        memberId: context.m,
        codeVerifier: context.v,
      };
    },
  };
}

export type OAuthStates = ReturnType<typeof createOAuthStates>;
