// One Temporal connection per process ("expensive to construct and should be reused"), always with the
// encrypting data converter.
import { Client, Connection } from '@temporalio/client';
import { type DataConverter } from '@temporalio/common';
import { type KeyRing } from '../crypto/keyring';
import { EncryptionCodec } from './encryption-codec';

export function createDataConverter(keyRing: KeyRing): DataConverter {
  return {
    payloadCodecs: [new EncryptionCodec(keyRing)],
    failureConverterPath: require.resolve('./failure-converter'),
  };
}

export async function connectTemporalClient(opts: {
  address: string;
  namespace: string;
  keyRing: KeyRing;
}): Promise<Client> {
  const connection = await Connection.connect({ address: opts.address });
  return new Client({ connection, namespace: opts.namespace, dataConverter: createDataConverter(opts.keyRing) });
}
