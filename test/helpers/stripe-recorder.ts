// A recording pass-through in front of stripe-mock, which keeps no state: every request dropday makes to Stripe is
// written down (method and path) and forwarded; stripe-mock answers. It remembers one piece of Stripe's state that a
// retry-safety test needs: a subscription cancelled through it reads back `canceled`, and cancelling it again is
// refused as Stripe refuses it (400 invalid_request_error), instead of stripe-mock's fixture.
import { createServer, request as forward } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface StripeRecorder {
  url: string;
  /** `METHOD /v1/path` of every request, in order */
  requests: string[];
  close(): Promise<void>;
}

const SUBSCRIPTION = /^\/v1\/subscriptions\/([^/?]+)$/;

export async function startStripeRecorder(stripeMockUrl: string): Promise<StripeRecorder> {
  const target = new URL(stripeMockUrl);
  const requests: string[] = [];
  const cancelled = new Set<string>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push(`${req.method} ${path}`);
    const subscription = SUBSCRIPTION.exec(path)?.[1];
    if (subscription && cancelled.has(subscription) && req.method === 'DELETE') {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { type: 'invalid_request_error', message: `subscription ${subscription} is already canceled` },
        }),
      );
      req.resume();
      return;
    }
    const upstream = forward(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          let body = Buffer.concat(chunks);
          if (subscription && answer.statusCode === 200) {
            if (req.method === 'DELETE') cancelled.add(subscription);
            if (cancelled.has(subscription)) {
              const json = JSON.parse(body.toString()) as Record<string, unknown>;
              body = Buffer.from(JSON.stringify({ ...json, id: subscription, status: 'canceled' }));
            }
          }
          const headers = { ...answer.headers, 'content-length': String(body.length) };
          delete headers['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(body);
        });
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
