import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { ControlError, sendApiError } from './errors';
import type { SpotifySimState } from './state';

/** Test-only control API under /__control: seeding, faults, limits, and what the app did. */

const instant = z.union([z.string().min(1), z.number().finite()]);

const releaseSchema = z.object({
  artist: z.object({ id: z.string().optional(), name: z.string().min(1), picture: z.boolean().optional() }),
  album: z.object({
    id: z.string().optional(),
    name: z.string().min(1),
    upc: z.string().min(1),
    albumType: z.enum(['album', 'single', 'compilation']).optional(),
    releaseDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    tracks: z
      .array(
        z.object({
          id: z.string().optional(),
          name: z.string().min(1),
          isrc: z.string().min(1),
          durationMs: z.number().int().positive().optional(),
        }),
      )
      .min(1),
  }),
  liveAt: instant,
});

const userSchema = z.object({
  id: z.string().min(1).optional(),
  accountId: z.string().min(1).optional(),
  displayName: z.string().optional(),
  country: z.string().length(2).optional(),
});

const playSchema = z.object({
  trackId: z.string().min(1),
  playedAt: instant.optional(),
  context: z.object({ type: z.string(), uri: z.string() }).nullable().optional(),
});

const tokensSchema = z.object({ scopes: z.array(z.string()).optional() });

export const faultSchema = z.object({
  kind: z.enum(['5xx', 'timeout', '429', 'quota', 'lost-answer']),
  count: z.number().int().positive().optional(),
  rate: z.number().positive().max(1).optional(),
  seed: z.number().int().optional(),
  durationMs: z.number().int().positive().optional(),
  path: z.string().startsWith('/').optional(),
  status: z.number().int().min(500).max(599).optional(),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  delayMs: z.number().int().nonnegative().optional(),
});

/** JSON cannot carry Infinity: `dailyQuota: null` means unlimited. */
const configSchema = z.object({
  rateLimitPerWindow: z.number().int().nonnegative().optional(),
  windowMs: z.number().int().positive().optional(),
  dailyQuota: z.number().int().nonnegative().nullable().optional(),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new ControlError(400, `Invalid control request: ${detail}`);
  }
  return result.data;
}

function configView(state: SpotifySimState) {
  const { rateLimitPerWindow, windowMs, dailyQuota } = state.config;
  return { rateLimitPerWindow, windowMs, dailyQuota: Number.isFinite(dailyQuota) ? dailyQuota : null };
}

const controlErrors: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  if (err instanceof ControlError) return sendApiError(res, err.status, err.message);
  const parseFailed = (err as { type?: string }).type === 'entity.parse.failed';
  sendApiError(res, parseFailed ? 400 : 500, parseFailed ? 'Invalid JSON' : String(err));
};

export function controlRouter(state: SpotifySimState): Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));
  const userId = (req: Request) => String(req.params.id);

  router.post('/releases', (req, res) => {
    res.status(201).json(state.addRelease(parse(releaseSchema, req.body)));
  });
  router.get('/releases', (_req, res) => {
    res.json(
      [...state.catalog.albums.values()].map((a) => ({
        ...a,
        liveAt: new Date(a.liveAt).toISOString(),
        live: a.liveAt <= state.now(),
      })),
    );
  });

  router.post('/users', (req, res) => {
    const { user, created } = state.upsertUser(parse(userSchema, req.body));
    res.status(created ? 201 : 200).json(user);
  });
  router.get('/users/:id', (req, res) => {
    res.json(state.userView(userId(req)));
  });
  router.post('/users/:id/revoke', (req, res) => {
    res.json(state.revokeUser(userId(req)));
  });
  router.post('/users/:id/expire-tokens', (req, res) => {
    res.json(state.expireAccessTokens(userId(req)));
  });
  router.post('/users/:id/plays', (req, res) => {
    state.addPlay(userId(req), parse(playSchema, req.body));
    res.status(201).json({ ok: true });
  });
  router.post('/users/:id/tokens', (req, res) => {
    res.status(201).json(state.issueTokensForUser(userId(req), parse(tokensSchema, req.body).scopes));
  });

  router.post('/faults', (req, res) => {
    res.status(201).json(state.injectFault(parse(faultSchema, req.body)));
  });
  router.get('/faults', (_req, res) => {
    res.json(state.faults.list());
  });
  router.delete('/faults', (_req, res) => {
    state.clearFaults();
    res.status(204).end();
  });

  router.get('/config', (_req, res) => {
    res.json(configView(state));
  });
  router.patch('/config', (req, res) => {
    const patch = parse(configSchema, req.body);
    state.configure({
      rateLimitPerWindow: patch.rateLimitPerWindow,
      windowMs: patch.windowMs,
      dailyQuota: patch.dailyQuota === null ? Number.POSITIVE_INFINITY : patch.dailyQuota,
    });
    res.json(configView(state));
  });

  router.get('/calls', (req: Request, res: Response) => {
    const prefix = typeof req.query.path === 'string' ? req.query.path : undefined;
    const calls = state.calls();
    res.json(prefix === undefined ? calls : calls.filter((c) => c.path.startsWith(prefix)));
  });
  router.get('/library/:userId', (req, res) => {
    res.json(state.libraryOf(String(req.params.userId)));
  });
  router.get('/stats', (_req, res) => {
    res.json(state.stats());
  });
  router.post('/reset', (_req, res) => {
    state.reset();
    res.status(204).end();
  });

  router.use((_req, res) => sendApiError(res, 404, 'Unknown control endpoint'));
  router.use(controlErrors);
  return router;
}
