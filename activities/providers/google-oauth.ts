// Google's OAuth 2.0 endpoints for an artist's Google Ads connection (api-contracts.md §4): consent with PKCE,
// code exchange and refresh with the client secret (refresh tokens do not rotate), revocation.
import axios, { type AxiosInstance } from 'axios';

export class GoogleOAuthError extends Error {
  constructor(
    readonly kind: 'invalid_grant' | 'invalid_client' | 'unavailable' | 'bad_request',
    message: string,
  ) {
    super(message);
    this.name = 'GoogleOAuthError';
  }
}

export interface GoogleTokens {
  accessToken: string;
  refreshToken?: string;
  expiresInSeconds: number;
  scope: string;
}

export const GOOGLE_ADS_SCOPE = 'https://www.googleapis.com/auth/adwords';

export class GoogleOAuthClient {
  private readonly http: AxiosInstance;

  constructor(private readonly opts: { clientId: string; clientSecret?: string; authUrl: string; oauthUrl: string }) {
    this.http = axios.create({ baseURL: opts.oauthUrl, timeout: 10_000, validateStatus: () => true });
  }

  authorizeUrl(input: { redirectUri: string; state: string; codeChallenge: string }): string {
    const url = new URL('/o/oauth2/v2/auth', this.opts.authUrl);
    url.search = new URLSearchParams({
      client_id: this.opts.clientId,
      redirect_uri: input.redirectUri,
      response_type: 'code',
      scope: GOOGLE_ADS_SCOPE,
      state: input.state,
      code_challenge: input.codeChallenge,
      code_challenge_method: 'S256',
      access_type: 'offline', // a refresh token
      prompt: 'consent',
    }).toString();
    return url.toString();
  }

  exchangeCode(input: { code: string; redirectUri: string; codeVerifier: string }): Promise<GoogleTokens> {
    return this.token({ grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri, code_verifier: input.codeVerifier });
  }

  refresh(refreshToken: string): Promise<GoogleTokens> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** Revokes the grant; an already revoked or expired token is fine (nothing left to revoke). */
  async revoke(token: string): Promise<void> {
    const res = await this.call(() => this.http.post('/revoke', new URLSearchParams({ token }).toString(), { headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    if (res.status >= 500) throw new GoogleOAuthError('unavailable', `revoke answered ${res.status}`);
  }

  private async token(form: Record<string, string>): Promise<GoogleTokens> {
    if (!this.opts.clientSecret) throw new GoogleOAuthError('invalid_client', 'GOOGLE_CLIENT_SECRET is not set');
    const res = await this.call(() =>
      this.http.post('/token', new URLSearchParams({ ...form, client_id: this.opts.clientId, client_secret: this.opts.clientSecret! }).toString(), {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    const body = res.data as { access_token?: string; refresh_token?: string; expires_in?: number; scope?: string; error?: string; error_description?: string };
    if (res.status === 200 && body.access_token) {
      return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresInSeconds: body.expires_in ?? 3599, scope: body.scope ?? '' };
    }
    const message = `${body.error ?? res.status}: ${body.error_description ?? ''}`;
    if (body.error === 'invalid_grant') throw new GoogleOAuthError('invalid_grant', message);
    if (body.error === 'invalid_client') throw new GoogleOAuthError('invalid_client', message);
    throw new GoogleOAuthError(res.status >= 500 ? 'unavailable' : 'bad_request', message);
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw new GoogleOAuthError('unavailable', `Google unreachable: ${(error as Error).message}`);
    }
  }
}

export function googleOAuthFrom(config: { GOOGLE_CLIENT_ID?: string; GOOGLE_CLIENT_SECRET?: string; GOOGLE_AUTH_URL: string; GOOGLE_OAUTH_URL: string }) {
  return new GoogleOAuthClient({
    clientId: config.GOOGLE_CLIENT_ID ?? 'unset',
    clientSecret: config.GOOGLE_CLIENT_SECRET,
    authUrl: config.GOOGLE_AUTH_URL,
    oauthUrl: config.GOOGLE_OAUTH_URL,
  });
}
