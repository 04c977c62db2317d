// bench:release --growth: the same bench at several sizes (10k, 30k, 100k fans unless `--growth 5000,20000`), one
// run after the other, each in its own process with a fresh stack, then one table of the figures side by side so the
// cost per fan is visible as the release grows. Every other option is passed on to each run.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { formatLoad, type LoadRange } from './load-average';

export const DEFAULT_GROWTH_SIZES = [10_000, 30_000, 100_000];

interface RunFigures {
  fans: number;
  policy: string;
  zones: number;
  ceilingRps: number;
  load?: LoadRange;
  perFanFans?: number;
  batch: Record<string, number | null>;
  perFan: Record<string, number | null> | null;
  perFanRatio?: Record<string, number | null> | null;
}

/** `argv`: bench:release's own arguments, without --growth and --fans. */
export async function runGrowth(sizes: number[], argv: string[], log: (m: string) => void): Promise<void> {
  const runs: RunFigures[] = [];
  // The per-fan variant (minutes per run on this machine) beside the first size only, unless told otherwise.
  const perFanOnce = !argv.includes('--per-fan-fans');
  for (const [i, fans] of sizes.entries()) {
    log(`growth: ${fans} fans`);
    const perFan = perFanOnce && i > 0 ? ['--per-fan-fans', '0'] : [];
    const figures = await runOnce([...argv, ...perFan, '--fans', String(fans)]);
    if (figures) runs.push(figures);
    else log(`growth: the ${fans}-fan run printed no figures (see above)`);
  }
  printGrowth(runs);
  console.log(JSON.stringify({ growth: runs }));
}

/** One bench:release run as a child process; its stdout passes through; its last line is the figures. */
function runOnce(args: string[]): Promise<RunFigures | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '..', 'release.ts'), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('exit', () => {
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(last) as RunFigures);
      } catch {
        resolve(null);
      }
    });
  });
}

function printGrowth(runs: RunFigures[]): void {
  const columns: [string, (r: RunFigures) => unknown][] = [
    ['fans', (r) => r.fans],
    ['policy', (r) => (r.zones > 1 ? `${r.policy}, ${r.zones} zones` : r.policy)],
    ['delivered', (r) => r.batch.delivered],
    ['lost', (r) => r.batch.lost],
    ['duplicates', (r) => r.batch.duplicateProviderSaves],
    ['deliveries/s', (r) => r.batch.deliveriesPerSecond],
    ['calls/s ÷ ceiling', (r) => r.batch.ratioToCeiling],
    ['history events/fan', (r) => r.batch.historyEventsPerFan],
    ['worker peak RSS MiB', (r) => r.batch.peakWorkerRssMiB],
    ['first delivery p99 ms', (r) => r.batch.firstDeliveryP99Ms],
    ['CPU ms/delivery', (r) => r.batch.workerCpuMsPerDelivery],
    ['per-fan run (fans)', (r) => r.perFanFans ?? '-'],
    ['deliveries/s ÷ per-fan', (r) => r.perFanRatio?.deliveriesPerSecond ?? '-'],
    ['CPU/delivery ÷ per-fan', (r) => r.perFanRatio?.workerCpuMsPerDelivery ?? '-'],
    ['load average', (r) => formatLoad(r.load)],
  ];
  const width = 24;
  console.log('\nbench:release --growth (batched engine; ratios to the one-workflow-per-fan run of each size)');
  console.log(`${'figure'.padEnd(width)}${runs.map((r) => `${r.fans} fans`.padStart(width)).join('')}`);
  for (const [name, pick] of columns.slice(1))
    console.log(`${name.padEnd(width)}${runs.map((r) => String(pick(r) ?? '-').padStart(width)).join('')}`);
  console.log('');
}
