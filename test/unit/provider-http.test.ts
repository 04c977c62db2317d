// The provider call wrapper over real loopback HTTP: a write cut off by its timeout may have landed
// (outcome_unknown), a read is merely unavailable, a refused connection never sent anything, and every call —
// answered, refused or timed out — reaches the metrics hook with its outcome.
import { createServer, type Server } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { ProviderError } from '../../lib/providers/errors';
import { type ProviderCall, ProviderHttp } from '../../lib/providers/http';

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') return; // never answers: the client's timeout decides
    if (req.url?.startsWith('/echo')) {
      // answers with what arrived, so a test can read what the client put on the wire
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () =>
        res.writeHead(200).end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body })),
      );
      return;
    }
    if (req.url === '/bytes') return res.writeHead(200).end(Buffer.alloc(64, 7));
    if (req.url === '/text') return res.writeHead(503).end('Service Unavailable');
    const json = { 'content-type': 'application/json' };
    if (req.url === '/missing') return res.writeHead(404, json).end('{"error":"gone"}');
    res.writeHead(200, json).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function client(baseURL: string, calls: ProviderCall[]) {
  return new ProviderHttp({
    provider: 'spotify',
    label: 'Test',
    baseURL,
    timeoutMs: 200,
    onCall: (call) => calls.push(call),
    classify: (res) => (res.status === 404 ? new ProviderError('spotify', 'not_found', 'gone', { status: 404 }) : null),
  });
}

describe('ProviderHttp', () => {
  it('reports an answered call as ok with its status and duration', async () => {
    const calls: ProviderCall[] = [];
    const res = await client(url, calls).request({ operation: 'read', url: '/' });
    expect(res.data).toEqual({ ok: true });
    const answered = { provider: 'spotify', operation: 'read', outcome: 'ok', status: 200 };
    expect(calls).toEqual([expect.objectContaining(answered)]);
    expect(calls[0].durationMs).toBeGreaterThanOrEqual(0);
  });

  it("throws the client's classification of an answer and reports its kind", async () => {
    const calls: ProviderCall[] = [];
    await expect(client(url, calls).request({ operation: 'read', url: '/missing' })).rejects.toMatchObject({
      kind: 'not_found',
      status: 404,
    });
    expect(calls).toEqual([expect.objectContaining({ outcome: 'not_found', status: 404 })]);
  });

  it('a timed-out write is outcome_unknown; a timed-out read is unavailable', async () => {
    const calls: ProviderCall[] = [];
    const http = client(url, calls);
    await expect(http.request({ operation: 'save', method: 'PUT', url: '/slow', write: true })).rejects.toMatchObject({
      kind: 'outcome_unknown',
    });
    await expect(http.request({ operation: 'read', url: '/slow' })).rejects.toMatchObject({ kind: 'unavailable' });
    expect(calls.map((c) => [c.operation, c.outcome, c.status])).toEqual([
      ['save', 'outcome_unknown', null],
      ['read', 'unavailable', null],
    ]);
  });

  it('a write whose connection was refused never left: unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await client(`http://127.0.0.1:${port}`, [])
      .request({ operation: 'save', method: 'PUT', url: '/', write: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/^Test unreachable: /) });
  });

  it('sends the path under the base URL with its query, a JSON or form body, and Basic credentials', async () => {
    const http = client(`${url}/echo/v1/`, []);
    const json = await http.request({
      operation: 'write',
      method: 'POST',
      url: '/albums',
      params: { 'filter[upc]': '00602445790456', limit: 100, skipped: undefined },
      data: { ids: ['4aawyAB9vmqN3uQ7FjRGTy'] },
      headers: { Authorization: 'Bearer t' },
    });
    expect(json.data).toMatchObject({
      method: 'POST',
      url: '/echo/v1/albums?filter%5Bupc%5D=00602445790456&limit=100',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      body: '{"ids":["4aawyAB9vmqN3uQ7FjRGTy"]}',
    });
    const form = await http.request({
      operation: 'token',
      method: 'POST',
      url: 'token',
      data: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r' }).toString(),
      auth: { username: 'id', password: 'secret' },
    });
    expect(form.data).toMatchObject({
      url: '/echo/v1/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('id:secret').toString('base64')}`,
      },
      body: 'grant_type=refresh_token&refresh_token=r',
    });
  });

  it('an absolute URL ignores the base; a body that is not JSON stays text; bytes come back as a Buffer', async () => {
    const http = client('http://127.0.0.1:1/unused', []);
    const echoed = await http.request({ operation: 'jwks', url: `${url}/echo/certs?x=1`, params: { y: '2' } });
    expect(echoed.data).toMatchObject({ method: 'GET', url: '/echo/certs?x=1&y=2' });
    const text = await client(url, []).request({ operation: 'read', url: '/text', classify: () => null });
    expect(text).toMatchObject({ status: 503, data: 'Service Unavailable' });
    const bytes = await client(url, []).request({ operation: 'image', url: '/bytes', responseType: 'buffer' });
    expect(Buffer.isBuffer(bytes.data) && (bytes.data as Buffer).equals(Buffer.alloc(64, 7))).toBe(true);
  });

  it('an answer larger than maxBytes is refused, not read whole', async () => {
    const calls: ProviderCall[] = [];
    await expect(
      client(url, calls).request({ operation: 'image', url: '/bytes', responseType: 'buffer', maxBytes: 32 }),
    ).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/larger than 32 bytes/) });
    expect(calls).toEqual([expect.objectContaining({ operation: 'image', outcome: 'unavailable' })]);
  });

  it('goes through the proxy HTTP_PROXY names, as axios did: a host only the proxy can reach answers', async () => {
    const asked: string[] = [];
    const answer = (body: string) =>
      `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`;
    const proxy = createServer((req, res) => {
      asked.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"via":"proxy"}');
    });
    // a tunnelling proxy: the request comes inside the CONNECT, and this proxy answers it itself
    proxy.on('connect', (req, socket: Socket) => {
      asked.push(`CONNECT ${req.url}`);
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      socket.once('data', () => socket.end(answer('{"via":"proxy"}')));
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };
    process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    delete process.env.NO_PROXY;
    try {
      const res = await client('http://provider.invalid/v1', []).request({ operation: 'read', url: '/albums' });
      expect(res.data).toEqual({ via: 'proxy' });
      expect(asked).toEqual([expect.stringMatching(/provider\.invalid(:80)?/)]);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
