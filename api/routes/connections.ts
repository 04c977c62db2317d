// Artists' connected accounts: start a Google Ads connection (the API answers the consent URL to open), the OAuth
// callback, listing and disconnecting. Each live connection has a connectionTokenWorkflow keeping it fresh.
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { type Client } from '@temporalio/client';
import { z } from 'zod';
import { createConnection, findConnection, listConnections, markDisconnected } from '../../db/connections';
import { consumeOAuthState, saveOAuthState } from '../../db/oauth-states';
import { codeChallengeS256, createCodeVerifier } from '../../lib/crypto/pkce';
import { SignedValueError, signValue, verifyValue } from '../../lib/crypto/signed-value';
import { AccountId, Kind } from '../../lib/temporal/search-attributes';
import { GoogleOAuthError, googleOAuthFrom } from '../../activities/providers/google-oauth';
import { connectionTokenWorkflow, disconnectSignal } from '../../workflows/connection-token';
import { auth } from '../auth';
import { type AppDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { messagePage } from '../pages/smart-link';
import { uuidParam } from '../schemas';
import { sendPage } from '../spotify-signin';
import { parseParams } from '../validation';

const STATE_TTL_MS = 15 * 60_000;
const CALLBACK_PATH = '/oauth/google/callback';

const present = (c: Awaited<ReturnType<typeof listConnections>>[number]) => ({
  id: c.id,
  provider: c.provider,
  status: c.status,
  accessExpiresAt: c.accessExpiresAt === null ? null : new Date(c.accessExpiresAt).toISOString(),
  createdAt: new Date(c.createdAt).toISOString(),
});

function startOrSignal(temporal: Client, taskQueue: string, refreshMarginMs: number, c: { id: string; accountId: string }) {
  return {
    workflowId: `connection:${c.id}`,
    taskQueue,
    args: [{ connectionId: c.id, refreshMarginMs }] as [Parameters<typeof connectionTokenWorkflow>[0]],
    typedSearchAttributes: [
      { key: AccountId, value: c.accountId },
      { key: Kind, value: 'connection' },
    ],
  };
}

/** Public: the provider redirects the artist's browser here. */
export function connectionCallbackRoutes({ pool, keyRing, config, temporal, logger }: AppDeps): Router {
  const router = Router();
  const google = googleOAuthFrom(config);
  const redirectUri = `${config.PUBLIC_URL}${CALLBACK_PATH}`;
  const refreshMarginMs = config.CONNECTION_REFRESH_MARGIN_SECONDS * 1000;

  router.get(CALLBACK_PATH, async (req, res) => {
    const query = z.object({ code: z.string().max(2048).optional(), state: z.string().max(2048), error: z.string().max(200).optional() }).safeParse(req.query);
    let nonce: string | null = null;
    try {
      if (query.success) nonce = verifyValue<{ n: string }>(config.STATE_SIGNING_SECRET, query.data.state).payload.n;
    } catch (error) {
      if (!(error instanceof SignedValueError)) throw error;
    }
    const state = nonce ? await consumeOAuthState(pool, keyRing, nonce) : null;
    if (!query.success || !state || state.purpose !== 'connect:google' || !state.accountId) {
      return sendPage(res, 400, messagePage('Connection failed', 'This connection link is not valid, expired or was already used. Start again from dropday.'));
    }
    if (query.data.error || !query.data.code) return sendPage(res, 200, messagePage('Not connected', 'You did not allow access, so nothing was connected.'));
    try {
      const tokens = await google.exchangeCode({ code: query.data.code, redirectUri, codeVerifier: state.codeVerifier });
      if (!tokens.refreshToken) throw new GoogleOAuthError('bad_request', 'no refresh token (access_type=offline, prompt=consent expected)');
      const { id, replaced } = await createConnection(pool, keyRing, { accountId: state.accountId, provider: 'google', ...tokens, refreshToken: tokens.refreshToken });
      if (replaced) await temporal.workflow.getHandle(`connection:${replaced}`).signal(disconnectSignal).catch(() => undefined);
      await temporal.workflow.start(connectionTokenWorkflow, startOrSignal(temporal, config.TEMPORAL_TASK_QUEUE, refreshMarginMs, { id, accountId: state.accountId }));
      sendPage(res, 200, messagePage('Google Ads connected', 'dropday can now run your campaigns on Google and YouTube. You can close this page.'));
    } catch (error) {
      if (!(error instanceof GoogleOAuthError)) throw error;
      logger.warn({ kind: error.kind }, 'google connection failed');
      sendPage(res, 502, messagePage('Connection failed', 'Google did not complete the connection. Please try again.'));
    }
  });
  return router;
}

/** Behind the API key. */
export function connectionRoutes({ pool, keyRing, config, temporal }: AppDeps): Router {
  const router = Router();
  const google = googleOAuthFrom(config);
  const refreshMarginMs = config.CONNECTION_REFRESH_MARGIN_SECONDS * 1000;

  router.post('/v1/connections/google', async (_req, res) => {
    if (!config.GOOGLE_CLIENT_SECRET) throw new ApiError(503, 'provider_not_configured', 'Google is not configured (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET)');
    const nonce = randomBytes(16).toString('base64url');
    const codeVerifier = createCodeVerifier();
    await saveOAuthState(pool, keyRing, { nonce, purpose: 'connect:google', campaignId: null, accountId: auth(res).accountId, codeVerifier, timeZone: null, expiresAt: Date.now() + STATE_TTL_MS });
    const state = signValue(config.STATE_SIGNING_SECRET, { n: nonce }, STATE_TTL_MS);
    const authorizeUrl = google.authorizeUrl({ redirectUri: `${config.PUBLIC_URL}${CALLBACK_PATH}`, state, codeChallenge: codeChallengeS256(codeVerifier) });
    res.status(201).json({ provider: 'google', authorizeUrl, expiresAt: new Date(Date.now() + STATE_TTL_MS).toISOString() });
  });

  router.get('/v1/connections', async (_req, res) => {
    res.json({ items: (await listConnections(pool, auth(res).accountId)).map(present) });
  });

  router.delete('/v1/connections/:id', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const connection = await findConnection(pool, id);
    if (!connection || connection.accountId !== auth(res).accountId) throw notFound('connection');
    await markDisconnected(pool, id);
    // The workflow revokes the grant and forgets the tokens; signal-with-start also covers one that had ended.
    await temporal.workflow.signalWithStart(connectionTokenWorkflow, {
      ...startOrSignal(temporal, config.TEMPORAL_TASK_QUEUE, refreshMarginMs, connection),
      signal: disconnectSignal,
    });
    res.json({ id, status: 'disconnected' });
  });

  return router;
}
