// Webhook deliveries as Meta sends them: JSON (escaped unicode, as Meta's own serializer writes it) signed
// `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`, `changes[]` for comments and `messaging[]`
// for messages, only for accounts that subscribed (`/me/subscribed_apps`), delivered `times` times (Meta delivers
// some twice). Registering the callback first makes Meta's `hub.challenge` verification call.
import { createHmac, randomInt } from 'node:crypto';
import { type InstagramSimState, type SimComment } from './state';

export interface WebhookTarget {
  callbackUrl: string;
  verifyToken: string;
}

/** Meta's serializer escapes non-ASCII as \uXXXX; a receiver that re-serializes would get another signature. */
export const metaJson = (value: unknown) =>
  JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export const signatureOf = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

export class WebhookSender {
  target: WebhookTarget | null = null;
  readonly deliveries: { at: number; status: number; body: string }[] = [];

  constructor(private readonly state: InstagramSimState) {}

  /** Meta's verification call: GET with hub.mode, hub.challenge and hub.verify_token; the challenge must come back. */
  async register(target: WebhookTarget): Promise<{ verified: boolean; status: number }> {
    const challenge = String(randomInt(1, 2_000_000_000));
    const url = new URL(target.callbackUrl);
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.challenge', challenge);
    url.searchParams.set('hub.verify_token', target.verifyToken);
    const res = await fetch(url);
    const verified = res.status === 200 && (await res.text()) === challenge;
    if (verified) this.target = target;
    return { verified, status: res.status };
  }

  commentPayload(c: SimComment) {
    return {
      object: 'instagram',
      entry: [
        {
          id: c.ownerId,
          time: Math.floor(c.timestamp / 1000),
          changes: [
            {
              field: 'comments',
              value: {
                id: c.id,
                from: c.from,
                text: c.text,
                media: { id: c.mediaId, media_product_type: 'FEED' },
                ...(c.parentId ? { parent_id: c.parentId } : {}),
              },
            },
          ],
        },
      ],
    };
  }

  messagePayload(m: { accountId: string; senderId: string; mid: string; text: string; timestamp: number }) {
    return {
      object: 'instagram',
      entry: [
        {
          id: m.accountId,
          time: m.timestamp,
          messaging: [
            {
              sender: { id: m.senderId },
              recipient: { id: m.accountId },
              timestamp: m.timestamp,
              message: { mid: m.mid, text: m.text },
            },
          ],
        },
      ],
    };
  }

  /** Delivers one payload `times` times (or signed with another secret, to test a receiver's refusal). */
  async deliver(
    accountId: string,
    payload: unknown,
    opts: { times?: number; secret?: string } = {},
  ): Promise<number[]> {
    if (!this.target || !this.state.subscribed.has(accountId)) return [];
    const body = metaJson(payload);
    const statuses: number[] = [];
    for (let i = 0; i < (opts.times ?? 1); i++) {
      const res = await fetch(this.target.callbackUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signatureOf(opts.secret ?? this.state.opts.appSecret, body),
        },
        body,
      });
      statuses.push(res.status);
      this.deliveries.push({ at: this.state.now(), status: res.status, body });
    }
    return statuses;
  }
}
