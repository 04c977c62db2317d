// The Apple Music simulator (api-contracts.md §2, docs/providers/apple-music.md): the Apple Music API under /v1, the
// MusicKit on the Web stand-in and its consent page under /musickit, and the test-only /__control API.
import express, { type Express, type RequestHandler } from 'express';
import { answerUnmatchedInJson } from '../json-fallbacks';
import { listenOnLoopback } from '../listen';
import { appleApiRouter } from './api';
import { appleControlRouter } from './control';
import { appleErrorEnvelope } from './errors';
import { appleFaultMiddleware } from './faults';
import { musicKitRouter } from './musickit';
import { AppleMusicSimState, type AppleMusicSimulatorOptions } from './state';

export { AppleMusicSimState, type AppleMusicSimulatorOptions, type AlbumInput, type SimFan } from './state';
export { MUSICKIT_SCRIPT_PATH } from './musickit';

/** MusicKit calls the API from the fan's page: Apple's API answers browsers of any origin. */
const cors: RequestHandler = (req, res, next) => {
  res.set('Access-Control-Allow-Origin', '*');
  res.set('Access-Control-Allow-Headers', 'authorization, music-user-token, content-type');
  res.set('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
  if (req.method === 'OPTIONS') return void res.status(204).end();
  next();
};

export function createAppleMusicSimulator(opts: AppleMusicSimulatorOptions): {
  app: Express;
  state: AppleMusicSimState;
} {
  if (opts.keys.length === 0) throw new Error('the Apple Music simulator needs at least one developer key');
  const state = new AppleMusicSimState(opts);
  const app = express();
  app.disable('x-powered-by');
  app.use('/__control', appleControlRouter(state, opts.keys[0].teamId));
  app.use(cors);
  app.use(musicKitRouter(state));
  app.use(
    '/v1',
    (_req, _res, next) => {
      state.counters.requests++;
      next();
    },
    appleFaultMiddleware(state),
    appleApiRouter(state),
  );
  answerUnmatchedInJson(app, appleErrorEnvelope);
  return { app, state };
}

export async function startAppleMusicSimulator(
  opts: AppleMusicSimulatorOptions & { port?: number },
): Promise<{ url: string; state: AppleMusicSimState; close(): Promise<void> }> {
  const { app, state } = createAppleMusicSimulator(opts);
  const server = await listenOnLoopback(app, opts.port ?? 0);
  return {
    url: server.url,
    state,
    close: () => {
      state.faults.releaseHeldRequests();
      return server.close();
    },
  };
}
export { sandboxDeveloperKey, type SandboxDeveloperKey } from './sandbox-key';
