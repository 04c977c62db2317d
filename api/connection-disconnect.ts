// Disconnecting an artist's connection, the one function behind DELETE /v1/connections/:id and the app's
// connections page: what it would do (so the page can say it before), and doing it. dropday refuses while ad
// campaigns still run or wait to launch on it, or Instagram posts wait to go out with it: without the token it could
// no longer pause or cancel them, so the artist cancels them first. Disconnecting marks the row, erases an Instagram
// account's comments and messages at once, and has the connection's workflow revoke the grant and forget the tokens.
import { openAdCampaignIdsOfConnection } from '../db/ad-campaigns';
import { type Connection, findConnection, markDisconnected } from '../db/connections';
import { eraseInboxOfConnection } from '../db/instagram-inbox';
import { openInstagramPostIdsOfConnection } from '../db/instagram-posts';
import { disconnectWithStart } from '../lib/starters/connection-token';
import { type AppDeps } from './deps';
import { connectionStart } from './oauth/artist-connections';

export interface DisconnectPreview {
  connection: Connection;
  /** ad campaigns still running or waiting to launch with it: they block the disconnect */
  openAdCampaignIds: readonly string[];
  /** Instagram posts still waiting to go out with it: they block the disconnect */
  openPostIds: readonly string[];
}

export type DisconnectOutcome =
  { outcome: 'disconnected' } | { outcome: 'not_found' } | ({ outcome: 'in_use' } & DisconnectPreview);

export function createConnectionDisconnect({ pool, config, temporal }: Pick<AppDeps, 'pool' | 'config' | 'temporal'>) {
  return {
    /** What disconnecting would do; null for another account's connection (or none). */
    async preview(accountId: string, id: string): Promise<DisconnectPreview | null> {
      const connection = await findConnection(pool, id);
      if (!connection || connection.accountId !== accountId || connection.status === 'disconnected') return null;
      return {
        connection,
        openAdCampaignIds: await openAdCampaignIdsOfConnection(pool, id),
        openPostIds: await openInstagramPostIdsOfConnection(pool, id),
      };
    },

    async disconnect(accountId: string, id: string): Promise<DisconnectOutcome> {
      const connection = await findConnection(pool, id);
      if (!connection || connection.accountId !== accountId) return { outcome: 'not_found' };
      const openAdCampaignIds = await openAdCampaignIdsOfConnection(pool, id);
      const openPostIds = await openInstagramPostIdsOfConnection(pool, id);
      if (openAdCampaignIds.length || openPostIds.length)
        return { outcome: 'in_use', connection, openAdCampaignIds, openPostIds };
      await markDisconnected(pool, id);
      // Its comments and messages go at once, not when the workflow gets to it.
      await eraseInboxOfConnection(pool, id);
      // The workflow revokes the grant and forgets the tokens; signal-with-start also covers one that had ended.
      await disconnectWithStart(temporal, config.TEMPORAL_TASK_QUEUE, connectionStart(config, connection));
      return { outcome: 'disconnected' };
    },
  };
}

export type ConnectionDisconnect = ReturnType<typeof createConnectionDisconnect>;
