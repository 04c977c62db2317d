// "Sign in with Google": OpenID Connect's authorization code flow with PKCE and a nonce (docs/providers/google.md).
// The endpoints and keys come from Google's discovery document (GOOGLE_AUTH_URL/.well-known/openid-configuration),
// so the sandbox simulator and Google are reached the same way. An ID token is taken only when its RS256 signature
// verifies with a key of the published JWKS and its iss, aud, exp and nonce are what this sign-in expects; the
// caller decides about email_verified. Discovery and keys are cached for an hour; an unknown key id fetches the
// keys again (at most once a minute), so Google's key rotation needs no restart.
import { type Config } from '../config';
import { decodeJws, type Jwk, verifyRs256 } from '../crypto/jws';
import { ProviderError } from './errors';
import { type OnProviderCall, ProviderHttp, type ProviderResponse } from './http';

export const GOOGLE_SIGN_IN_SCOPES = ['openid', 'email', 'profile'];
const CACHE_MS = 3600_000;
const REFETCH_KEYS_AFTER_MS = 60_000;
/** Clock skew allowed between Google's clock and ours, for exp and iat. */
const SKEW_SECONDS = 120;

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

export interface GoogleIdentity {
  /** Google's stable id of the account */
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
}

/** Why an ID token was refused. */
export type IdTokenRefusal =
  | 'malformed'
  | 'unsupported_alg'
  | 'unknown_key'
  | 'bad_signature'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'expired'
  | 'wrong_nonce'
  | 'no_email';

export class IdTokenRefused extends Error {
  constructor(readonly reason: IdTokenRefusal) {
    super(`ID token refused: ${reason}`);
    this.name = 'IdTokenRefused';
  }
}

export class GoogleSignInClient {
  private readonly http: ProviderHttp;
  private discovery: { at: number; value: Promise<Discovery> } | null = null;
  private keys: { at: number; value: Promise<Jwk[]> } | null = null;

  constructor(
    private readonly opts: { clientId: string; clientSecret?: string; issuerUrl: string; onCall?: OnProviderCall },
  ) {
    this.http = new ProviderHttp({
      provider: 'google',
      label: 'Google sign-in',
      baseURL: opts.issuerUrl,
      timeoutMs: 10_000,
      classify: classify,
      onCall: opts.onCall,
    });
  }

  private config(): Promise<Discovery> {
    if (!this.discovery || Date.now() - this.discovery.at > CACHE_MS) {
      const value = this.http
        .request({ operation: 'oidc.discovery', method: 'GET', url: '/.well-known/openid-configuration' })
        .then((res) => {
          const d = res.data as Partial<Discovery>;
          if (!d.issuer || !d.authorization_endpoint || !d.token_endpoint || !d.jwks_uri)
            throw new ProviderError('google', 'unavailable', 'discovery document without its endpoints');
          // OpenID Connect Discovery §4.3: the issuer is the URL the document was fetched from.
          if (d.issuer.replace(/\/$/, '') !== this.opts.issuerUrl.replace(/\/$/, ''))
            throw new ProviderError('google', 'invalid_request', `discovery names another issuer: ${d.issuer}`);
          return d as Discovery;
        });
      value.catch(() => (this.discovery = null)); // a failed fetch is not cached
      this.discovery = { at: Date.now(), value };
    }
    return this.discovery.value;
  }

  private jwks(refetch: boolean): Promise<Jwk[]> {
    const stale = !this.keys || Date.now() - this.keys.at > CACHE_MS;
    const mayRefetch = refetch && this.keys !== null && Date.now() - this.keys.at > REFETCH_KEYS_AFTER_MS;
    if (stale || mayRefetch) {
      const value = this.config().then(async ({ jwks_uri }) => {
        const res = await this.http.request({ operation: 'oidc.jwks', method: 'GET', url: jwks_uri });
        const keys = (res.data as { keys?: unknown }).keys;
        return Array.isArray(keys) ? (keys as Jwk[]) : [];
      });
      value.catch(() => (this.keys = null));
      this.keys = { at: Date.now(), value };
    }
    return this.keys!.value;
  }

  async authorizeUrl(input: { redirectUri: string; state: string; codeChallenge: string; nonce: string }) {
    const url = new URL((await this.config()).authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: this.opts.clientId,
      redirect_uri: input.redirectUri,
      response_type: 'code',
      scope: GOOGLE_SIGN_IN_SCOPES.join(' '),
      state: input.state,
      nonce: input.nonce,
      code_challenge: input.codeChallenge,
      code_challenge_method: 'S256',
      prompt: 'select_account',
    }).toString();
    return url.toString();
  }

  /** The code for the ID token; the access token is not kept (sign-in needs none of Google's APIs). */
  async exchangeCode(input: { code: string; redirectUri: string; codeVerifier: string }): Promise<string> {
    const secret = this.opts.clientSecret;
    if (!secret) throw new ProviderError('google', 'invalid_request', 'GOOGLE_CLIENT_SECRET is not set');
    const { token_endpoint } = await this.config();
    const res = await this.http.request({
      operation: 'oidc.token',
      method: 'POST',
      url: token_endpoint,
      data: new URLSearchParams({
        grant_type: 'authorization_code',
        code: input.code,
        redirect_uri: input.redirectUri,
        code_verifier: input.codeVerifier,
        client_id: this.opts.clientId,
        client_secret: secret,
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      classify: classifyToken,
    });
    const idToken = (res.data as { id_token?: unknown }).id_token;
    if (typeof idToken !== 'string') throw new ProviderError('google', 'invalid_request', 'no id_token in the answer');
    return idToken;
  }

  /** The identity an ID token vouches for, or IdTokenRefused (see the header for what is checked). */
  async verifyIdToken(idToken: string, expected: { nonce: string }): Promise<GoogleIdentity> {
    const decoded = decodeJws(idToken);
    if (!decoded) throw new IdTokenRefused('malformed');
    let signed = verifyRs256(decoded, await this.jwks(false));
    if (signed === 'unknown_key') signed = verifyRs256(decoded, await this.jwks(true));
    if (signed !== true) throw new IdTokenRefused(signed);
    const claims = decoded.payload;
    const { issuer } = await this.config();
    // Google's tokens name their issuer with or without the scheme (its own documentation says so).
    const issuers = [issuer, issuer.replace(/^https:\/\//, '')];
    if (typeof claims.iss !== 'string' || !issuers.includes(claims.iss)) throw new IdTokenRefused('wrong_issuer');
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(this.opts.clientId)) throw new IdTokenRefused('wrong_audience');
    if (audiences.length > 1 && claims.azp !== this.opts.clientId) throw new IdTokenRefused('wrong_audience');
    const now = Date.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp + SKEW_SECONDS < now) throw new IdTokenRefused('expired');
    if (typeof claims.iat === 'number' && claims.iat - SKEW_SECONDS > now) throw new IdTokenRefused('expired');
    if (typeof claims.nonce !== 'string' || claims.nonce !== expected.nonce) throw new IdTokenRefused('wrong_nonce');
    if (typeof claims.sub !== 'string' || !claims.sub || typeof claims.email !== 'string' || !claims.email)
      throw new IdTokenRefused('no_email');
    return {
      sub: claims.sub,
      email: claims.email.trim().toLowerCase(),
      // Google sends a boolean; older tokens sent the string "true".
      emailVerified: claims.email_verified === true || claims.email_verified === 'true',
      name: typeof claims.name === 'string' ? claims.name : null,
    };
  }
}

function classify(res: ProviderResponse): ProviderError | null {
  if (res.status === 200) return null;
  return new ProviderError('google', res.status >= 500 ? 'unavailable' : 'invalid_request', `answered ${res.status}`, {
    status: res.status,
  });
}

function classifyToken(res: ProviderResponse): ProviderError | null {
  const body = (res.data ?? {}) as { error?: string; error_description?: string };
  if (res.status === 200) return null;
  const message = `${body.error ?? res.status}: ${body.error_description ?? ''}`;
  const detail = { status: res.status, code: body.error };
  if (body.error === 'invalid_grant') return new ProviderError('google', 'token_invalid', message, detail);
  return new ProviderError('google', res.status >= 500 ? 'unavailable' : 'invalid_request', message, detail);
}

export function googleSignInFrom(
  config: Pick<Config, 'GOOGLE_CLIENT_ID' | 'GOOGLE_CLIENT_SECRET' | 'GOOGLE_AUTH_URL'>,
  onCall?: OnProviderCall,
) {
  return new GoogleSignInClient({
    clientId: config.GOOGLE_CLIENT_ID ?? 'unset',
    clientSecret: config.GOOGLE_CLIENT_SECRET,
    issuerUrl: config.GOOGLE_AUTH_URL,
    onCall,
  });
}
