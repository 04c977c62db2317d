// Google's OAuth 2.0 endpoints for an artist's Google Ads connection (docs/providers/google.md): consent with PKCE,
// code exchange and refresh with the client secret (refresh tokens do not rotate), revocation. invalid_grant is
// token_invalid (the grant is gone); invalid_client and other 4xx are invalid_request.
import { type Config } from '../config';
import { ProviderError } from './errors';
import { type OnProviderCall, ProviderHttp, type ProviderResponse } from './http';

export interface GoogleTokens {
  accessToken: string;
  refreshToken?: string;
  expiresInSeconds: number;
  scope: string;
}

export const GOOGLE_ADS_SCOPE = 'https://www.googleapis.com/auth/adwords';

export class GoogleOAuthClient {
  private readonly http: ProviderHttp;

  constructor(
    private readonly opts: {
      clientId: string;
      clientSecret?: string;
      authUrl: string;
      oauthUrl: string;
      onCall?: OnProviderCall;
    },
  ) {
    this.http = new ProviderHttp({
      provider: 'google',
      label: 'Google',
      baseURL: opts.oauthUrl,
      timeoutMs: 10_000,
      classify: classifyTokenAnswer,
      onCall: opts.onCall,
    });
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
    return this.token({
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: input.redirectUri,
      code_verifier: input.codeVerifier,
    });
  }

  refresh(refreshToken: string): Promise<GoogleTokens> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** Revokes the grant; an already revoked or expired token is fine (nothing left to revoke). */
  async revoke(token: string): Promise<void> {
    await this.http.request({
      operation: 'oauth.revoke',
      method: 'POST',
      url: '/revoke',
      data: new URLSearchParams({ token }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      classify: ({ status }) =>
        status >= 500 ? new ProviderError('google', 'unavailable', `revoke answered ${status}`, { status }) : null,
    });
  }

  private async token(form: Record<string, string>): Promise<GoogleTokens> {
    const secret = this.opts.clientSecret;
    if (!secret) throw new ProviderError('google', 'invalid_request', 'GOOGLE_CLIENT_SECRET is not set');
    const res = await this.http.request({
      operation: 'oauth.token',
      method: 'POST',
      url: '/token',
      data: new URLSearchParams({ ...form, client_id: this.opts.clientId, client_secret: secret }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const body = res.data as TokenAnswer;
    return {
      accessToken: body.access_token!,
      refreshToken: body.refresh_token,
      expiresInSeconds: body.expires_in ?? 3599,
      scope: body.scope ?? '',
    };
  }
}

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

function classifyTokenAnswer(res: ProviderResponse): ProviderError | null {
  const body = (res.data ?? {}) as TokenAnswer;
  if (res.status === 200 && body.access_token) return null;
  const message = `${body.error ?? res.status}: ${body.error_description ?? ''}`;
  const detail = { status: res.status, code: body.error };
  if (body.error === 'invalid_grant') return new ProviderError('google', 'token_invalid', message, detail);
  return new ProviderError('google', res.status >= 500 ? 'unavailable' : 'invalid_request', message, detail);
}

export function googleOAuthFrom(
  config: Pick<Config, 'GOOGLE_CLIENT_ID' | 'GOOGLE_CLIENT_SECRET' | 'GOOGLE_AUTH_URL' | 'GOOGLE_OAUTH_URL'>,
  onCall?: OnProviderCall,
) {
  return new GoogleOAuthClient({
    clientId: config.GOOGLE_CLIENT_ID ?? 'unset',
    clientSecret: config.GOOGLE_CLIENT_SECRET,
    authUrl: config.GOOGLE_AUTH_URL,
    oauthUrl: config.GOOGLE_OAUTH_URL,
    onCall,
  });
}
