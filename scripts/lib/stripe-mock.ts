// Finds Stripe's `stripe-mock`, or builds it with Go into the tool cache, exactly like the Temporal CLI
// (scripts/lib/temporal-cli.ts): STRIPE_MOCK_PATH, then `stripe-mock` on PATH, then the cached build, then
// `go install` of the pinned version. And starts it on loopback ports the system picks.
import { type ChildProcess, spawn } from 'node:child_process';
import { access, constants, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cacheBinDir } from './temporal-cli';
import { stopChild } from './temporal-dev-server';

export const STRIPE_MOCK_VERSION = '0.203.0';
/** The webhook signing secret of `npm run dev` in sandbox mode (not a secret: nothing real is behind it). */
export const SANDBOX_WEBHOOK_SECRET = 'whsec_dropday_sandbox';
const MODULE = 'github.com/stripe/stripe-mock';

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function onPath(name: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

function goInstall(gobin: string, extraEnv: Record<string, string>, log: (m: string) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('go', ['install', `${MODULE}@v${STRIPE_MOCK_VERSION}`], {
      env: { ...process.env, GOBIN: gobin, GOFLAGS: '-mod=mod', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', () => resolve(false));
    child.on('close', (code) => {
      if (code !== 0) log(`go install failed:\n${tail.join('\n')}`);
      resolve(code === 0);
    });
  });
}

export async function resolveStripeMock(log: (m: string) => void = console.log): Promise<string> {
  const fromEnv = process.env.STRIPE_MOCK_PATH;
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return fromEnv;
    throw new Error(`STRIPE_MOCK_PATH=${fromEnv} is not an executable file`);
  }
  const inPath = await onPath('stripe-mock');
  if (inPath) return inPath;

  const gobin = cacheBinDir();
  const cached = path.join(gobin, 'stripe-mock');
  // Source builds report version "master", so the build writes down what it built.
  const marker = `${cached}.version`;
  if ((await isExecutable(cached)) && (await readFile(marker, 'utf8').catch(() => '')).trim() === STRIPE_MOCK_VERSION) return cached;

  if (!(await onPath('go'))) {
    throw new Error(
      'stripe-mock was not found: set STRIPE_MOCK_PATH, put `stripe-mock` on PATH, or install Go so dropday can ' +
        `build it (go install ${MODULE}@v${STRIPE_MOCK_VERSION}).`,
    );
  }
  await mkdir(gobin, { recursive: true });
  log(`Building stripe-mock v${STRIPE_MOCK_VERSION} with Go into ${gobin} (first time only)…`);
  // If the checksum database cannot be reached, dependencies are still checked against stripe-mock's go.sum.
  const ok = (await goInstall(gobin, {}, log)) || (await goInstall(gobin, { GOSUMDB: 'off' }, log));
  if (!ok || !(await isExecutable(cached))) throw new Error('Could not build stripe-mock with go install');
  await writeFile(marker, STRIPE_MOCK_VERSION);
  return cached;
}

export interface RunningStripeMock {
  /** http://127.0.0.1:<port>, for STRIPE_API_URL */
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts stripe-mock on loopback. Both listeners are given (an empty port lets the system choose): with
 * `-http-addr` alone, stripe-mock still opens its default HTTPS port 12112 on every interface, and two copies
 * would collide. The chosen HTTP port is read from its start-up line.
 */
export async function startStripeMock(opts: { bin: string; port?: number }): Promise<RunningStripeMock> {
  const child = spawn(opts.bin, ['-http-addr', `127.0.0.1:${opts.port ?? ''}`, '-https-addr', '127.0.0.1:'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        if (output.length < 50) output.push(line);
        const match = /Listening for HTTP at address: ([\d.]+:\d+)/.exec(line);
        if (match) resolve(`http://${match[1]}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`stripe-mock exited (${code}):\n${output.join('\n')}`)));
  });
  child.stdout.resume();
  child.stderr.resume();
  return { url, process: child, stop: () => stopChild(child) };
}
