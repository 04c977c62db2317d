// A load generator meant to run in its own process (bench/api.ts forks it): keep-alive HTTP GETs from `concurrency`
// loops for `seconds`, then prints {requests, errors, rps, p50, p99, latencies} as one JSON line. With a `rate` (req/s) the
// loops keep to that pace instead of going as fast as the server answers; `header` adds one request header.
import http from 'node:http';

const [url, concurrencyArg, secondsArg, rateArg, header] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const seconds = Number(secondsArg);
const rate = Number(rateArg) || 0;
const headers: Record<string, string> = {};
if (header) headers[header.slice(0, header.indexOf(':'))] = header.slice(header.indexOf(':') + 1).trim();
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const latencies: number[] = [];
let errors = 0;

function get(): Promise<void> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.get(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode && res.statusCode < 400) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        else errors++;
        resolve();
      });
    });
    req.on('error', () => {
      errors++;
      resolve();
    });
  });
}

async function main() {
  const begin = Date.now();
  const end = begin + seconds * 1000;
  const gapMs = rate > 0 ? (concurrency * 1000) / rate : 0; // each loop's share of the pace
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      for (let k = 0; Date.now() < end; k++) {
        const due = begin + (loop / concurrency + k) * gapMs;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        await get();
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const pick = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? null;
  console.log(
    JSON.stringify({
      requests: latencies.length,
      errors,
      rps: Math.round(latencies.length / seconds),
      p50Ms: pick(50),
      p99Ms: pick(99),
      // every latency, for a caller that merges several runs (bench/api.ts alternates the page with its floor)
      latencies: latencies.map((l) => Math.round(l * 1000) / 1000),
    }),
  );
  agent.destroy();
}

void main();
