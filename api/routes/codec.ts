// Remote codec endpoint for the Temporal Web UI and CLI (https://docs.temporal.io/codec-server): decodes the
// encrypted payloads of workflow histories. Decoded payloads can hold personal data, so only ops keys may call it.
import express, { type RequestHandler, Router } from 'express';
import { type Payload } from '@temporalio/common';
import { z } from 'zod';
import { EncryptionCodec } from '../../lib/temporal/encryption-codec';
import { requireApiKey, requireRole } from '../auth';
import { type AppDeps } from '../deps';
import { ApiError } from '../errors';

const jsonPayloads = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() }))
    .max(1000),
});
type JsonPayload = z.infer<typeof jsonPayloads>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: p.data === undefined ? undefined : Buffer.from(p.data, 'base64'),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: p.data ? Buffer.from(p.data).toString('base64') : undefined,
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
  const origins = config.CODEC_CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean);
  const router = Router();
  router.use('/codec', cors(origins), express.json({ limit: '4mb' }), requireApiKey(pool), requireRole('ops'));

  for (const direction of ['decode', 'encode'] as const) {
    router.post(`/codec/${direction}`, async (req, res) => {
      const parsed = jsonPayloads.safeParse(req.body);
      if (!parsed.success) throw new ApiError(400, 'validation_failed', 'expected {"payloads":[...]}');
      try {
        const payloads = await codec[direction](parsed.data.payloads.map(fromJson));
        res.json({ payloads: payloads.map(toJson) });
      } catch (error) {
        throw new ApiError(400, 'undecodable_payload', (error as Error).message);
      }
    });
  }
  return router;
}
