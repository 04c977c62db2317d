// An artist's connected account over its lifetime (see workflows/connection-token.ts): refresh before expiry under
// the row's lock, needs_reconnect plus an alert when the provider refuses the grant, revocation on disconnect.
import { ApplicationFailure } from '@temporalio/common';
import {
  type ConnectionCredentials,
  disconnect,
  findConnection,
  lockedCredentials,
  markNeedsReconnect,
  storeRefreshedAccess,
} from '../db/connections';
import { queueEmail } from '../db/outbox';
import { notifyAccount } from '../db/notifications';
import { type DatabasePool } from '../db/pool';
import { audit } from '../db/audit-log';
import { eraseInboxOfConnection } from '../db/instagram-inbox';
import { type ActivityDeps } from './deps';
import { ProviderError } from '../lib/providers/errors';

/** The provider refused the grant: only the artist can restore it. Marks the connection and tells them, once. */
export async function connectionNeedsReconnect(pool: DatabasePool, connectionId: string): Promise<void> {
  await markNeedsReconnect(pool, connectionId);
  const connection = await findConnection(pool, connectionId);
  if (!connection) return;
  const dedupeKey = `reconnect:${connection.id}`;
  await notifyAccount(pool, {
    accountId: connection.accountId,
    kind: 'connection_needs_reconnect',
    data: { connectionId: connection.id, provider: connection.provider },
    dedupeKey,
  });
  await queueEmail(pool, {
    accountId: connection.accountId,
    template: 'connection_needs_reconnect',
    data: { provider: connection.provider },
    dedupeKey,
  });
}

export function createConnectionActivities({ pool, keyRing, providers }: ActivityDeps) {
  const { googleOAuth: google, metaOAuth: meta, spotify, instagram } = providers;

  /** Google refreshes with the refresh token; Meta exchanges the long-lived token for a new one before it ends. */
  async function renew(
    c: ConnectionCredentials,
  ): Promise<{ accessToken: string; refreshToken?: string; expiresInSeconds: number } | null> {
    if (c.provider === 'google' && c.refreshToken) return google.refresh(c.refreshToken);
    if (c.provider === 'spotify' && c.refreshToken) return spotify.refresh(c.refreshToken);
    if (c.provider === 'meta' && c.accessToken) return meta.exchangeForLongLived(c.accessToken);
    if (c.provider === 'instagram' && c.accessToken) return instagram.refresh(c.accessToken);
    return null;
  }

  return {
    async connectionState(input: {
      connectionId: string;
    }): Promise<{ status: string; accessExpiresAt: number | null }> {
      const connection = await findConnection(pool, input.connectionId);
      if (!connection) return { status: 'disconnected', accessExpiresAt: null };
      return { status: connection.status, accessExpiresAt: connection.accessExpiresAt };
    },

    /** Returns 'refreshed', or 'needs_reconnect' when the provider refused the grant (never retried). */
    async refreshConnection(input: { connectionId: string }): Promise<'refreshed' | 'needs_reconnect' | 'gone'> {
      try {
        return await pool.transaction(async (tx) => {
          const credentials = await lockedCredentials(tx, keyRing, input.connectionId);
          // Marked needs_reconnect meanwhile (e.g. an ad campaign's call was refused): leave it for the artist, do not revoke.
          if (!credentials)
            return (await findConnection(tx, input.connectionId))?.status === 'needs_reconnect'
              ? 'needs_reconnect'
              : 'gone';
          const fresh = await renew(credentials);
          if (!fresh) return 'gone';
          await storeRefreshedAccess(tx, keyRing, input.connectionId, fresh);
          return 'refreshed';
        });
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        // token_invalid (invalid_grant at Google and Spotify, code 190 at Meta) means: the grant is gone, only the
        // artist can restore it.
        const grantGone = error.kind === 'token_invalid';
        if (!grantGone) throw ApplicationFailure.retryable(error.message, 'ProviderUnavailable');
        await connectionNeedsReconnect(pool, input.connectionId);
        return 'needs_reconnect';
      }
    },

    /** Forgets the tokens and revokes the grant at the provider (already revoked is fine). */
    async revokeConnection(input: { connectionId: string }): Promise<void> {
      const held = await disconnect(pool, keyRing, input.connectionId);
      if (held?.provider === 'google' && (held.refreshToken ?? held.accessToken))
        await google.revoke((held.refreshToken ?? held.accessToken)!);
      if (held?.provider === 'meta' && held.accessToken) await meta.revokePermissions(held.accessToken);
      // Instagram Login has no revoke endpoint: its webhooks stop, and its inbox is forgotten at once.
      if (held?.provider === 'instagram' && held.accessToken) await instagram.unsubscribeWebhooks(held.accessToken);
      await eraseInboxOfConnection(pool, input.connectionId); // audited with the delete
      // Spotify has no revocation endpoint: forgetting the tokens is all we can do (the artist can remove the app).
      await audit(pool, { action: 'connection_disconnected', target: `connection:${input.connectionId}` });
    },
  };
}
