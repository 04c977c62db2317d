// Instagram webhooks (docs/instagram.md). GET answers Meta's subscribe handshake: the challenge back when the verify
// token matches, else 403. POST accepts a delivery only with a valid `X-Hub-Signature-256` (HMAC-SHA256 of the raw
// bytes with the app secret, compared in constant time), so this router parses its own body and is mounted before
// any JSON parser; a refused delivery stores nothing. Both are rate limited (api/rate-limit.ts, `webhooks`).
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { Router } from 'express';
import { type AppDeps } from '../deps';
import { ApiError } from '../errors';
import { createInstagramIntake, instagramDelivery } from '../instagram-webhook-intake';
import { instagramWebhookHandshake } from '../schemas';
import { parseQuery } from '../validation';

export const INSTAGRAM_WEBHOOK_PATH = '/webhooks/instagram';

export function isValidHubSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  const given = /^sha256=([0-9a-f]{64})$/i.exec(header ?? '')?.[1];
  if (!given) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

export function instagramWebhookRoutes(deps: AppDeps): Router {
  const { config, logger } = deps;
  const router = Router();
  const intake = createInstagramIntake(deps);
  const notConfigured = () =>
    new ApiError(503, 'provider_not_configured', 'Instagram webhooks are not configured on this server');

  router.get(INSTAGRAM_WEBHOOK_PATH, (req, res) => {
    const q = parseQuery(instagramWebhookHandshake, req);
    const verifyToken = config.INSTAGRAM_WEBHOOK_VERIFY_TOKEN;
    if (!verifyToken) throw notConfigured();
    const given = Buffer.from(q['hub.verify_token'] ?? '');
    const matches = given.length === Buffer.byteLength(verifyToken) && timingSafeEqual(given, Buffer.from(verifyToken));
    if (q['hub.mode'] !== 'subscribe' || !matches || !/^\d{1,20}$/.test(q['hub.challenge'] ?? ''))
      throw new ApiError(403, 'verification_failed', 'hub.mode or hub.verify_token does not match');
    res.type('text/plain').send(q['hub.challenge']);
  });

  router.post(INSTAGRAM_WEBHOOK_PATH, express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const secret = config.INSTAGRAM_APP_SECRET;
    if (!secret) throw notConfigured();
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!isValidHubSignature(secret, raw, req.get('x-hub-signature-256')))
      throw new ApiError(401, 'invalid_signature', 'X-Hub-Signature-256 is missing or does not match the body');
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new ApiError(400, 'malformed_json', 'request body is not valid JSON');
    }
    const delivery = instagramDelivery.safeParse(json);
    if (!delivery.success) throw new ApiError(400, 'invalid_body', 'not an Instagram webhook delivery');
    const stored = await intake(delivery.data);
    logger.debug({ stored }, 'instagram webhook');
    res.json({ received: true });
  });

  return router;
}
