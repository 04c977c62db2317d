// Meta login for an artist's ad account (docs/providers/meta.md): dialog → code → short-lived user token →
// fb_exchange_token → long-lived (~60 days) token, exchanged again before it expires. Graph's error.code decides,
// never the HTTP status: 190 is token_invalid (the user's session is gone: expired, password changed, app removed,
// and they must connect again); 1, 2 and 5xx are unavailable; anything else is invalid_request.
import { type Config } from '../config';
import { ProviderError } from './errors';
import { type OnProviderCall, ProviderHttp, type ProviderResponse } from './http';

export const META_ADS_SCOPES = ['ads_management', 'ads_read', 'business_management'];

export interface MetaToken {
  accessToken: string;
  expiresInSeconds: number;
}

export class MetaOAuthClient {
  private readonly graph: ProviderHttp;

  constructor(
    private readonly opts: {
      appId: string;
      appSecret?: string;
      dialogUrl: string;
      graphUrl: string;
      version: string;
      onCall?: OnProviderCall;
    },
  ) {
    this.graph = new ProviderHttp({
      provider: 'meta',
      label: 'Meta',
      timeoutMs: 10_000,
      baseURL: `${opts.graphUrl.replace(/\/$/, '')}/${opts.version}`,
      classify: classifyTokenAnswer,
      onCall: opts.onCall,
    });
  }

  dialogUrl(input: { redirectUri: string; state: string }): string {
    const url = new URL(`/${this.opts.version}/dialog/oauth`, this.opts.dialogUrl);
    url.search = new URLSearchParams({
      client_id: this.opts.appId,
      redirect_uri: input.redirectUri,
      state: input.state,
      scope: META_ADS_SCOPES.join(','),
      response_type: 'code',
    }).toString();
    return url.toString();
  }

  exchangeCode(input: { code: string; redirectUri: string }): Promise<MetaToken> {
    return this.accessToken({ code: input.code, redirect_uri: input.redirectUri });
  }

  /** A long-lived token for a short-lived one, or a fresh long-lived one for a long-lived one that still works. */
  exchangeForLongLived(token: string): Promise<MetaToken> {
    return this.accessToken({ grant_type: 'fb_exchange_token', fb_exchange_token: token });
  }

  /** The app-scoped id of the Meta user who granted the token: what Meta's data deletion callback names. */
  async appScopedUserId(token: string): Promise<string> {
    const res = await this.graph.request({
      operation: 'me',
      url: '/me',
      params: { fields: 'id', access_token: token },
      classify: (answer) => classifyGraphAnswer(answer, typeof (answer.data as { id?: unknown })?.id === 'string'),
    });
    return (res.data as { id: string }).id;
  }

  /** Removes the app's permissions; a token that no longer works has nothing left to remove. */
  async revokePermissions(token: string): Promise<void> {
    await this.graph.request({
      operation: 'permissions.delete',
      method: 'DELETE',
      url: '/me/permissions',
      params: { access_token: token },
      classify: ({ status }) =>
        status >= 500 ? new ProviderError('meta', 'unavailable', `revoke answered ${status}`, { status }) : null,
    });
  }

  private async accessToken(params: Record<string, string>): Promise<MetaToken> {
    if (!this.opts.appSecret) throw new ProviderError('meta', 'invalid_request', 'META_APP_SECRET is not set');
    const res = await this.graph.request({
      operation: 'oauth.access_token',
      url: '/oauth/access_token',
      params: { ...params, client_id: this.opts.appId, client_secret: this.opts.appSecret },
    });
    const body = res.data as TokenAnswer;
    return { accessToken: body.access_token!, expiresInSeconds: body.expires_in ?? 5_183_944 };
  }
}

interface TokenAnswer {
  access_token?: string;
  expires_in?: number;
  error?: { message?: string; code?: number };
}

function classifyTokenAnswer(res: ProviderResponse): ProviderError | null {
  return classifyGraphAnswer(res, Boolean((res.data as TokenAnswer | undefined)?.access_token));
}

function classifyGraphAnswer(res: ProviderResponse, answered: boolean): ProviderError | null {
  const body = (res.data ?? {}) as TokenAnswer;
  if (res.status === 200 && answered) return null;
  // Branch on Graph's error code, never the HTTP status (docs/providers/meta.md).
  const code = body.error?.code;
  const message = body.error?.message ?? `HTTP ${res.status}`;
  const detail = { status: res.status, code };
  if (code === 190) return new ProviderError('meta', 'token_invalid', message, detail);
  if (code === 1 || code === 2 || res.status >= 500) return new ProviderError('meta', 'unavailable', message, detail);
  return new ProviderError('meta', 'invalid_request', message, detail);
}

export function metaOAuthFrom(
  config: Pick<Config, 'META_APP_ID' | 'META_APP_SECRET' | 'META_DIALOG_URL' | 'META_GRAPH_URL' | 'META_API_VERSION'>,
  onCall?: OnProviderCall,
) {
  return new MetaOAuthClient({
    appId: config.META_APP_ID ?? 'unset',
    appSecret: config.META_APP_SECRET,
    dialogUrl: config.META_DIALOG_URL,
    graphUrl: config.META_GRAPH_URL,
    version: config.META_API_VERSION,
    onCall,
  });
}
