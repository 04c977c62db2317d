import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { accountsRouter } from './accounts';
import { artworkRouter } from './artwork';
import { controlRouter } from './control';
import { answerUnmatchedInJson } from '../json-fallbacks';
import { spotifyErrorEnvelope } from './errors';
import type { SpotifySimulatorOptions } from './options';
import { SpotifySimState } from './state';
import { webApiRouter } from './web-api';

export type { SpotifySimulatorOptions } from './options';
export { SpotifySimState, DEFAULT_TEST_SCOPES } from './state';
export type { TokenResponse, PlayInput, LibraryView, SimStats, ConsentView } from './state';
export type { ReleaseInput, CreatedRelease } from './catalog';
export type { SimUser, UserInput } from './auth-store';
export type { FaultSpec, FaultKind, ActiveFault } from './faults';
export type { CallRecord } from './recorder';
export type { RateLimits } from './rate-limit';

/**
 * One app serves both hosts Spotify splits: the accounts service (/authorize, /api/token) and the
 * Web API (/v1/...), plus the test-only /__control API.
 */
export function createSpotifySimulator(opts: SpotifySimulatorOptions): { app: Express; state: SpotifySimState } {
  const state = new SpotifySimState(opts);
  const app = express();
  app.disable('x-powered-by');
  app.use('/__control', controlRouter(state));
  app.use(accountsRouter(state));
  app.use('/v1', webApiRouter(state));
  app.use(artworkRouter(state));
  answerUnmatchedInJson(app, spotifyErrorEnvelope);
  return { app, state };
}

export async function startSpotifySimulator(
  opts: SpotifySimulatorOptions & { port?: number; host?: string },
): Promise<{ url: string; state: SpotifySimState; close(): Promise<void> }> {
  const { app, state } = createSpotifySimulator(opts);
  const host = opts.host ?? '127.0.0.1';
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        state.faults.releaseHeldRequests();
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets and held ("timeout") requests would otherwise keep close() waiting.
        server.closeAllConnections();
      }),
  };
}
