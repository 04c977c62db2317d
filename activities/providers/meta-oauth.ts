// Meta login for an artist's ad account (api-contracts.md §3): dialog → code → short-lived user token →
// fb_exchange_token → long-lived (~60 days) token, exchanged again before it expires; code 190 means the user's
// session is gone (expired, password changed, app removed) and they must connect again.
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';

export class MetaOAuthError extends Error {
  constructor(
    readonly kind: 'session_invalid' | 'unavailable' | 'bad_request',
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'MetaOAuthError';
  }
}

export const META_ADS_SCOPES = ['ads_management', 'ads_read', 'business_management'];

export interface MetaToken {
  accessToken: string;
  expiresInSeconds: number;
}

export class MetaOAuthClient {
  private readonly graph: AxiosInstance;

  constructor(private readonly opts: { appId: string; appSecret?: string; dialogUrl: string; graphUrl: string; version: string }) {
    this.graph = axios.create({ baseURL: `${opts.graphUrl.replace(/\/$/, '')}/${opts.version}`, timeout: 10_000, validateStatus: () => true });
  }

  dialogUrl(input: { redirectUri: string; state: string }): string {
    const url = new URL(`/${this.opts.version}/dialog/oauth`, this.opts.dialogUrl);
    url.search = new URLSearchParams({ client_id: this.opts.appId, redirect_uri: input.redirectUri, state: input.state, scope: META_ADS_SCOPES.join(','), response_type: 'code' }).toString();
    return url.toString();
  }

  exchangeCode(input: { code: string; redirectUri: string }): Promise<MetaToken> {
    return this.accessToken({ code: input.code, redirect_uri: input.redirectUri });
  }

  /** A long-lived token for a short-lived one, or a fresh long-lived one for a long-lived one that still works. */
  exchangeForLongLived(token: string): Promise<MetaToken> {
    return this.accessToken({ grant_type: 'fb_exchange_token', fb_exchange_token: token });
  }

  /** Removes the app's permissions; a token that no longer works has nothing left to remove. */
  async revokePermissions(token: string): Promise<void> {
    const res = await this.call(() => this.graph.delete('/me/permissions', { params: { access_token: token } }));
    if (res.status >= 500) throw new MetaOAuthError('unavailable', `revoke answered ${res.status}`);
  }

  private async accessToken(params: Record<string, string>): Promise<MetaToken> {
    if (!this.opts.appSecret) throw new MetaOAuthError('bad_request', 'META_APP_SECRET is not set');
    const res = await this.call(() => this.graph.get('/oauth/access_token', { params: { ...params, client_id: this.opts.appId, client_secret: this.opts.appSecret } }));
    const body = res.data as { access_token?: string; expires_in?: number; error?: { message?: string; code?: number } };
    if (res.status === 200 && body.access_token) return { accessToken: body.access_token, expiresInSeconds: body.expires_in ?? 5_183_944 };
    // Branch on Graph's error code, never the HTTP status (api-contracts §3).
    const code = body.error?.code;
    const message = body.error?.message ?? `HTTP ${res.status}`;
    if (code === 190) throw new MetaOAuthError('session_invalid', message, code);
    if (code === 1 || code === 2 || res.status >= 500) throw new MetaOAuthError('unavailable', message, code);
    throw new MetaOAuthError('bad_request', message, code);
  }

  private async call(request: () => Promise<AxiosResponse>): Promise<AxiosResponse> {
    try {
      return await request();
    } catch (error) {
      throw new MetaOAuthError('unavailable', `Meta unreachable: ${(error as Error).message}`);
    }
  }
}

export function metaOAuthFrom(config: { META_APP_ID?: string; META_APP_SECRET?: string; META_DIALOG_URL: string; META_GRAPH_URL: string; META_API_VERSION: string }) {
  return new MetaOAuthClient({ appId: config.META_APP_ID ?? 'unset', appSecret: config.META_APP_SECRET, dialogUrl: config.META_DIALOG_URL, graphUrl: config.META_GRAPH_URL, version: config.META_API_VERSION });
}
