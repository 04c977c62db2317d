// Encrypts every Temporal payload (workflow and activity arguments, results, signals, queries, failures' details)
// before it leaves the process, so the Temporal server and its history hold only ciphertext. Given to every
// client and worker through the data converter; the codec endpoint lets ops users decode in the Web UI.
import { type Payload, type PayloadCodec, METADATA_ENCODING_KEY } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { type KeyRing } from '../crypto/keyring';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyRing: KeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const sealed = this.keyRing.sealBytes(temporal.api.common.v1.Payload.encode(payload).finish());
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCODING),
          [KEY_ID]: Buffer.from(sealed.keyId),
        },
        data: sealed.bytes,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== ENCODING) return payload;
      const keyId = payload.metadata?.[KEY_ID];
      if (!keyId || !payload.data) throw new Error('encrypted payload without key id or data');
      const plain = this.keyRing.openBytes({ keyId: Buffer.from(keyId).toString(), bytes: Buffer.from(payload.data) });
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
