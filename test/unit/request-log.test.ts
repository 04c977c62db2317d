// The request observer on a real Express server: every request's id, its access-log line (path only, never the
// query), its metrics by route pattern, the quiet paths, a server error at error level and a client who left early.
import { type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { Registry } from 'prom-client';
import { createLogger } from '../../lib/logger';
import { observeRequests } from '../../api/request-log';

interface Line {
  level: number;
  msg: string;
  req: { id: string; method: string; path: string };
  res: { statusCode: number };
  responseTime: number;
}

async function serve(level: string) {
  const lines: Line[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Line);
      done();
    },
  });
  const registry = new Registry();
  const app = express();
  app.use(observeRequests(createLogger({ level, destination }), registry));
  app.get('/healthz', (_req, res) => res.send('ok'));
  app.get('/oauth/callback/:provider', (_req, res) => res.send('signed in'));
  app.get('/broken', (_req, res) => res.status(500).send('no'));
  app.get('/slow', () => undefined); // never answers: the client gives up
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { lines, registry, url, close: () => new Promise((resolve) => server.close(resolve).closeAllConnections()) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('every request', () => {
  it('gets an id, echoed, and one log line with the path but not the query; health checks are not logged', async () => {
    const api = await serve('info');
    try {
      const signedIn = await fetch(`${api.url}/oauth/callback/spotify?code=secret-code&state=sealed-state`);
      const fromProxy = await fetch(`${api.url}/oauth/callback/spotify`, {
        headers: { 'x-request-id': 'proxy-id-42' },
      });
      const forged = await fetch(`${api.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
      await settle();
      expect(signedIn.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(fromProxy.headers.get('x-request-id')).toBe('proxy-id-42');
      expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(api.lines).toEqual([
        expect.objectContaining({
          level: 30,
          msg: 'request completed',
          req: { id: signedIn.headers.get('x-request-id'), method: 'GET', path: '/oauth/callback/spotify' },
          res: { statusCode: 200 },
        }),
        expect.objectContaining({ req: expect.objectContaining({ id: 'proxy-id-42' }) }),
      ]);
      expect(JSON.stringify(api.lines)).not.toContain('secret-code');
      const metrics = await api.registry.metrics();
      expect(metrics).toContain('http_requests_total{method="GET",route="/oauth/callback/:provider",status="200"} 2');
      expect(metrics).toContain('http_requests_total{method="GET",route="/healthz",status="200"} 1');
    } finally {
      await api.close();
    }
  });

  it('logs a server error at error level, a client who left as aborted, and nothing below the level', async () => {
    const api = await serve('info');
    try {
      expect((await fetch(`${api.url}/broken`)).status).toBe(500);
      await expect(fetch(`${api.url}/slow`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
      await settle();
      expect(api.lines.map((l) => [l.level, l.msg, l.req.path])).toEqual([
        [50, 'request completed', '/broken'],
        [30, 'request aborted', '/slow'],
      ]);
    } finally {
      await api.close();
    }
    const quiet = await serve('warn');
    try {
      await fetch(`${quiet.url}/oauth/callback/spotify`);
      await fetch(`${quiet.url}/broken`);
      await settle();
      expect(quiet.lines.map((l) => [l.level, l.req.path])).toEqual([[50, '/broken']]);
    } finally {
      await quiet.close();
    }
  });
});
