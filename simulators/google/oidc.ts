// Google's OpenID Connect as the simulator serves it for "Sign in with Google" (docs/providers/google.md): the
// discovery document, the JWKS of an RSA key made at start-up, and RS256-signed ID tokens with the claims Google
// sends (iss, aud, sub, email, email_verified, nonce, iat, exp, name). Faults on demand spoil the next ID token the
// way a forged or misdirected one would look: another key's signature, another nonce, another audience, expired,
// or an address Google has not verified.
import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { type Express, type Request } from 'express';

export const ID_TOKEN_FAULTS = ['bad_signature', 'wrong_nonce', 'wrong_aud', 'expired', 'unverified_email'] as const;
export type IdTokenFault = (typeof ID_TOKEN_FAULTS)[number];

export interface OidcIdentity {
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string;
  nonce?: string;
}

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function rsaKey(): { privateKey: KeyObject; kid: string; jwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(8).toString('hex');
  return { privateKey, kid, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

export class OidcKeys {
  private readonly key = rsaKey();
  /** a key nobody publishes: what a forger signs with */
  private readonly stranger = rsaKey();
  readonly faults: IdTokenFault[] = [];

  jwks() {
    return { keys: [this.key.jwk] };
  }

  /** The ID token for `who`, signed for `clientId` by `issuer`, spoilt by the next queued fault if any. */
  idToken(issuer: string, clientId: string, who: OidcIdentity): string {
    const fault = this.faults.shift();
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: issuer,
      aud: fault === 'wrong_aud' ? 'someone-elses-client.apps.googleusercontent.com' : clientId,
      azp: clientId,
      sub: who.sub,
      email: who.email,
      email_verified: fault === 'unverified_email' ? false : who.emailVerified,
      name: who.name,
      iat: fault === 'expired' ? now - 7200 : now,
      exp: fault === 'expired' ? now - 3600 : now + 3600,
      ...(who.nonce !== undefined ? { nonce: fault === 'wrong_nonce' ? 'a-nonce-of-another-sign-in' : who.nonce } : {}),
    };
    const signer = fault === 'bad_signature' ? this.stranger : this.key;
    const signingInput = `${b64url({ alg: 'RS256', kid: this.key.kid, typ: 'JWT' })}.${b64url(claims)}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(signer.privateKey).toString('base64url');
    return `${signingInput}.${signature}`;
  }
}

/** This simulator's own base URL as the client reached it: the issuer it names. */
export const issuerOf = (req: Request) => `${req.protocol}://${req.get('host')}`;

export function mountOidc(app: Express, keys: OidcKeys): void {
  app.get('/.well-known/openid-configuration', (req, res) => {
    const base = issuerOf(req);
    res.set('cache-control', 'public, max-age=3600').json({
      issuer: base,
      authorization_endpoint: `${base}/o/oauth2/v2/auth`,
      token_endpoint: `${base}/token`,
      jwks_uri: `${base}/oauth2/v3/certs`,
      revocation_endpoint: `${base}/revoke`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      code_challenge_methods_supported: ['plain', 'S256'],
      claims_supported: ['aud', 'email', 'email_verified', 'exp', 'iat', 'iss', 'name', 'sub', 'nonce'],
    });
  });
  app.get('/oauth2/v3/certs', (_req, res) => res.set('cache-control', 'public, max-age=3600').json(keys.jwks()));
  /** Spoil the next ID tokens: {"faults":["bad_signature", ...]} (one per token, in order). */
  app.post('/__control/id-token-faults', (req, res) => {
    const given = (req.body as { faults?: unknown }).faults;
    const faults = Array.isArray(given) ? given.filter((f): f is IdTokenFault => ID_TOKEN_FAULTS.includes(f)) : [];
    keys.faults.push(...faults);
    res.json({ queued: keys.faults });
  });
}
