// Instagram API with Instagram Login (docs/providers/instagram.md), for a label's professional accounts: Business
// Login (consent on www.instagram.com, code exchange on api.instagram.com), short → long-lived tokens and their
// refresh on graph.instagram.com, content publishing (container → status → media_publish, with the quota read from
// content_publishing_limit), comments, direct messages and private replies, and the per-account webhook
// subscription. Tokens go in `Authorization: Bearer`, never in a URL that could be logged. Errors: ./instagram-errors.ts.
import { type Config } from '../config';
import { ProviderError } from './errors';
import { type OnProviderCall, ProviderHttp, type ProviderResponse } from './http';
import { classifyInstagramError } from './instagram-errors';

export const INSTAGRAM_SCOPES = [
  'instagram_business_basic',
  'instagram_business_content_publish',
  'instagram_business_manage_comments',
  'instagram_business_manage_messages',
];

export interface InstagramToken {
  accessToken: string;
  expiresInSeconds: number;
}

export type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';

/** What a post shows: one image, a reel, or a carousel of 2–10 images. */
export type InstagramMedia =
  | { kind: 'image'; imageUrl: string; altText?: string }
  | { kind: 'reel'; videoUrl: string; coverUrl?: string }
  | { kind: 'carousel'; imageUrls: string[] };

export interface PublishingLimit {
  usage: number;
  total: number;
  durationSeconds: number;
}

const ok =
  (has: (data: Record<string, unknown>) => boolean) =>
  (res: ProviderResponse): ProviderError | null =>
    res.status === 200 && res.data && typeof res.data === 'object' && has(res.data as Record<string, unknown>)
      ? null
      : classifyInstagramError(res);
const withId = ok((d) => typeof d.id === 'string');
const succeeded = ok((d) => d.success === true);

export class InstagramClient {
  private readonly graph: ProviderHttp;
  private readonly api: ProviderHttp;

  constructor(
    private readonly opts: {
      appId: string;
      appSecret?: string;
      authUrl: string;
      apiUrl: string;
      graphUrl: string;
      version: string;
      onCall?: OnProviderCall;
    },
  ) {
    const common = { provider: 'instagram' as const, label: 'Instagram', timeoutMs: 15_000, onCall: opts.onCall };
    this.graph = new ProviderHttp({ ...common, baseURL: opts.graphUrl, classify: withId });
    this.api = new ProviderHttp({ ...common, baseURL: opts.apiUrl, classify: withId });
  }

  private get secret(): string {
    if (!this.opts.appSecret)
      throw new ProviderError('instagram', 'invalid_request', 'INSTAGRAM_APP_SECRET is not set');
    return this.opts.appSecret;
  }

  private v(path: string) {
    return `/${this.opts.version}${path}`;
  }

  authorizeUrl(input: { redirectUri: string; state: string }): string {
    const url = new URL('/oauth/authorize', this.opts.authUrl);
    url.search = new URLSearchParams({
      client_id: this.opts.appId,
      redirect_uri: input.redirectUri,
      response_type: 'code',
      scope: INSTAGRAM_SCOPES.join(','),
      state: input.state,
    }).toString();
    return url.toString();
  }

  /** The code (without Instagram's trailing `#_`) for a short-lived token; the answer is wrapped in `data[]` or flat. */
  async exchangeCode(input: { code: string; redirectUri: string }): Promise<{ accessToken: string; userId: string }> {
    const res = await this.api.request({
      operation: 'oauth.access_token',
      method: 'POST',
      url: '/oauth/access_token',
      write: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: new URLSearchParams({
        client_id: this.opts.appId,
        client_secret: this.secret,
        grant_type: 'authorization_code',
        redirect_uri: input.redirectUri,
        code: input.code.replace(/#_$/, ''),
      }).toString(),
      classify: ok((d) => Boolean(tokenOf(d))),
    });
    const t = tokenOf(res.data as Record<string, unknown>)!;
    return { accessToken: t.access_token, userId: String(t.user_id) };
  }

  exchangeForLongLived(shortToken: string): Promise<InstagramToken> {
    return this.token('/access_token', {
      grant_type: 'ig_exchange_token',
      client_secret: this.secret,
      access_token: shortToken,
    });
  }

  /** A long-lived token at least 24 h old and not expired, for a new one of 60 days. */
  refresh(longToken: string): Promise<InstagramToken> {
    return this.token('/refresh_access_token', { grant_type: 'ig_refresh_token', access_token: longToken });
  }

  private async token(url: string, params: Record<string, string>): Promise<InstagramToken> {
    const res = await this.graph.request({
      operation: `oauth${url.replace('/', '.')}`,
      url,
      params,
      classify: ok((d) => typeof d.access_token === 'string'),
    });
    const body = res.data as { access_token: string; expires_in?: number };
    return { accessToken: body.access_token, expiresInSeconds: body.expires_in ?? 5_183_944 };
  }

  /** The professional account: `user_id` is the id webhooks name in `entry[].id`. */
  async me(token: string): Promise<{ userId: string; username: string }> {
    const res = await this.graph.request({
      operation: 'me',
      url: this.v('/me'),
      params: { fields: 'user_id,username' },
      headers: bearer(token),
      classify: ok((d) => d.user_id !== undefined),
    });
    const d = res.data as { user_id: string | number; username: string };
    return { userId: String(d.user_id), username: d.username };
  }

  /** Webhooks for this account (comments, messages); without it none arrive. */
  async subscribeWebhooks(token: string): Promise<void> {
    await this.graph.request({
      operation: 'subscribed_apps.create',
      method: 'POST',
      url: this.v('/me/subscribed_apps'),
      params: { subscribed_fields: 'comments,messages' },
      headers: bearer(token),
      write: true,
      classify: succeeded,
    });
  }

  /** Stops the account's webhooks; a token that no longer works has nothing left to stop. */
  async unsubscribeWebhooks(token: string): Promise<void> {
    await this.graph.request({
      operation: 'subscribed_apps.delete',
      method: 'DELETE',
      url: this.v('/me/subscribed_apps'),
      headers: bearer(token),
      classify: (res) => {
        const error = res.status === 200 ? null : classifyInstagramError(res);
        return error && error.kind !== 'token_invalid' ? error : null;
      },
    });
  }

  /** The container of a post (a carousel's items first); Instagram fetches the media from the public URLs. */
  async createContainer(token: string, igId: string, media: InstagramMedia, caption: string): Promise<string> {
    const create = async (params: Record<string, string>) =>
      (
        await this.graph.request({
          operation: 'media.create',
          method: 'POST',
          url: this.v(`/${igId}/media`),
          data: params,
          headers: bearer(token),
          write: true,
        })
      ).data as { id: string };
    if (media.kind === 'image')
      return (
        await create({ image_url: media.imageUrl, caption, ...(media.altText ? { alt_text: media.altText } : {}) })
      ).id;
    if (media.kind === 'reel')
      return (
        await create({
          media_type: 'REELS',
          video_url: media.videoUrl,
          caption,
          share_to_feed: 'true',
          ...(media.coverUrl ? { cover_url: media.coverUrl } : {}),
        })
      ).id;
    const children: string[] = [];
    for (const imageUrl of media.imageUrls)
      children.push((await create({ image_url: imageUrl, is_carousel_item: 'true' })).id);
    return (await create({ media_type: 'CAROUSEL', children: children.join(','), caption })).id;
  }

  async containerStatus(token: string, containerId: string): Promise<{ statusCode: ContainerStatus; status: string }> {
    const res = await this.graph.request({
      operation: 'container.status',
      url: this.v(`/${containerId}`),
      params: { fields: 'status_code,status' },
      headers: bearer(token),
      classify: ok((d) => typeof d.status_code === 'string'),
    });
    const d = res.data as { status_code: ContainerStatus; status?: string };
    return { statusCode: d.status_code, status: d.status ?? '' };
  }

  async publish(token: string, igId: string, containerId: string): Promise<string> {
    const res = await this.graph.request({
      operation: 'media.publish',
      method: 'POST',
      url: this.v(`/${igId}/media_publish`),
      params: { creation_id: containerId },
      headers: bearer(token),
      write: true,
    });
    return (res.data as { id: string }).id;
  }

  async permalink(token: string, mediaId: string): Promise<string> {
    const res = await this.graph.request({
      operation: 'media.read',
      url: this.v(`/${mediaId}`),
      params: { fields: 'id,permalink' },
      headers: bearer(token),
      classify: ok((d) => typeof d.permalink === 'string'),
    });
    return (res.data as { permalink: string }).permalink;
  }

  /** The account's latest published media (newest first): how a publish whose answer was lost is found. */
  async recentMedia(token: string, igId: string): Promise<{ id: string; caption: string; timestamp: number }[]> {
    const res = await this.graph.request({
      operation: 'media.list',
      url: this.v(`/${igId}/media`),
      params: { fields: 'id,caption,timestamp', limit: '25' },
      headers: bearer(token),
      classify: ok((d) => Array.isArray(d.data)),
    });
    return (res.data as { data: { id: string; caption?: string; timestamp: string }[] }).data.map((m) => ({
      id: m.id,
      caption: m.caption ?? '',
      timestamp: Date.parse(m.timestamp),
    }));
  }

  /** The quota as Instagram reports it now: Meta's pages disagree on its size (25, 50, 100), so it is never assumed. */
  async publishingLimit(token: string, igId: string): Promise<PublishingLimit> {
    const res = await this.graph.request({
      operation: 'content_publishing_limit',
      url: this.v(`/${igId}/content_publishing_limit`),
      params: { fields: 'quota_usage,config' },
      headers: bearer(token),
      classify: ok((d) => Array.isArray(d.data)),
    });
    const row = (
      res.data as { data: { quota_usage?: number; config?: { quota_total?: number; quota_duration?: number } }[] }
    ).data[0];
    return {
      usage: row?.quota_usage ?? 0,
      total: row?.config?.quota_total ?? 0,
      durationSeconds: row?.config?.quota_duration ?? 86_400,
    };
  }

  async replyToComment(token: string, commentId: string, message: string): Promise<string> {
    const res = await this.graph.request({
      operation: 'comment.reply',
      method: 'POST',
      url: this.v(`/${commentId}/replies`),
      params: { message },
      headers: bearer(token),
      write: true,
    });
    return (res.data as { id: string }).id;
  }

  async hideComment(token: string, commentId: string, hide: boolean): Promise<void> {
    await this.graph.request({
      operation: 'comment.hide',
      method: 'POST',
      url: this.v(`/${commentId}`),
      params: { hide: String(hide) },
      headers: bearer(token),
      write: true,
      classify: succeeded,
    });
  }

  /** A direct message (inside the 24 h window) or a private reply to a comment (one per comment, within 7 days). */
  async sendMessage(
    token: string,
    igId: string,
    to: { recipientId: string } | { commentId: string },
    text: string,
  ): Promise<string> {
    const res = await this.graph.request({
      operation: 'recipientId' in to ? 'messages.send' : 'messages.private_reply',
      method: 'POST',
      url: this.v(`/${igId}/messages`),
      data: {
        recipient: 'recipientId' in to ? { id: to.recipientId } : { comment_id: to.commentId },
        message: { text },
      },
      headers: bearer(token),
      write: true,
      classify: ok((d) => typeof d.message_id === 'string'),
    });
    return (res.data as { message_id: string }).message_id;
  }
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

function tokenOf(d: Record<string, unknown>): { access_token: string; user_id: string | number } | null {
  const row = (Array.isArray(d.data) ? d.data[0] : d) as { access_token?: unknown; user_id?: unknown } | undefined;
  return row && typeof row.access_token === 'string' && row.user_id !== undefined
    ? { access_token: row.access_token, user_id: row.user_id as string | number }
    : null;
}

export function instagramFrom(
  config: Pick<
    Config,
    | 'INSTAGRAM_APP_ID'
    | 'INSTAGRAM_APP_SECRET'
    | 'INSTAGRAM_AUTH_URL'
    | 'INSTAGRAM_API_URL'
    | 'INSTAGRAM_GRAPH_URL'
    | 'INSTAGRAM_API_VERSION'
  >,
  onCall?: OnProviderCall,
): InstagramClient {
  return new InstagramClient({
    appId: config.INSTAGRAM_APP_ID ?? 'unset',
    appSecret: config.INSTAGRAM_APP_SECRET,
    authUrl: config.INSTAGRAM_AUTH_URL,
    apiUrl: config.INSTAGRAM_API_URL,
    graphUrl: config.INSTAGRAM_GRAPH_URL,
    version: config.INSTAGRAM_API_VERSION,
    onCall,
  });
}
