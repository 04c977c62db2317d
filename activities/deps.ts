import { type Config } from '../lib/config';
import { type KeyRing } from '../lib/crypto/keyring';
import { type Logger } from '../lib/logger';
import { type ProviderClients } from '../lib/providers';
import { type DatabasePool } from '../db/pool';

/** What every activity factory may use; the worker builds it once per process. */
export interface ActivityDeps {
  config: Config;
  pool: DatabasePool;
  keyRing: KeyRing;
  logger: Logger;
  /** every provider client, built once by the worker (with its metrics hook) */
  providers: ProviderClients;
}
