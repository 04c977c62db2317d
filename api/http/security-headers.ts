// helmet's security headers, worked out once at start-up: helmet runs a dozen middlewares that rebuild the same
// header values on every request (the smart link's bursts included). Our policy has no per-request part (no
// nonces), so its headers are constants; pages that need a third party's source add it to the response's own copy
// (./content-security.ts).
import { type RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

export function securityHeaders(options: HelmetOptions): RequestHandler {
  const headers: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string) => headers.push([name, value]),
    removeHeader: (name: string) => removed.push(name),
  };
  let ran = false;
  helmet(options)({} as never, recorder as never, () => (ran = true));
  // helmet finishes synchronously for static options; should a future version not, fail at start, not per request.
  if (!ran) throw new Error('helmet did not finish synchronously: its headers cannot be computed once');
  return (_req, res, next) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
