// The security headers computed once at start-up are exactly what helmet sets per request, for our options over
// HTTP and over HTTPS, and a page can still widen its own Content-Security-Policy without touching the next one.
import { type AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import { addContentSecuritySources } from '../../api/http/content-security';
import { securityHeaders } from '../../api/http/security-headers';

async function headersOf(middleware: RequestHandler, path = '/'): Promise<Record<string, string>> {
  const app = express();
  app.use(middleware);
  app.get('/', (_req, res) => res.send('page'));
  app.get('/pixel', (_req, res) => {
    addContentSecuritySources(res, { 'script-src': ['https://connect.facebook.net'] });
    res.send('page with a pixel');
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => (headers[name] = value));
    for (const varying of ['date', 'etag', 'content-length', 'keep-alive', 'connection']) delete headers[varying];
    return headers;
  } finally {
    server.close();
  }
}

const optionsFor = (https: boolean): HelmetOptions => ({
  contentSecurityPolicy: { directives: { 'img-src': ["'self'"], 'upgrade-insecure-requests': https ? [] : null } },
  strictTransportSecurity: https,
});

describe('security headers', () => {
  it.each([false, true])('are helmet’s own (served over HTTPS: %s)', async (https) => {
    const ours = await headersOf(securityHeaders(optionsFor(https)));
    expect(ours).toEqual(await headersOf(helmet(optionsFor(https))));
    expect(ours['x-frame-options']).toBe('SAMEORIGIN');
    expect('strict-transport-security' in ours).toBe(https);
  });

  it('let a page add a source to its own policy only', async () => {
    const middleware = securityHeaders(optionsFor(false));
    const pixel = await headersOf(middleware, '/pixel');
    expect(pixel['content-security-policy']).toContain("script-src 'self' https://connect.facebook.net");
    expect((await headersOf(middleware))['content-security-policy']).toContain("script-src 'self';");
  });
});
