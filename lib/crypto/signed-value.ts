// HMAC-signed, expiring values (OAuth state, session cookies, links in e-mails, the artist's connect link). The payload
// is readable by whoever holds the value, so it must never carry secrets; the signature only proves we issued it, for
// which purpose, and when it expires.
//
// Keys: a ring like ENCRYPTION_KEYS (`SIGNING_KEYS=kid:secret,...`, the last one signs, every listed one verifies;
// STATE_SIGNING_SECRET alone is the ring's one key, id `state`). Each purpose signs with its own key, derived from
// the ring's secret with HKDF (info `dropday signed value v2: <purpose>`), and the purpose is also written in what is
// signed: a value issued for one purpose (an unsubscribe link) is refused as any other (a session cookie, an OAuth
// state), because its MAC was made with another key. A value reads `<kid>.<body>.<mac>`.
import { createHmac, createSecretKey, hkdfSync, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every kind of signed value, each with its own derived key. */
export type SignedPurpose =
  | 'oauth-state' // the provider's `state` parameter (api/oauth/state.ts)
  | 'app-session' // the artist dashboard's session cookie
  | 'ops-session' // the ops users' session cookie for the codec endpoint
  | 'connect-link' // POST /v1/connections/:provider's confirmation link (/app/connect/<token>)
  | 'csrf' // the anti-forgery field of the dashboard's forms, bound to the session
  | 'unsubscribe' // the unsubscribe link in every message to a subscriber
  | 'forever-save-stop' // the link that stops a fan's forever-save with one artist (/f/<token>)
  | 'subscription-confirm' // the e-mailed link that confirms a subscription (double opt-in)
  | 'phone-confirm' // the texted link by which a phone's owner confirms SMS to it (/p/<token>)
  | 'deletion-link' // the e-mailed link that confirms a deletion request
  | 'email-verification' // the e-mailed link that proves an account reads its address (/account/verify/<token>)
  | 'password-reset' // the e-mailed link that sets a member's new password (/app/reset/<token>)
  | 'member-invite' // the e-mailed invitation to an account's members (/app/invite/<token>)
  | 'google-sign-in' // a verified Google identity waiting for its password proof or new account (a form field)
  | 'oidc-nonce' // the OpenID Connect nonce of a Google sign-in, a MAC of the state's browser nonce
  | 'conversion-event-id'; // Meta event ids (deterministic, not a signed value: see SigningKeys.mac)

export class SignedValueError extends Error {
  constructor(readonly reason: 'malformed' | 'bad_signature' | 'unknown_key' | 'expired') {
    super(`signed value rejected: ${reason}`);
    this.name = 'SignedValueError';
  }
}

export interface SignedEnvelope<T> {
  payload: T;
  /** unique id, for single-use enforcement by the caller */
  nonce: string;
  expiresAt: number;
  /** the purpose it was issued for */
  purpose: SignedPurpose;
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;

export class SigningKeys {
  // KeyObjects, made once: createHmac given a Buffer wraps it into a new KeyObject on every call (measurable on the
  // pre-save's path, which signs and checks a state per fan).
  private readonly derived = new Map<string, KeyObject>();

  private constructor(
    /** kid → secret; insertion order, the last signs */
    private readonly secrets: Map<string, string>,
    /** STATE_SIGNING_SECRET, which signed values of the old two-part format (unsubscribe links last years) */
    private readonly legacySecret: string | undefined,
  ) {}

  /**
   * `SIGNING_KEYS` ("kid:secret,kid2:secret2", each secret at least 32 characters) or, when it is unset,
   * STATE_SIGNING_SECRET as the ring's one key (kid `state`).
   */
  static fromConfig(config: { SIGNING_KEYS?: string; STATE_SIGNING_SECRET?: string }): SigningKeys {
    const secrets = new Map<string, string>();
    if (config.SIGNING_KEYS) {
      for (const entry of config.SIGNING_KEYS.split(',').map((e) => e.trim())) {
        const at = entry.indexOf(':');
        const kid = entry.slice(0, at);
        const secret = entry.slice(at + 1);
        if (at < 1 || !KID.test(kid)) throw new Error('SIGNING_KEYS entries must look like kid:secret');
        if (secret.length < 32) throw new Error(`SIGNING_KEYS: the secret of ${kid} must be at least 32 characters`);
        if (secrets.has(kid)) throw new Error(`SIGNING_KEYS: ${kid} is listed twice`);
        secrets.set(kid, secret);
      }
    } else if (config.STATE_SIGNING_SECRET) {
      secrets.set('state', config.STATE_SIGNING_SECRET);
    }
    if (!secrets.size) throw new Error('SIGNING_KEYS or STATE_SIGNING_SECRET is required');
    return new SigningKeys(secrets, config.STATE_SIGNING_SECRET);
  }

  get activeKeyId(): string {
    return [...this.secrets.keys()].at(-1)!;
  }

  private key(kid: string, purpose: SignedPurpose): KeyObject {
    const id = `${kid}\n${purpose}`;
    let key = this.derived.get(id);
    if (!key) {
      const secret = this.secrets.get(kid);
      if (secret === undefined) throw new SignedValueError('unknown_key');
      key = createSecretKey(
        Buffer.from(hkdfSync('sha256', secret, 'dropday', `dropday signed value v2: ${purpose}`, 32)),
      );
      this.derived.set(id, key);
    }
    return key;
  }

  sign<T>(purpose: SignedPurpose, payload: T, ttlMs: number, now = Date.now()): string {
    const kid = this.activeKeyId;
    const envelope: SignedEnvelope<T> = {
      payload,
      nonce: randomBytes(16).toString('base64url'),
      expiresAt: now + ttlMs,
      purpose,
    };
    const body = Buffer.from(JSON.stringify(envelope)).toString('base64url');
    return `${kid}.${body}.${hmac(this.key(kid, purpose), `${kid}.${body}`)}`;
  }

  /**
   * Checks the key id, the MAC under that key's `purpose` key, the purpose written inside and the expiry.
   * `legacy`: also accept the old `<body>.<mac>` values MACed with STATE_SIGNING_SECRET itself (only for long-lived
   * links already sent; the caller checks their payload's shape, which no other kind of value had).
   */
  verify<T>(purpose: SignedPurpose, value: string, opts: { legacy?: boolean; now?: number } = {}): SignedEnvelope<T> {
    const now = opts.now ?? Date.now();
    const parts = value.split('.');
    let envelope: SignedEnvelope<T>;
    if (parts.length === 2 && opts.legacy && this.legacySecret) {
      const [body, signature] = parts;
      check(hmac(this.legacySecret, body), signature);
      envelope = { ...decode<SignedEnvelope<T>>(body), purpose };
    } else {
      const [kid, body, signature] = parts;
      if (parts.length !== 3 || !kid || !body || !signature) throw new SignedValueError('malformed');
      if (!this.secrets.has(kid)) throw new SignedValueError('unknown_key');
      check(hmac(this.key(kid, purpose), `${kid}.${body}`), signature);
      envelope = decode<SignedEnvelope<T>>(body);
      // Cannot differ once the MAC matched (each purpose has its own key); checked all the same.
      if (envelope.purpose !== purpose) throw new SignedValueError('bad_signature');
    }
    if (typeof envelope.expiresAt !== 'number' || envelope.expiresAt <= now) throw new SignedValueError('expired');
    return envelope;
  }

  /** A deterministic MAC for one purpose under the active key (ids that must repeat for the same input). */
  mac(purpose: SignedPurpose, data: string): string {
    return hmac(this.key(this.activeKeyId, purpose), data);
  }
}

function hmac(key: KeyObject | string, data: string): string {
  return createHmac('sha256', key).update(data).digest('base64url');
}

function check(expected: string, given: string) {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new SignedValueError('bad_signature');
}

function decode<T>(body: string): T {
  try {
    const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object') throw new Error('not an object');
    return parsed as T;
  } catch {
    throw new SignedValueError('malformed');
  }
}

const byConfig = new WeakMap<object, SigningKeys>();

/** The signing key ring of a (validated) configuration, built once per configuration object. */
export function signingKeys(config: { SIGNING_KEYS?: string; STATE_SIGNING_SECRET?: string }): SigningKeys {
  let keys = byConfig.get(config);
  if (!keys) byConfig.set(config, (keys = SigningKeys.fromConfig(config)));
  return keys;
}
