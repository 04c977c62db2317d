// `npm run dev` from an empty data directory, as a newcomer runs it, with the Temporal dev server (the default) and
// with TEMPORAL_MODE=cluster (the production topology, its Web UI a process of its own): the whole stack comes up with
// its embedded defaults (PostgreSQL, Temporal, the simulators, stripe-mock, API, worker, the demo release), the
// Temporal Web UI shows payloads decoded through the codec endpoint to a signed-in operator, every socket it listens
// on is bound to loopback (the dev stack runs with sandbox secrets anyone can read), and Ctrl-C stops all of it. The
// demo release has a fan of each kind: Spotify pre-save, Apple Music pre-add, reminder by e-mail and SMS.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, readlink, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, isPortFree } from '../../scripts/lib/ports';
import { AppClient } from '../helpers/app-client';
import { http } from '../helpers/release-stack';

const ROOT = path.resolve(__dirname, '../..');
const LOOPBACK_V4 = '0100007F'; // 127.0.0.1 as /proc/net/tcp prints it
const LOOPBACK_V6 = '00000000000000000000000001000000'; // ::1

/** Every process of the tree under `pid` (the dev script, its children and theirs). */
async function processTree(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]) ?? []));
  return tree;
}

/** The listening TCP sockets of these processes: local address (hex, as /proc prints it) and port. */
async function listeningSockets(pids: number[]): Promise<{ address: string; port: number }[]> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    }
  }
  const sockets: { address: string; port: number }[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (await readFile(table, 'utf8')).split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A' || !inodes.has(fields[9])) continue; // 0A = LISTEN
      const [address, hexPort] = fields[1].split(':');
      sockets.push({ address, port: parseInt(hexPort, 16) });
    }
  }
  return sockets;
}

/** Tens of minutes on a fresh machine: cluster mode builds the Temporal server, its SQL tool and the UI with Go. */
const FIRST_START_MS = 45 * 60_000;

describe.each(['dev-server', 'cluster'] as const)('npm run dev (TEMPORAL_MODE=%s)', (mode) => {
  let dev: ChildProcess;
  let output = '';
  let dataDir: string;
  let port: number;
  let uiPort: number;
  let tree: number[] = [];
  let sockets: { address: string; port: number }[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'dropday-dev-'));
    port = await freePort();
    const ports = await Promise.all(Array.from({ length: 12 }, () => freePort()));
    uiPort = ports[2];
    // Only what a fresh shell has: none of the test run's DATABASE_URL, TEMPORAL_ADDRESS or provider settings.
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(process.env.XDG_CACHE_HOME ? { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME } : {}),
      TEMPORAL_MODE: mode,
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_POSTGRES_PORT: String(ports[0]),
      TEMPORAL_PORT: String(ports[1]),
      TEMPORAL_UI_PORT: String(uiPort),
      SPOTIFY_SIMULATOR_PORT: String(ports[3]),
      GOOGLE_SIMULATOR_PORT: String(ports[4]),
      META_SIMULATOR_PORT: String(ports[5]),
      STRIPE_MOCK_PORT: String(ports[6]),
      WORKER_METRICS_ADDRESS: `127.0.0.1:${ports[7]}`,
      APPLE_MUSIC_SIMULATOR_PORT: String(ports[8]),
      INSTAGRAM_SIMULATOR_PORT: String(ports[9]),
      GEMINI_SIMULATOR_PORT: String(ports[10]),
      TWILIO_SIMULATOR_PORT: String(ports[11]),
    };
    dev = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/dev.ts'], { cwd: ROOT, env });
    dev.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    dev.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Once the tools are built, a start takes under three minutes even in cluster mode.
    let deadline = Date.now() + 180_000;
    while (!/Demo release|demo campaign not seeded/.test(output)) {
      if (dev.exitCode !== null) throw new Error(`npm run dev exited with ${dev.exitCode}:\n${output}`);
      if (/Building the Temporal|still building/.test(output)) deadline = Math.max(deadline, Date.now() + 180_000);
      if (Date.now() > deadline) throw new Error(`npm run dev did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }, FIRST_START_MS);

  afterAll(async () => {
    if (dev?.exitCode === null) dev.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the API, the dashboard and a demo smart link with embedded defaults', async () => {
    expect(output).toContain('dropday is running');
    expect(output).not.toContain('demo campaign not seeded');
    expect((await http.get(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect((await http.get(`http://127.0.0.1:${port}/app`)).status).toBe(200);
    const landing = /open the smart link\s+(\S+)/.exec(output)?.[1];
    expect(landing).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/l/`));
    const page = await http.get(landing!);
    expect(page.status).toBe(200);
    expect(page.data).toContain('Midnight Sun');
    // The printed demo login signs in to the artist app, which shows the demo campaign's page.
    const login = /demo login (\S+) \/ (\S+),/.exec(output);
    const app = new AppClient(`http://127.0.0.1:${port}`);
    const signedIn = await app.submit('/app', '/app/sign-in', { email: login![1]!, password: login![2]! });
    expect(signedIn.status).toBe(303);
    const campaignPage = await app.get(/the artist app\s+(\S+)/.exec(output)![1]!);
    expect([campaignPage.status, campaignPage.data.includes('Midnight Sun')]).toEqual([200, true]);
  });

  it('seeds the demo release with a Spotify fan, an Apple Music fan (pre-added, read back) and a reminder fan', async () => {
    expect(output).toContain('Demo fans: 1 Spotify, 1 Apple Music, 1 reminder (e-mail + SMS)');
    const apiKey = (await readFile(path.join(dataDir, 'demo-api-key'), 'utf8')).trim();
    const progressUrl = /progress from the API\s+curl .* (\S+)$/m.exec(output)![1]!;
    const presaves = await http.get(`${progressUrl}/presaves`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(presaves.status).toBe(200);
    expect((presaves.data.items as { platform: string }[]).map((p) => p.platform).sort()).toEqual([
      'apple_music',
      'spotify',
    ]);
    // The Apple Music fan's library in the simulator holds the pre-release album already (the pre-add read back).
    expect(output).toMatch(/Apple Music fan "demo-fan-apple"\s+pre-added and read back now \(in the library\)/);
    const library = await http.get(/Apple Music fan .*: (\S+)$/m.exec(output)![1]!);
    expect(library.data).toHaveLength(1);
    // The reminder fan confirmed both: by e-mail (the link in the sandbox mailbox) and by SMS (the texted link).
    const sms = await http.get(/its SMS in (\S+)$/m.exec(output)![1]!);
    expect((sms.data as { to: string; body: string }[]).map((m) => m.body.split(':')[0])).toEqual([
      'Confirm SMS reminders for "Midnight Sun" by Luna Vey',
    ]);
  });

  it('has a Temporal Web UI whose payloads decode through the codec endpoint for a signed-in operator', async () => {
    const ui = `http://127.0.0.1:${uiPort}`;
    expect(output).toContain(`Temporal UI    ${ui}`);
    const settings = await http.get(`${ui}/api/v1/settings`);
    expect(settings.status).toBe(200);
    expect(settings.data.Codec.Endpoint).toBe(`http://127.0.0.1:${port}/codec`);
    // The cluster's UI is ours to configure: it sends the ops session cookie without the operator ticking a box.
    if (mode === 'cluster') expect(settings.data.Codec.IncludeCredentials).toBe(true);

    // What the UI's page does: the demo release's history through the UI server, then its payloads to the codec.
    const workflowUrl = /watch the release workflow\s+(\S+)/.exec(output)?.[1];
    expect(workflowUrl?.startsWith(`${ui}/namespaces/default/workflows/`)).toBe(true);
    const workflowId = decodeURIComponent(workflowUrl!.split('/').pop()!);
    const history = await http.get(
      `${ui}/api/v1/namespaces/default/workflows/${encodeURIComponent(workflowId)}/history`,
    );
    expect(history.status).toBe(200);
    const input = history.data.history.events[0].workflowExecutionStartedEventAttributes.input;
    expect(Buffer.from(input.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');

    const codec = `http://127.0.0.1:${port}/codec/decode`;
    const asTheUi = { origin: ui, 'content-type': 'application/json' };
    const refused = await http.post(codec, input, { headers: asTheUi });
    expect(refused.status).toBe(401);

    const opsKey = (await readFile(path.join(dataDir, 'ops-api-key'), 'utf8')).trim();
    const login = await http.post(
      `http://127.0.0.1:${port}/ops/login`,
      new URLSearchParams({ key: opsKey }).toString(),
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: `http://127.0.0.1:${port}` },
        maxRedirects: 0,
      },
    );
    const cookie = String(login.headers['set-cookie']?.[0] ?? '').split(';')[0];
    expect(cookie).toMatch(/=/);
    const decoded = await http.post(codec, input, { headers: { ...asTheUi, cookie } });
    expect(decoded.status).toBe(200);
    expect(decoded.headers['access-control-allow-origin']).toBe(ui);
    expect(decoded.headers['access-control-allow-credentials']).toBe('true');
    const first = decoded.data.payloads[0];
    expect(Buffer.from(first.metadata.encoding, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(first.data, 'base64').toString())).toHaveProperty('campaignId');
  });

  it('listens on loopback only, every process of it', async () => {
    tree = await processTree(dev.pid!);
    sockets = await listeningSockets(tree);
    // API, PostgreSQL, Temporal (gRPC and UI), three simulators, stripe-mock (HTTP and HTTPS), worker metrics.
    expect(sockets.length).toBeGreaterThanOrEqual(9);
    expect(sockets.map((s) => s.port)).toEqual(expect.arrayContaining([port, uiPort]));
    const open = sockets.filter((s) => s.address !== LOOPBACK_V4 && s.address !== LOOPBACK_V6);
    expect(open).toEqual([]);
  });

  it('stops everything on Ctrl-C', async () => {
    expect(tree.length).toBeGreaterThan(5);
    const exited = new Promise<number | null>((resolve) => dev.once('exit', (code) => resolve(code)));
    dev.kill('SIGINT');
    expect([0, 130]).toContain(await exited); // 130: tsx relays the interrupt
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 30_000;
    while (tree.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(tree.filter(alive)).toEqual([]);
    for (const socket of sockets)
      expect({ port: socket.port, free: await isPortFree(socket.port) }).toEqual({ port: socket.port, free: true });
  }, 60_000);
});
