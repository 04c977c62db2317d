// Where a worker's CPU time went: reads V8 .cpuprofile files (bench:release --profile DIR) and prints self time by
// part (PostgreSQL client, Temporal SDK, HTTP, crypto, validation, logging, our code, garbage collection), then
// the hottest functions. Idle time is left out of the shares.
//
//   npx tsx bench/profile-summary.ts DIR|FILE...
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const PARTS: [string, RegExp][] = [
  ['PostgreSQL client (pg, slonik)', /node_modules\/(pg|pg-[a-z-]+|slonik|@slonik|postgres-[a-z]+)\//],
  ['validation (zod)', /node_modules\/zod\//],
  ['Temporal SDK', /node_modules\/@temporalio\//],
  [
    'HTTP client (undici, node http)',
    /node_modules\/(undici|axios|follow-redirects|form-data|proxy-from-env)\/|^node:(_http|http)/,
  ],
  ['logging (pino)', /node_modules\/(pino|sonic-boom|thread-stream)/],
  ['crypto (key ring, node crypto)', /lib\/crypto\/|^node:(crypto|internal\/crypto)/],
  ['dropday code', /\/(activities|db|lib|workers|workflows)\//],
];

/** A sample's part: the nearest frame up its stack that belongs to one (native and node frames take their caller's). */
function partOf(node: ProfileNode, parents: Map<number, ProfileNode>): string {
  const { functionName } = node.callFrame;
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(program)') return 'V8 / native (program)';
  let nodeFallback: string | null = null;
  for (let n: ProfileNode | undefined = node; n; n = parents.get(n.id)) {
    const { url } = n.callFrame;
    if (/webpack|@swc|swc-loader|node_modules\/(tsx|esbuild)|^node:internal\/modules/.test(url))
      return 'start-up (module loading, workflow bundle)';
    for (const [name, re] of PARTS) if (re.test(url)) return name;
    if (url.startsWith('node:')) nodeFallback ??= 'node internals (timers, events, buffers…)';
    else if (url) return `other: ${url.replace(/.*node_modules\//, '').split('/')[0]}`;
  }
  return nodeFallback ?? 'native / builtins';
}

const files = process.argv.slice(2).flatMap((p) =>
  statSync(p).isDirectory()
    ? readdirSync(p)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => path.join(p, f))
    : [p],
);
const byPart = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n);
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id)!;
    const us = profile.timeDeltas[i] ?? 0;
    const part = partOf(node, parents);
    byPart.set(part, (byPart.get(part) ?? 0) + us);
    if (part === '(idle)' || part.startsWith('start-up')) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/.*node_modules\//, '').replace(/.*\/wt-[a-z]+\//, '')}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  });
}
// Start-up (module loading, the workflow bundle) is reported but left out of the shares, like idle time.
const apart = (k: string) => k === '(idle)' || k.startsWith('start-up');
const busy = [...byPart].filter(([k]) => !apart(k)).reduce((n, [, us]) => n + us, 0);
const startUp = [...byPart].filter(([k]) => k.startsWith('start-up')).reduce((n, [, us]) => n + us, 0);
console.log(
  `${files.length} profile(s); busy ${(busy / 1e6).toFixed(1)} s (start-up ${(startUp / 1e6).toFixed(1)} s apart), idle ${((byPart.get('(idle)') ?? 0) / 1e6).toFixed(1)} s`,
);
for (const [part, us] of [...byPart]
  .filter(([k]) => !apart(k) && 100 * byPart.get(k)! >= 0.2 * busy)
  .sort((a, b) => b[1] - a[1]))
  console.log(
    `${part.padEnd(44)}${(us / 1e6).toFixed(2).padStart(8)} s${((100 * us) / busy).toFixed(1).padStart(7)} %`,
  );
console.log('\nhottest functions (self time)');
for (const [fn, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`${((100 * us) / busy).toFixed(1).padStart(5)} %  ${fn}`);
