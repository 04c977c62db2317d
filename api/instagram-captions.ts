// Caption drafts of a release-day Instagram post (routes/instagram-captions.ts; docs/instagram.md "Caption drafts"):
// the artist asks, the ad copy workflow writes and lints (Gemini, or the template writer), the artist reads the
// drafts, edits one (linted again), approves one — it becomes the post's caption — or rejects them with feedback.
// Every action is on the post's one open request; another account's post is not found.
import { type z } from 'zod';
import {
  type AdCopyRequest,
  type AdCopyVariant,
  captionFactsFor,
  createAdCopyRequest,
  editCaptionVariant,
  findAdCopyVariant,
  listCaptionRequests,
  OpenAdCopyRequestError,
} from '../db/ad-copy';
import { findCampaignById } from '../db/campaigns';
import { findInstagramPostOfAccount, type InstagramPost } from '../db/instagram-posts';
import { lintCaption } from '../lib/ad-copy/caption-linter';
import { signalAdCopyApproved, signalAdCopyRejected } from '../lib/starters/ad-copy';
import { type AppDeps } from './deps';
import { startCopyRequestWorkflow } from './copy-request-start';
import { ApiError, notFound } from './errors';
import { type createCaptionDraftBody } from './schemas';

type Deps = Pick<AppDeps, 'pool' | 'temporal' | 'config'>;

function presentVariant(request: AdCopyRequest, v: AdCopyVariant) {
  return {
    id: v.id,
    generation: v.generation,
    caption: v.primaryText,
    source: v.source,
    violations: v.violations,
    approvable:
      request.status === 'awaiting_approval' && v.generation === request.generation && v.violations.length === 0,
    approvedAt: v.approvedAt === null ? null : new Date(v.approvedAt).toISOString(),
  };
}

export function presentCaptionRequest(request: AdCopyRequest, variants: AdCopyVariant[]) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    id: request.id,
    postId: request.instagramPostId,
    status: request.status,
    variants: variants.filter((v) => v.generation === request.generation).map((v) => presentVariant(request, v)),
    generation: request.generation,
    feedback: request.feedback,
    failureReason: request.failureReason,
    expiresAt: iso(request.expiresAt),
    createdAt: iso(request.createdAt),
    decidedAt: iso(request.decidedAt),
  };
}

/** A caption only changes while the post has no container (a container carries its caption). */
function assertCaptionEditable(post: InstagramPost) {
  if (post.containerId !== null || !['scheduled', 'waiting'].includes(post.state))
    throw new ApiError(
      409,
      'post_not_editable',
      `the post is ${post.state} and its media is being prepared or out: its caption can no longer change`,
    );
}

export function createCaptionDrafts({ pool, temporal, config }: Deps) {
  const ownPost = async (accountId: string, postId: string) => {
    const post = await findInstagramPostOfAccount(pool, accountId, postId);
    if (!post) throw notFound('instagram post');
    return post;
  };
  /** The post's request waiting for the artist's decision. */
  const awaitingRequest = async (postId: string) => {
    const [latest] = await listCaptionRequests(pool, postId);
    if (latest?.request.status !== 'awaiting_approval')
      throw new ApiError(
        409,
        'not_awaiting_approval',
        latest
          ? `the post's caption request is ${latest.request.status}, not awaiting approval`
          : 'the post has no caption request; ask for drafts first',
      );
    return latest;
  };
  const variantOf = async (request: AdCopyRequest, variantId: string) => {
    const variant = await findAdCopyVariant(pool, variantId);
    if (!variant || variant.requestId !== request.id) throw notFound('caption draft');
    if (variant.generation !== request.generation)
      throw new ApiError(422, 'variant_not_approvable', 'this draft was replaced by a newer generation');
    return variant;
  };

  return {
    ownPost,

    async list(accountId: string, postId: string) {
      await ownPost(accountId, postId);
      return (await listCaptionRequests(pool, postId)).map(({ request, variants }) =>
        presentCaptionRequest(request, variants),
      );
    },

    async ask(accountId: string, post: InstagramPost, body: z.infer<typeof createCaptionDraftBody>) {
      assertCaptionEditable(post);
      const campaign = await findCampaignById(pool, post.campaignId);
      if (!campaign || campaign.status === 'cancelled')
        throw new ApiError(409, 'campaign_closed', 'a cancelled campaign gets no caption drafts');
      let requestId: string;
      try {
        requestId = await createAdCopyRequest(pool, {
          campaignId: post.campaignId,
          platform: 'instagram',
          instagramPostId: post.id,
          variantCount: body.variants,
          explicit: body.explicit,
          genres: body.genres,
        });
      } catch (error) {
        if (!(error instanceof OpenAdCopyRequestError)) throw error;
        throw new ApiError(
          409,
          'copy_request_open',
          'this post already has caption drafts being written or waiting for approval; approve or reject them first',
        );
      }
      await startCopyRequestWorkflow(
        { pool, temporal, config },
        { requestId, count: body.variants, campaignId: post.campaignId, accountId },
      );
      return {
        id: requestId,
        postId: post.id,
        status: 'generating' as const,
        writer: config.GEMINI_API_KEY ? ('gemini' as const) : ('template' as const),
      };
    },

    /** The artist's wording replaces the draft's when it passes the caption linter; else 422 and nothing changes. */
    async edit(post: InstagramPost, input: { variantId: string; caption: string }) {
      assertCaptionEditable(post);
      const { request } = await awaitingRequest(post.id);
      await variantOf(request, input.variantId);
      const facts = await captionFactsFor(pool, request.id);
      if (!facts) throw notFound('campaign');
      const violations = lintCaption(input.caption, {
        explicit: facts.explicit,
        names: [facts.artist, facts.title],
        smartLink: `${config.PUBLIC_URL}/l/${facts.slug}`,
      });
      if (violations.length > 0)
        throw new ApiError(
          422,
          'caption_not_acceptable',
          'the caption breaks Instagram limits or the policy',
          violations,
        );
      if (!(await editCaptionVariant(pool, { requestId: request.id, ...input, violations })))
        throw new ApiError(409, 'not_awaiting_approval', 'the caption request was decided meanwhile');
      const variant = (await findAdCopyVariant(pool, input.variantId))!;
      return presentVariant(request, variant);
    },

    async approve(post: InstagramPost, variantId: string) {
      assertCaptionEditable(post);
      const { request } = await awaitingRequest(post.id);
      const variant = await variantOf(request, variantId);
      if (variant.violations.length > 0)
        throw new ApiError(
          422,
          'variant_not_approvable',
          'this draft breaks Instagram limits or the policy',
          variant.violations,
        );
      await signalAdCopyApproved(temporal, { requestId: request.id, variantId });
      return { id: request.id, variantId, status: 'approving' as const };
    },

    async reject(post: InstagramPost, feedback: string) {
      const { request } = await awaitingRequest(post.id);
      await signalAdCopyRejected(temporal, { requestId: request.id, feedback });
      return { id: request.id, status: 'regenerating' as const };
    },
  };
}
