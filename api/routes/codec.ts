// Remote codec endpoint for the Temporal Web UI and CLI (https://docs.temporal.io/codec-server): decodes the
// encrypted payloads of workflow histories. Decoded payloads can hold personal data, so only ops may call it: with
// an ops key, or (from the Web UI in a browser) with the ops session cookie of POST /ops/login.
import { type RequestHandler, Router } from 'express';
import { type Payload } from '@temporalio/common';
import { z } from 'zod';
import { EncryptionCodec } from '../../lib/temporal/encryption-codec';
import { findApiKeyByHash } from '../../db/accounts';
import { hashApiKey } from '../../lib/crypto/hash';
import { signingKeys } from '../../lib/crypto/signed-value';
import { requireSameOrigin } from '../http/same-origin';
import { html, page } from '../pages/layout';
import { messagePage } from '../pages/smart-link';
import { OPS_SESSION_COOKIE, requireApiKeyOrOpsSession, requireRole } from '../auth';
import { type AppDeps } from '../deps';
import { ApiError, fromZod } from '../errors';
import { jsonBody, formBody } from '../validation';

// Bytes in proto3 JSON are base64, standard or URL-safe, padded or not (protojson reads all four).
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'expected base64');

// A Payloads message in proto3 JSON, as Temporal's tools write it. protojson leaves out empty fields, so the CLI
// sends `{}` for no payloads (a query without arguments) and may leave out `metadata` or `data`: absent (or null)
// means empty. The X-Namespace header is accepted and not needed: one key ring serves every namespace.
const jsonPayloads = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() }))
    .max(1000)
    .nullish(),
});
type JsonPayload = NonNullable<z.infer<typeof jsonPayloads>['payloads']>[number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: p.data ? Buffer.from(p.data, 'base64') : undefined,
});

// Answers as protojson writes them (empty `data` left out), so any proto3 JSON reader takes them.
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: p.data?.length ? Buffer.from(p.data).toString('base64') : undefined,
});

function cors(allowedOrigins: string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin && allowedOrigins.includes(origin)) {
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'authorization, content-type, x-namespace',
        Vary: 'Origin',
      });
    }
    if (req.method === 'OPTIONS') {
      res.sendStatus(204);
      return;
    }
    next();
  };
}

export function codecRoutes({ pool, keyRing, config }: AppDeps): Router {
  const codec = new EncryptionCodec(keyRing);
  const origins = config.CODEC_CORS_ORIGINS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const router = Router();
  // Credentials first: a caller who is not ops is refused before any of a body of up to 4 MB is read.
  router.use(
    '/codec',
    cors(origins),
    requireApiKeyOrOpsSession(pool, signingKeys(config)),
    requireRole('ops'),
    jsonBody({ limit: '4mb' }),
  );

  for (const direction of ['decode', 'encode'] as const) {
    router.post(`/codec/${direction}`, async (req, res) => {
      const parsed = jsonPayloads.safeParse(req.body);
      if (!parsed.success) {
        const { details } = fromZod(parsed.error, 'body');
        throw new ApiError(400, 'validation_failed', 'expected {"payloads":[...]} as application/json', details);
      }
      try {
        const payloads = await codec[direction]((parsed.data.payloads ?? []).map(fromJson));
        res.json({ payloads: payloads.map(toJson) });
      } catch (error) {
        throw new ApiError(400, 'undecodable_payload', (error as Error).message);
      }
    });
  }
  // An ops user signs in once with their key; the browser then carries the session to /codec, so the Web UI
  // (with "Include cross-origin credentials" on in its codec settings) shows decoded payloads.
  router.get('/ops/login', (_req, res) => {
    res.type('html').send(
      page(
        'Ops sign-in',
        html`<h1>Ops sign-in</h1><form method="post" action="/ops/login">
<input type="password" name="key" placeholder="ops API key" required><button class="button" type="submit">Sign in</button></form>`,
      ),
    );
  });
  router.post('/ops/login', requireSameOrigin(config.PUBLIC_URL), formBody({ limit: '2kb' }), async (req, res) => {
    const key = String((req.body as { key?: unknown })?.key ?? '');
    const found = key ? await findApiKeyByHash(pool, hashApiKey(key)) : null;
    if (!found || found.role !== 'ops') {
      res.status(401).type('html').send(messagePage('Not signed in', 'That is not an ops API key.'));
      return;
    }
    res.cookie(
      OPS_SESSION_COOKIE,
      signingKeys(config).sign('ops-session', { a: found.accountId }, OPS_SESSION_TTL_MS),
      {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.PUBLIC_URL.startsWith('https://'),
        maxAge: OPS_SESSION_TTL_MS,
        path: '/codec',
      },
    );
    res
      .type('html')
      .send(
        messagePage(
          'Signed in',
          'The Temporal Web UI can now decode payloads through this codec endpoint for 12 hours.',
        ),
      );
  });
  return router;
}

const OPS_SESSION_TTL_MS = 12 * 3600_000;
