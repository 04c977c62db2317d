import { type Client } from '@temporalio/client';
import { type Registry } from 'prom-client';
import { type Config } from '../lib/config';
import { type KeyRing } from '../lib/crypto/keyring';
import { type Logger } from '../lib/logger';
import { type DatabasePool } from '../db/pool';
import { type ProviderClients } from '../lib/providers';
import { type CampaignCache } from './campaign-cache';
import { type EventBuffer } from './event-buffer';
import { type ReleaseEngine } from './release-engine';

export interface AppDeps {
  config: Config;
  pool: DatabasePool;
  temporal: Client;
  keyRing: KeyRing;
  logger: Logger;
  metrics: Registry;
  releaseEngine: ReleaseEngine;
  /** every provider client, built once by main.ts (with the API's metrics hook); routes never build their own */
  providers: ProviderClients;
  /** page views and clicks, written in batches; made by createApp when not given (main.ts gives it, to flush at exit) */
  events?: EventBuffer;
  /** the smart link's campaigns in memory; made by createApp when not given (its owner closes it: a pg connection) */
  campaigns?: CampaignCache;
}
