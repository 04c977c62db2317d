// bench:api — the smart-link page and the start of a pre-save under load from a second process on loopback,
// side by side with a bare Express handler serving a page of the same size (the floor: what Express alone costs).
//
//   npm run bench:api -- [--seconds 10] [--concurrency 32]
//
// Prints a table and, as its last line, one JSON object with every figure. The OAuth callback is not loaded here:
// each call needs a fresh single-use state and a provider round trip, so it is measured by bench:release's
// pre-save phase (fans per second through the whole flow).
import { fork } from 'node:child_process';
import { type AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { artistAccount, createCampaign } from '../test/helpers/release-stack';
import { startBenchStack } from './lib/stack';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

function load(
  url: string,
  concurrency: number,
  seconds: number,
): Promise<{ requests: number; errors: number; rps: number; p50Ms: number; p99Ms: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'lib', 'load.ts'), [url, String(concurrency), String(seconds)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!))
        : reject(new Error(`load generator exited ${code}`)),
    );
  });
}

async function main() {
  const seconds = arg('seconds', 10);
  const concurrency = arg('concurrency', 32);
  const stack = await startBenchStack({
    ceilingRps: 1000,
    maxRps: 900,
    log: (m) => process.stderr.write(`[bench] ${m}\n`),
  });
  const bare = express();
  try {
    const target = { api: { url: stack.apiUrl } };
    const account = await artistAccount(target);
    const campaign = await createCampaign(target, account, 'Bench Page');
    const page = await (await fetch(`${stack.apiUrl}/l/${campaign.slug}`)).text();
    bare.get('/page', (_req, res) => res.type('html').send(page));
    const server = bare.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const bareUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/page`;

    const figures = {
      seconds,
      concurrency,
      bareExpress: await load(bareUrl, concurrency, seconds),
      smartLinkPage: await load(`${stack.apiUrl}/l/${campaign.slug}`, concurrency, seconds),
      presaveStart: await load(
        `${stack.apiUrl}/l/${campaign.slug}/presave/spotify?tz=Europe%2FParis`,
        concurrency,
        seconds,
      ),
    };
    server.close();
    console.log(`\nbench:api — ${concurrency} connections for ${seconds} s each, load from a second process`);
    console.log(
      `${'target'.padEnd(34)}${'req/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}`,
    );
    for (const [name, f] of Object.entries({
      'bare Express (same page)': figures.bareExpress,
      'GET /l/:slug (smart link)': figures.smartLinkPage,
      'GET /l/:slug/presave/spotify (302)': figures.presaveStart,
    })) {
      console.log(
        `${name.padEnd(34)}${String(f.rps).padStart(8)}${f.p50Ms?.toFixed(2).padStart(9)}${f.p99Ms?.toFixed(2).padStart(9)}${String(f.errors).padStart(8)}`,
      );
    }
    console.log(JSON.stringify(figures));
  } finally {
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
