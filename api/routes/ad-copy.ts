// AI ad copy for a campaign: ask for variants (an adCopyWorkflow writes and checks them), list them with their lint
// results, approve one (it becomes the copy the platform's ad campaign uses) or reject them with feedback (a new
// generation is written with it). Approve and reject are signals: 202, the list shows the outcome moments later.
import { Router } from 'express';
import { z } from 'zod';
import {
  type AdCopyRequest,
  type AdCopyVariant,
  createAdCopyRequest,
  editAdCopyVariant,
  findAdCopyRequest,
  findAdCopyVariant,
  listAdCopyRequests,
  OpenAdCopyRequestError,
} from '../../db/ad-copy';
import { findCampaign } from '../../db/campaigns';
import { signalAdCopyApproved, signalAdCopyRejected } from '../../lib/starters/ad-copy';
import { auth } from '../auth';
import { type AppDeps } from '../deps';
import { startCopyRequestWorkflow } from '../copy-request-start';
import { ApiError, notFound } from '../errors';
import { lintCopy } from '../../lib/ad-copy/linter';
import { approveAdCopyBody, createAdCopyBody, editAdCopyVariantBody, rejectAdCopyBody, uuidParam } from '../schemas';
import { requirePlanFeature } from '../plan-gate';
import { parseBody, parseParams } from '../validation';

const requestParams = z.object({ id: z.string().uuid(), requestId: z.string().uuid() });
const variantParams = requestParams.extend({ variantId: z.string().uuid() });

function presentVariant(request: AdCopyRequest, v: AdCopyVariant) {
  return {
    id: v.id,
    generation: v.generation,
    position: v.position,
    headline: v.headline,
    primaryText: v.primaryText,
    description: v.description,
    source: v.source,
    violations: v.violations,
    editedAt: v.editedAt === null ? null : new Date(v.editedAt).toISOString(),
    approvable:
      request.status === 'awaiting_approval' && v.generation === request.generation && v.violations.length === 0,
    approvedAt: v.approvedAt === null ? null : new Date(v.approvedAt).toISOString(),
  };
}

function presentRequest(request: AdCopyRequest, variants: AdCopyVariant[]) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    id: request.id,
    campaignId: request.campaignId,
    platform: request.platform,
    status: request.status,
    variants: variants.map((v) => presentVariant(request, v)),
    variantCount: request.variantCount,
    explicit: request.explicit,
    genres: request.genres,
    generation: request.generation,
    feedback: request.feedback,
    failureReason: request.failureReason,
    expiresAt: iso(request.expiresAt),
    createdAt: iso(request.createdAt),
    decidedAt: iso(request.decidedAt),
  };
}

export function adCopyRoutes({ pool, config, temporal }: AppDeps): Router {
  const router = Router();

  const ownedCampaign = async (accountId: string, id: string) => {
    const campaign = await findCampaign(pool, accountId, id);
    if (!campaign) throw notFound('campaign');
    return campaign;
  };
  /** The request, if it is one of this account's campaign's; a request waiting for the artist's decision. */
  const awaitingRequest = async (accountId: string, campaignId: string, requestId: string) => {
    await ownedCampaign(accountId, campaignId);
    const request = await findAdCopyRequest(pool, requestId);
    // A caption request (platform 'instagram') is answered by the Instagram caption routes, never here.
    if (!request || request.campaignId !== campaignId || request.platform === 'instagram')
      throw notFound('ad copy request');
    if (request.status !== 'awaiting_approval') {
      throw new ApiError(
        409,
        'not_awaiting_approval',
        `the ad copy request is ${request.status}, not awaiting approval`,
      );
    }
    return { ...request, platform: request.platform };
  };

  router.post('/v1/campaigns/:id/ads/copy', requirePlanFeature({ pool, config }, 'adAutomation'), async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const accountId = auth(res).accountId;
    const campaign = await ownedCampaign(accountId, id);
    const body = parseBody(createAdCopyBody, req);
    if (campaign.status === 'cancelled')
      throw new ApiError(409, 'campaign_closed', 'a cancelled campaign gets no ad copy');
    let requestId: string;
    try {
      requestId = await createAdCopyRequest(pool, {
        campaignId: id,
        platform: body.platform,
        variantCount: body.variants,
        explicit: body.explicit,
        genres: body.genres,
      });
    } catch (error) {
      if (!(error instanceof OpenAdCopyRequestError)) throw error;
      throw new ApiError(
        409,
        'copy_request_open',
        `this campaign already has ${body.platform} ad copy being written or waiting for approval; approve or reject it first`,
      );
    }
    await startCopyRequestWorkflow(
      { pool, temporal, config },
      { requestId, count: body.variants, campaignId: id, accountId },
    );
    res.status(202).json({
      id: requestId,
      campaignId: id,
      platform: body.platform,
      status: 'generating',
      writer: config.GEMINI_API_KEY ? 'gemini' : 'template',
    });
  });

  router.get('/v1/campaigns/:id/ads/copy', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    await ownedCampaign(auth(res).accountId, id);
    const items = await listAdCopyRequests(pool, id);
    res.json({ items: items.map(({ request, variants }) => presentRequest(request, variants)) });
  });

  router.post('/v1/campaigns/:id/ads/copy/:requestId/approve', async (req, res) => {
    const { id, requestId } = parseParams(requestParams, req);
    const request = await awaitingRequest(auth(res).accountId, id, requestId);
    const { variantId } = parseBody(approveAdCopyBody, req);
    const variant = await findAdCopyVariant(pool, variantId);
    if (!variant || variant.requestId !== requestId) throw notFound('variant');
    if (variant.generation !== request.generation)
      throw new ApiError(422, 'variant_not_approvable', 'this variant was replaced by a newer generation');
    if (variant.violations.length > 0) {
      throw new ApiError(
        422,
        'variant_not_approvable',
        'this variant breaks the platform limits or the ad policy',
        variant.violations,
      );
    }
    await signalAdCopyApproved(temporal, { requestId, variantId });
    res.status(202).json({ id: requestId, variantId, status: 'approving' });
  });

  // The artist's edit of a variant that passed: linted like written copy (a failing edit changes nothing), so it stays
  // approvable. A failing variant is not edited: rejecting with feedback has new ones written.
  router.patch('/v1/campaigns/:id/ads/copy/:requestId/variants/:variantId', async (req, res) => {
    const { id, requestId, variantId } = parseParams(variantParams, req);
    const campaign = await ownedCampaign(auth(res).accountId, id);
    const request = await awaitingRequest(auth(res).accountId, id, requestId);
    const edit = parseBody(editAdCopyVariantBody, req);
    const variant = await findAdCopyVariant(pool, variantId);
    if (!variant || variant.requestId !== requestId) throw notFound('variant');
    if (variant.generation !== request.generation || variant.violations.length > 0)
      throw new ApiError(
        422,
        'variant_not_editable',
        'only a variant of the newest generation that passed the checks can be edited; reject with feedback to have new ones written',
      );
    const draft = {
      headline: edit.headline ?? variant.headline,
      primaryText: edit.primaryText ?? variant.primaryText,
      description: edit.description ?? variant.description,
    };
    const violations = lintCopy(draft, {
      platform: request.platform,
      explicit: request.explicit,
      names: [campaign.artistName, campaign.title],
    });
    if (violations.length > 0)
      throw new ApiError(
        422,
        'copy_not_allowed',
        'the edited copy breaks the platform limits or the ad policy; nothing was changed',
        violations,
      );
    const edited = await editAdCopyVariant(pool, { variantId, ...draft });
    if (!edited) throw new ApiError(409, 'not_awaiting_approval', 'the ad copy request was decided meanwhile');
    res.json(presentVariant({ ...request }, edited));
  });

  router.post('/v1/campaigns/:id/ads/copy/:requestId/reject', async (req, res) => {
    const { id, requestId } = parseParams(requestParams, req);
    await awaitingRequest(auth(res).accountId, id, requestId);
    const { feedback } = parseBody(rejectAdCopyBody, req);
    await signalAdCopyRejected(temporal, { requestId, feedback });
    res.status(202).json({ id: requestId, status: 'regenerating' });
  });

  return router;
}
