// Notices of committed campaign changes (migration 023: triggers on campaigns, artists and meta_pixels announce on
// `campaign_changed`). LISTEN needs a session of its own, so this holds one pg connection outside the slonik pool
// and opens it again when it drops. While it is down nobody can promise the notices arrive: `onLost` says so, and
// `onListening` says when they do again (a cache must then forget what it holds: changes of the gap went unheard).
import { Client } from 'pg';
import { type DatabasePool } from './pool';

const CHANNEL = 'campaign_changed';
const RECONNECT_MS = 1_000;

export interface CampaignChangeListener {
  close(): Promise<void>;
}

export function listenForCampaignChanges(
  pool: DatabasePool,
  handlers: {
    /** a campaign's id, or '*' when any campaign may have changed */
    onChange(id: string): void;
    onListening(): void;
    onLost(error: unknown): void;
  },
): CampaignChangeListener {
  let client: Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  let closed = false;

  const lost = (error: unknown) => {
    if (closed || !client) return;
    const dead = client;
    client = null;
    dead.removeAllListeners();
    dead.on('error', () => undefined);
    void dead.end().catch(() => undefined);
    handlers.onLost(error);
    retry = setTimeout(connect, RECONNECT_MS);
    retry.unref();
  };

  function connect(): void {
    retry = null;
    if (closed) return;
    const next = new Client({ connectionString: pool.configuration.connectionUri });
    client = next;
    next.on('notification', (n) => {
      if (n.channel === CHANNEL) handlers.onChange(n.payload ?? '*');
    });
    next.on('error', lost);
    next.on('end', () => lost(new Error('campaign change listener disconnected')));
    next
      .connect()
      .then(() => next.query(`LISTEN ${CHANNEL}`))
      .then(() => {
        if (client === next && !closed) handlers.onListening();
      })
      .catch((error: unknown) => (client === next ? lost(error) : undefined));
  }

  connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const last = client;
      client = null;
      if (last) {
        last.removeAllListeners();
        last.on('error', () => undefined);
        await last.end().catch(() => undefined);
      }
    },
  };
}
