// A PostgreSQL restart must not kill a process (issue 14, item 3). When a connection dies while requests wait for
// one, slonik opens a new one for the first waiter; a server that ends that new connection in the same read as its
// ready message (what a shutdown during start-up does) used to make `acquire()` throw in an un-awaited promise, and
// Node ended the process. A TCP proxy in front of the real PostgreSQL adds that ending to one new connection.
import net from 'node:net';
import { Client } from 'pg';
import { z } from 'zod';
import { createDatabasePool, sql } from '../../db/pool';

const adminUrl = new URL(process.env.DROPDAY_TEST_PG_ADMIN_URL!);
const READY_FOR_QUERY = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]); // 'Z', length 5, idle
/** ErrorResponse FATAL 57P01, as PostgreSQL sends when it shuts down. */
function adminShutdownError(): Buffer {
  const fields = Buffer.from(
    'SFATAL\0VFATAL\0C57P01\0Mterminating connection due to administrator command\0\0',
    'latin1',
  );
  const head = Buffer.alloc(5);
  head.write('E', 0, 'latin1');
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

/** Forwards to PostgreSQL; while armed, the next new connection is ended right after its ready message. */
async function startProxy() {
  let armed = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(adminUrl.port), adminUrl.hostname);
    sockets.add(client).add(upstream);
    let starting = true;
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (starting && chunk.includes(READY_FOR_QUERY)) {
        starting = false;
        if (armed) {
          armed = false;
          client.end(Buffer.concat([chunk, adminShutdownError()]));
          upstream.destroy();
          return;
        }
      }
      client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(adminUrl);
  url.host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    url: url.toString(),
    arm: () => (armed = true),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function terminateBackendRunning(marker: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const { rowCount } = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`,
        [`%${marker}%`],
      );
      if (rowCount) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the holding query never showed up');
  } finally {
    await admin.end();
  }
}

describe('a database connection lost while requests wait', () => {
  it('fails the waiting request and keeps the process serving', async () => {
    const escaped: unknown[] = [];
    const onUnhandled = (reason: unknown) => escaped.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const proxy = await startProxy();
    const pool = await createDatabasePool(proxy.url, { maximumPoolSize: 1 });
    try {
      // The pool's one connection is busy; a second request waits for it.
      const holding = pool.query(sql.unsafe`SELECT pg_sleep(5) /* holding-query */`).then(
        () => 'done',
        () => 'failed',
      );
      await new Promise((r) => setTimeout(r, 200));
      const waiting = pool.oneFirst(sql.type(z.object({ one: z.number() }))`SELECT 1 AS one`).then(
        () => 'served',
        () => 'failed',
      );
      // The busy connection dies; the new one opened for the waiter is ended as it becomes ready.
      proxy.arm();
      await terminateBackendRunning('holding-query');
      expect(await holding).toBe('failed');
      const noAnswer = new Promise((r) => setTimeout(() => r('no answer in 10 s'), 10_000).unref());
      expect(await Promise.race([waiting, noAnswer])).toBe('failed'); // told, rather than left waiting forever
      expect(escaped).toEqual([]); // nothing that would end the process
      // And the pool serves again.
      expect(await pool.oneFirst(sql.type(z.object({ one: z.number() }))`SELECT 1 AS one`)).toBe(1);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await pool.end();
      await proxy.close();
    }
  });
});
