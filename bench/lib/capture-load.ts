// The pre-save capture under load, run in its own process (bench/api.ts forks it): `concurrency` fans at a time
// for `seconds`, each as a browser would after the smart link: our start URL (302 to Spotify, with the sign-in
// cookie) → the Spotify simulator's authorize step (the consent form's POST, a fresh user each time) → our callback
// (code exchange, profile, fan and pre-save writes, hand-off to the release engine; 303 to the thank-you page).
// Each fan comes from an address of its own (X-Forwarded-For, which the API trusts from loopback as it would from
// its proxy), as real fans do: the per-address rate limit counts each fan on its own row instead of every pre-save
// of the run queueing on one row's lock.
// With more than one API process (a comma-separated list of their origins, the first being PUBLIC_URL's), each fan
// goes to one of them for both its start and its callback, as a load balancer would send it.
// Prints {completed, errors, rps, p50Ms, p99Ms, callbackP99Ms} as one JSON line; the latencies are our API's part
// of one pre-save (start + callback), the simulator's step not included.
import http from 'node:http';

const [startUrl, concurrencyArg, secondsArg, apisArg] = process.argv.slice(2);
const apis = (apisArg ?? new URL(startUrl).origin).split(',');
const concurrency = Number(concurrencyArg);
const seconds = Number(secondsArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency * 2 });
const ours: number[] = [];
const callbacks: number[] = [];
let errors = 0;
let next = 0;

interface Answer {
  status: number;
  location: string;
  cookies: string[];
  ms: number;
}

function request(
  url: string,
  init: { method?: string; body?: string; cookie?: string; from?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const headers: Record<string, string> = {};
    if (init.cookie) headers.cookie = init.cookie;
    if (init.from) headers['x-forwarded-for'] = init.from;
    if (init.body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const req = http.request(url, { method: init.method ?? 'GET', agent, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          location: String(res.headers.location ?? ''),
          cookies: (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]),
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        }),
      );
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

async function onePresave(): Promise<void> {
  const fan = next++;
  const from = `10.${(fan >> 16) & 255}.${(fan >> 8) & 255}.${fan & 255}`;
  const api = apis[fan % apis.length]!;
  const start = await request(new URL(new URL(startUrl).pathname + new URL(startUrl).search, api).toString(), { from });
  if (start.status !== 302) throw new Error(`start answered ${start.status}`);
  const authorize = new URL(start.location);
  const form = new URLSearchParams(authorize.searchParams);
  form.set('user', `capture-${process.pid}-${fan}`);
  form.set('decision', 'accept');
  const consent = await request(`${authorize.origin}/authorize`, { method: 'POST', body: form.toString() });
  if (consent.status !== 302) throw new Error(`authorize answered ${consent.status}`);
  const back = new URL(consent.location);
  const callback = await request(`${api}${back.pathname}${back.search}`, { cookie: start.cookies.join('; '), from });
  if (callback.status !== 303) throw new Error(`callback answered ${callback.status}`);
  ours.push(start.ms + callback.ms);
  callbacks.push(callback.ms);
}

async function main() {
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) await onePresave().catch(() => errors++);
    }),
  );
  const pick = (list: number[], p: number) => {
    list.sort((a, b) => a - b);
    return list[Math.min(list.length - 1, Math.ceil((p / 100) * list.length) - 1)] ?? null;
  };
  console.log(
    JSON.stringify({
      completed: ours.length,
      errors,
      rps: Math.round(ours.length / seconds),
      p50Ms: pick(ours, 50),
      p99Ms: pick(ours, 99),
      callbackP99Ms: pick(callbacks, 99),
    }),
  );
  agent.destroy();
}

void main();
