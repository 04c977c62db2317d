// A fan's right to erasure: a page, verification by signing in with the same Spotify account, and a durable
// deletion workflow. The request is tracked by an unguessable id; the status page shows no personal data.
import { type Response, Router } from 'express';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { z } from 'zod';
import { createDeletionRequest, findDeletionRequest } from '../../db/deletion';
import { sql } from '../../db/pool';
import { Kind } from '../../lib/temporal/search-attributes';
import { type AppDeps } from '../deps';
import { html, page } from '../pages/layout';
import { messagePage } from '../pages/smart-link';
import { type CompletedSignIn, sendPage, type SpotifySignIn } from '../spotify-signin';
import type { fanDeletionWorkflow } from '../../workflows/fan-deletion';

export function privacyRoutes({ pool }: AppDeps, signIn: SpotifySignIn): Router {
  const router = Router();

  router.get('/privacy/delete', (_req, res) => {
    sendPage(res, 200, page('Delete my data', html`<h1>Delete my data</h1>
<p>Sign in with the Spotify account you pre-saved with, so we know it is you. We then delete your pre-saves, your
Spotify tokens and your activity on our pages — at once, and in any case within 30 days.</p>
<a class="button" href="/privacy/delete/spotify">Verify with Spotify</a>
<p class="note">Signing in here asks for no permission and saves nothing.</p>`));
  });

  router.get('/privacy/delete/spotify', async (_req, res) => {
    await signIn.start(res, { purpose: 'deletion', campaignId: null, timeZone: null, scopes: [] });
  });

  router.get('/privacy/deletion/:id', async (req, res) => {
    const id = z.string().uuid().safeParse(req.params.id);
    const request = id.success ? await findDeletionRequest(pool, id.data) : null;
    if (!request) return sendPage(res, 404, messagePage('Not found', 'There is no deletion request with this reference.'));
    sendPage(res, 200, page('Deletion request', html`<h1>Deletion request</h1>
<p>Reference ${request.id}</p>
<p>${request.status === 'completed'
      ? `Completed on ${new Date(request.completedAt!).toISOString().slice(0, 10)}: we hold no data about you any more.`
      : 'In progress: it completes within 30 days of your request, usually within minutes.'}</p>`));
  });

  return router;
}

/** The callback's deletion branch: find the fan the Spotify account belongs to and start erasing. */
export function createDeletionRequester({ pool, temporal, config }: AppDeps) {
  return async (signedIn: CompletedSignIn, res: Response): Promise<void> => {
    if (!signedIn.grant) return void sendPage(res, 200, messagePage('Nothing was deleted', 'You did not sign in with Spotify, so we could not tell it was you.'));
    const fanId = await pool.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
      SELECT id FROM fans WHERE provider = 'spotify' AND provider_user_id = ${signedIn.grant.accountId}`);
    if (!fanId) return void sendPage(res, 200, messagePage('Nothing to delete', 'We hold no data linked to this Spotify account.'));
    const requestId = await createDeletionRequest(pool, { fanId, verifiedBy: 'spotify_login' });
    await temporal.workflow.start<typeof fanDeletionWorkflow>('fanDeletionWorkflow', {
      workflowId: `fan-deletion:${requestId}`,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{ requestId, fanId }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [{ key: Kind, value: 'fan-deletion' }],
    });
    res.redirect(303, `/privacy/deletion/${requestId}`);
  };
}
