// Test-only control API under /__control: seed catalog albums and fans, issue or revoke Music-User-Tokens, take away
// a subscription, inject faults, set the team's rate, and read libraries and counters.
import express, { type ErrorRequestHandler, type Router } from 'express';
import { z } from 'zod';
import { faultSchema as spotifyFaultSchema } from '../spotify/control';
import type { AppleMusicSimState } from './state';

const instant = z.union([z.string().min(1), z.number().finite()]);
const storefront = z.string().regex(/^[a-z]{2}$/i);

const albumSchema = z.object({
  storefront,
  id: z
    .string()
    .regex(/^\d{1,20}$/)
    .optional(),
  upc: z.string().min(1),
  name: z.string().min(1),
  artistName: z.string().min(1),
  liveAt: instant,
  trackCount: z.number().int().positive().optional(),
  isPrerelease: z.boolean().optional(),
});
const fanSchema = z.object({
  id: z.string().min(1).max(100).optional(),
  name: z.string().optional(),
  storefront: storefront.optional(),
  subscribed: z.boolean().optional(),
});
const tokenSchema = z.object({ teamId: z.string().optional(), storefront: storefront.optional() });
// The Spotify simulator's fault options, less what Apple does not have (quota, Retry-After).
const faultSchema = spotifyFaultSchema
  .extend({ kind: z.enum(['5xx', 'timeout', '429', 'lost-answer']) })
  .omit({ retryAfterSeconds: true });
const configSchema = z.object({
  ratePerSecond: z.number().int().nonnegative().optional(),
  hidePrereleaseInLibrary: z.boolean().optional(),
});

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw new ControlError(400, `Invalid control request: ${z.prettifyError(result.error)}`);
  return result.data;
}

const errors: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  const status = err instanceof ControlError ? err.status : (err as { status?: number }).status === 400 ? 400 : 500;
  res.status(status).json({ error: String((err as Error).message ?? err) });
};

export function appleControlRouter(state: AppleMusicSimState, defaultTeamId: string): Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));

  router.post('/albums', (req, res) => {
    const album = state.addAlbum(parse(albumSchema, req.body));
    res.status(201).json({ ...album, liveAt: new Date(album.liveAt).toISOString() });
  });
  router.post('/fans', (req, res) => {
    res.status(201).json(state.upsertFan(parse(fanSchema, req.body)));
  });
  router.post('/fans/:id/user-tokens', (req, res) => {
    const input = parse(tokenSchema, req.body);
    const musicUserToken = state.issueUserToken(input.teamId ?? defaultTeamId, req.params.id, input.storefront);
    res.status(201).json({ musicUserToken });
  });
  router.post('/fans/:id/revoke', (req, res) => {
    res.json({ revoked: state.revokeFan(req.params.id) });
  });
  router.get('/fans/:id/library', (req, res) => {
    const entries = [...state.libraryOf(req.params.id).values()];
    res.json(entries.map((e) => ({ ...e, addedAt: new Date(e.addedAt).toISOString() })));
  });
  router.get('/fans', (_req, res) => {
    res.json([...state.fans.values()]);
  });
  router.post('/faults', (req, res) => {
    res.status(201).json(state.faults.add(parse(faultSchema, req.body), state.now()));
  });
  router.delete('/faults', (_req, res) => {
    state.faults.clear();
    res.status(204).end();
  });
  router.patch('/config', (req, res) => {
    const patch = parse(configSchema, req.body);
    if (patch.ratePerSecond !== undefined) state.ratePerSecond = patch.ratePerSecond;
    if (patch.hidePrereleaseInLibrary !== undefined) state.hidePrereleaseInLibrary = patch.hidePrereleaseInLibrary;
    res.json({ ratePerSecond: state.ratePerSecond, hidePrereleaseInLibrary: state.hidePrereleaseInLibrary });
  });
  router.get('/stats', (_req, res) => {
    res.json({ ...state.counters });
  });
  router.post('/reset', (_req, res) => {
    state.reset();
    res.status(204).end();
  });
  router.use((_req, res) => res.status(404).json({ error: 'Unknown control endpoint' }));
  router.use(errors);
  return router;
}
