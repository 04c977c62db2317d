// The Instagram simulator's memory: professional accounts, tokens, media containers, published media, comments,
// conversations and the webhook subscription. Every clock reading goes through `now()`, so a test can move time on
// (container expiry, the 7-day private-reply window, a token's age) without waiting. Facts: docs/providers/instagram.md.
import { createHash, randomBytes } from 'node:crypto';

export interface InstagramSimulatorOptions {
  appId: string;
  appSecret: string;
  /** how long a container stays IN_PROGRESS before FINISHED (default 300 ms) */
  processingMs?: number;
  /** publishing quota per rolling 24 h, as content_publishing_limit reports it (Meta's pages say 25, 50 or 100) */
  quotaTotal?: number;
}

export const DAY_MS = 86_400_000;
export const SHORT_TOKEN_SECONDS = 3600;
export const LONG_TOKEN_SECONDS = 5_183_944;

export interface SimAccount {
  /** the professional account id: `user_id` of /me, `entry[].id` of webhooks */
  userId: string;
  username: string;
}

export interface SimToken {
  userId: string;
  longLived: boolean;
  issuedAt: number;
  expiresAt: number;
}

export type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';

export interface SimContainer {
  id: string;
  ownerId: string;
  createdAt: number;
  mediaType: 'IMAGE' | 'REELS' | 'CAROUSEL' | 'STORIES' | 'VIDEO';
  caption: string;
  isCarouselItem: boolean;
  /** set when processing fails: the subcode and text `status` reports */
  error: string | null;
  publishedMediaId: string | null;
}

export interface SimMedia {
  id: string;
  ownerId: string;
  containerId: string;
  caption: string;
  mediaType: string;
  permalink: string;
  publishedAt: number;
}

export interface SimComment {
  id: string;
  mediaId: string;
  ownerId: string;
  from: { id: string; username: string };
  text: string;
  timestamp: number;
  hidden: boolean;
  parentId: string | null;
}

export interface SimSentMessage {
  accountId: string;
  recipient: { id?: string; comment_id?: string };
  text: string;
  messageId: string;
  at: number;
}

export class InstagramSimState {
  readonly accounts = new Map<string, SimAccount>(); // by username
  readonly tokens = new Map<string, SimToken>();
  readonly revokedUsers = new Set<string>();
  readonly codes = new Map<string, { userId: string; redirectUri: string; at: number }>();
  readonly containers = new Map<string, SimContainer>();
  readonly media = new Map<string, SimMedia>();
  readonly comments = new Map<string, SimComment>();
  readonly sent: SimSentMessage[] = [];
  readonly privateReplied = new Set<string>();
  /** last inbound message per `${accountId}:${igsid}`: the 24 h messaging window */
  readonly lastInbound = new Map<string, number>();
  /** accounts whose webhooks are on (POST /me/subscribed_apps) */
  readonly subscribed = new Set<string>();
  /** every DELETE /me/subscribed_apps answered (who turned their webhooks off, when) */
  readonly unsubscribed: { userId: string; at: number }[] = [];
  readonly calls: { at: number; method: string; path: string; status: number; userId?: string }[] = [];
  processingMs: number;
  quotaTotal: number;
  /** added to the real clock by POST /__control/clock */
  offsetMs = 0;
  private sequence = 17_840_000_000_000_000n;

  constructor(readonly opts: InstagramSimulatorOptions) {
    this.processingMs = opts.processingMs ?? 300;
    this.quotaTotal = opts.quotaTotal ?? 50;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Graph ids are digit strings. */
  nextId(): string {
    this.sequence += BigInt(1 + Math.floor(Math.random() * 1000));
    return this.sequence.toString();
  }

  account(username: string): SimAccount {
    let account = this.accounts.get(username);
    if (!account) {
      const userId = BigInt(`0x${createHash('sha256').update(`ig:${username}`).digest('hex').slice(0, 13)}`).toString();
      account = { userId, username };
      this.accounts.set(username, account);
    }
    return account;
  }

  accountById(userId: string): SimAccount | undefined {
    return [...this.accounts.values()].find((a) => a.userId === userId);
  }

  issue(userId: string, longLived: boolean): { access_token: string; token_type: 'bearer'; expires_in: number } {
    const seconds = longLived ? LONG_TOKEN_SECONDS : SHORT_TOKEN_SECONDS;
    const token = `IG${longLived ? 'AAL' : 'AAS'}${randomBytes(24).toString('base64url')}`;
    const at = this.now();
    this.tokens.set(token, { userId, longLived, issuedAt: at, expiresAt: at + seconds * 1000 });
    return { access_token: token, token_type: 'bearer', expires_in: seconds };
  }

  /** IN_PROGRESS until processed, EXPIRED 24 h after creation unless published. */
  statusOf(c: SimContainer): ContainerStatus {
    if (c.publishedMediaId) return 'PUBLISHED';
    if (this.now() - c.createdAt >= DAY_MS) return 'EXPIRED';
    if (this.now() - c.createdAt < this.processingMs) return 'IN_PROGRESS';
    return c.error ? 'ERROR' : 'FINISHED';
  }

  /** Publishes in the rolling 24 h before now (a carousel counts once). */
  quotaUsage(ownerId: string): number {
    const since = this.now() - DAY_MS;
    return [...this.media.values()].filter((m) => m.ownerId === ownerId && m.publishedAt > since).length;
  }
}
