// AES-256-GCM under a versioned key ring. Every ciphertext carries the id of the key that sealed it, so keys can
// be rotated: new data is sealed with the active key, old data still opens, and reseal() moves it forward.
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

const PREFIX = 'enc:v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealedBytes {
  keyId: string;
  /** iv | tag | ciphertext */
  bytes: Buffer;
}

export class KeyRing {
  private readonly keys: Map<string, Buffer>;
  // Each key wrapped once: given a Buffer, every cipher would wrap it into a KeyObject again (a release wave opens
  // thousands of tokens a second; the wrapping was 3 % of a worker's CPU).
  private readonly keyObjects = new Map<string, KeyObject>();

  constructor(
    keys: Record<string, Buffer>,
    readonly activeKeyId: string,
  ) {
    this.keys = new Map(Object.entries(keys));
    for (const [id, key] of this.keys) {
      if (key.length !== 32) throw new Error(`encryption key ${id} must be 32 bytes, got ${key.length}`);
      if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`encryption key id ${id} may only use [A-Za-z0-9_-]`);
    }
    if (!this.keys.has(activeKeyId)) throw new Error(`active encryption key ${activeKeyId} is not in the key ring`);
    for (const [id, key] of this.keys) this.keyObjects.set(id, createSecretKey(key));
  }

  /** Parses "kid:base64,kid2:base64"; the active key defaults to the last one listed. */
  static fromConfig(spec: string, activeKeyId?: string): KeyRing {
    const keys: Record<string, Buffer> = {};
    let last = '';
    for (const entry of spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const sep = entry.indexOf(':');
      if (sep <= 0) throw new Error('ENCRYPTION_KEYS entries must look like "kid:base64key"');
      last = entry.slice(0, sep);
      keys[last] = Buffer.from(entry.slice(sep + 1), 'base64');
    }
    return new KeyRing(keys, activeKeyId ?? last);
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  sealBytes(plaintext: Uint8Array, aad?: string): SealedBytes {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key(this.activeKeyId), iv);
    if (aad) cipher.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { keyId: this.activeKeyId, bytes: Buffer.concat([iv, cipher.getAuthTag(), ct]) };
  }

  openBytes(sealed: SealedBytes, aad?: string): Buffer {
    const { bytes } = sealed;
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('ciphertext too short');
    const decipher = createDecipheriv('aes-256-gcm', this.key(sealed.keyId), bytes.subarray(0, IV_BYTES));
    if (aad) decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }

  /** Seals a string for storage: "enc:v1:<kid>:<base64>". `aad` binds it to its context (e.g. the row id). */
  encrypt(plaintext: string, aad?: string): string {
    const { keyId, bytes } = this.sealBytes(Buffer.from(plaintext, 'utf8'), aad);
    return `${PREFIX}:${keyId}:${bytes.toString('base64')}`;
  }

  decrypt(ciphertext: string, aad?: string): string {
    const { keyId, bytes } = parse(ciphertext);
    return this.openBytes({ keyId, bytes }, aad).toString('utf8');
  }

  keyIdOf(ciphertext: string): string {
    return parse(ciphertext).keyId;
  }

  /** Re-encrypts under the active key; returns null when it already is. */
  reseal(ciphertext: string, aad?: string): string | null {
    if (this.keyIdOf(ciphertext) === this.activeKeyId) return null;
    return this.encrypt(this.decrypt(ciphertext, aad), aad);
  }

  private key(keyId: string): KeyObject {
    const key = this.keyObjects.get(keyId);
    if (!key) throw new Error(`unknown encryption key id ${keyId}`);
    return key;
  }
}

function parse(ciphertext: string): { keyId: string; bytes: Buffer } {
  const parts = ciphertext.split(':');
  if (parts.length !== 4 || `${parts[0]}:${parts[1]}` !== PREFIX) throw new Error('not a dropday ciphertext');
  return { keyId: parts[2], bytes: Buffer.from(parts[3], 'base64') };
}
