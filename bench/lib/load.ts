// A load generator meant to run in its own process (bench/api.ts forks it): keep-alive HTTP GETs from `concurrency`
// loops for `seconds`, then prints {requests, errors, rps, p50, p99} as one JSON line.
import http from 'node:http';

const [url, concurrencyArg, secondsArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const seconds = Number(secondsArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const latencies: number[] = [];
let errors = 0;

function get(): Promise<void> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.get(url, { agent }, (res) => {
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
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) await get();
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
    }),
  );
  agent.destroy();
}

void main();
