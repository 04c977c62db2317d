// Loopback simulator of the Instagram API with Instagram Login (docs/providers/instagram.md): the consent page and
// code exchange (www./api.instagram.com), short → long-lived tokens and their refresh, /me, content publishing
// (containers with status transitions and 24 h expiry, media_publish, content_publishing_limit), comments (list,
// reply, hide), direct messages and private replies, signed webhook deliveries, and faults on demand. One server
// stands for the three hosts; Graph paths are served with and without a version prefix, as graph.instagram.com does.
import express, { type Express, Router } from 'express';
import { answerUnmatchedInJson } from '../json-fallbacks';
import { listenOnLoopback } from '../listen';
import { graphErrorEnvelope, graphParams, META_API_VERSIONS } from '../meta/graph-http';
import { mountControl } from './control';
import { mountEngagement } from './engagement';
import { InstagramFaults } from './faults';
import { recordCall } from './graph-auth';
import { mountInstagramLogin } from './oauth';
import { mountObjectReads, mountPublishing } from './publishing';
import { InstagramSimState, type InstagramSimulatorOptions } from './state';
import { WebhookSender } from './webhooks';

export { InstagramSimState, type InstagramSimulatorOptions } from './state';
export { IG_LOGIN_SCOPES } from './oauth';
export { signatureOf, metaJson } from './webhooks';
export { type InstagramFault } from './faults';

export function createInstagramSimulator(opts: InstagramSimulatorOptions) {
  const state = new InstagramSimState(opts);
  const faults = new InstagramFaults();
  const webhooks = new WebhookSender(state);
  const app: Express = express();
  mountControl(app, state, faults, webhooks);
  app.use(recordCall(state));
  app.use(faults.middleware);
  mountInstagramLogin(app, state);
  const graph = Router({ mergeParams: true });
  graph.use(express.json({ limit: '1mb' }), express.urlencoded({ extended: false }), graphParams);
  mountPublishing(graph, state);
  mountEngagement(graph, state);
  mountObjectReads(graph, state);
  app.use('/:version', (req, res, next) =>
    META_API_VERSIONS.includes(req.params.version) ? graph(req, res, next) : next(),
  );
  app.use(graph);
  answerUnmatchedInJson(app, graphErrorEnvelope);
  return { app, state, webhooks, faults };
}

export async function startInstagramSimulator(opts: InstagramSimulatorOptions & { port?: number }) {
  const { app, state, webhooks, faults } = createInstagramSimulator(opts);
  return { ...(await listenOnLoopback(app, opts.port)), state, webhooks, faults };
}
export type InstagramSimulator = Awaited<ReturnType<typeof startInstagramSimulator>>;
