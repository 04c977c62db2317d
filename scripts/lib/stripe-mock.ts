// Finds Stripe's `stripe-mock`, or builds it with Go into the tool cache, exactly like the Temporal CLI
// (scripts/lib/temporal-cli.ts): STRIPE_MOCK_PATH, then `stripe-mock` on PATH, then the cached build, then
// `go install` of the pinned version. And starts it on loopback ports the system picks.
import { type ChildProcess, spawn } from 'node:child_process';
import { PUBLISHED_SANDBOX_WEBHOOK_SECRET } from '../../lib/config';
import { resolveGoTool } from './go-tool';
import { stopChild } from './temporal-dev-server';

export const STRIPE_MOCK_VERSION = '0.203.0';
/** The webhook signing secret of `npm run dev` in sandbox mode (not a secret: nothing real is behind it). */
export const SANDBOX_WEBHOOK_SECRET = PUBLISHED_SANDBOX_WEBHOOK_SECRET;
const MODULE = 'github.com/stripe/stripe-mock';

export function resolveStripeMock(log: (m: string) => void = console.log): Promise<string> {
  return resolveGoTool(
    {
      label: 'stripe-mock',
      binary: 'stripe-mock',
      module: MODULE,
      version: STRIPE_MOCK_VERSION,
      pathVariable: 'STRIPE_MOCK_PATH',
    },
    log,
  );
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
  const child = spawn(opts.bin, ['-http-addr', `127.0.0.1:${opts.port ?? ''}`, '-https-addr', '127.0.0.1:'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
