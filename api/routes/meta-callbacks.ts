// Meta's data deletion callback (https://developers.facebook.com/docs/apps/delete-data): a POSTed signed_request
// naming the app-scoped user id; we answer with a status URL and a confirmation code. The request is pending until
// metaUserDeletionWorkflow has erased what dropday holds about that Meta user (the Meta connections they made); the
// status page shows where it stands.
import { Router } from 'express';
import { openMetaDeletionRequest } from '../../db/deletion';
import { createLookupHasher, lookupHashSecret } from '../../lib/crypto/lookup-hash';
import { metaUserLookupHash, parseMetaSignedRequest } from '../../lib/crypto/meta-signed-request';
import { startMetaUserDeletion } from '../../lib/starters/meta-user-deletion';
import { type AppDeps } from '../deps';
import { metaDataDeletionForm } from '../schemas';
import { ApiError } from '../errors';
import { formBody } from '../validation';

export function metaCallbackRoutes({ pool, temporal, config }: AppDeps): Router {
  const router = Router();
  const hash = createLookupHasher(lookupHashSecret(config));

  router.post('/meta/data-deletion', formBody({ limit: '8kb' }), async (req, res) => {
    if (!config.META_APP_SECRET) throw new ApiError(503, 'meta_not_configured', 'META_APP_SECRET is not set');
    const body = metaDataDeletionForm.safeParse(req.body ?? {});
    if (!body.success) throw new ApiError(400, 'validation_failed', 'signed_request is required');
    const request = parseMetaSignedRequest(body.data.signed_request, config.META_APP_SECRET);
    if (!request)
      throw new ApiError(400, 'invalid_signed_request', 'the signed_request signature or payload is not valid');
    const { id } = await openMetaDeletionRequest(pool, metaUserLookupHash(hash, request.user_id));
    // Also for a request that was already open: a start that failed before is made now, a running one is left be.
    await startMetaUserDeletion(temporal, config.TEMPORAL_TASK_QUEUE, { requestId: id });
    res.json({ url: `${config.PUBLIC_URL}/privacy/deletion/${id}`, confirmation_code: id.replace(/-/g, '') });
  });

  return router;
}
