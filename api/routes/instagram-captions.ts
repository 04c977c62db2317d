// Caption drafts of an Instagram post, behind the API key (../instagram-captions.ts does the work). The post is
// looked up before the body is read: another account's post is a 404 whatever the body.
import { Router } from 'express';
import { auth } from '../auth';
import { type AppDeps } from '../deps';
import { createCaptionDrafts } from '../instagram-captions';
import {
  approveAdCopyBody,
  createCaptionDraftBody,
  editCaptionDraftBody,
  rejectAdCopyBody,
  uuidParam,
} from '../schemas';
import { parseBody, parseParams } from '../validation';

export function instagramCaptionRoutes(deps: AppDeps): Router {
  const router = Router();
  const drafts = createCaptionDrafts(deps);
  const base = '/v1/instagram-posts/:id/caption-drafts';

  router.get(base, async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    res.json({ items: await drafts.list(auth(res).accountId, id) });
  });

  router.post(base, async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const { accountId } = auth(res);
    const post = await drafts.ownPost(accountId, id);
    res.status(202).json(await drafts.ask(accountId, post, parseBody(createCaptionDraftBody, req)));
  });

  router.post(`${base}/edit`, async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const post = await drafts.ownPost(auth(res).accountId, id);
    res.json(await drafts.edit(post, parseBody(editCaptionDraftBody, req)));
  });

  router.post(`${base}/approve`, async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const post = await drafts.ownPost(auth(res).accountId, id);
    res.status(202).json(await drafts.approve(post, parseBody(approveAdCopyBody, req).variantId));
  });

  router.post(`${base}/reject`, async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const post = await drafts.ownPost(auth(res).accountId, id);
    res.status(202).json(await drafts.reject(post, parseBody(rejectAdCopyBody, req).feedback));
  });

  return router;
}
