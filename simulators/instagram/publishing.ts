// Content publishing: `POST /{ig-id}/media` makes a container (image, reel, story, carousel item or carousel),
// `GET /{container-id}?fields=status_code,status` reports IN_PROGRESS → FINISHED | ERROR, EXPIRED after 24 h and
// PUBLISHED once used, `POST /{ig-id}/media_publish?creation_id=` publishes it under the rolling 24 h quota that
// `GET /{ig-id}/content_publishing_limit` reports. Errors are Graph's with the 2207xxx subcodes
// (docs/providers/instagram.md).
import { type Response, type Router } from 'express';
import { graphErrorBody } from '../meta/graph-http';
import { callerOf, ownAccount } from './graph-auth';
import { DAY_MS, type InstagramSimState, type SimContainer } from './state';

const MAX_CAPTION = 2200;
const MAX_HASHTAGS = 30;
const MAX_CONTAINERS_PER_DAY = 400;

function mediaError(res: Response, code: number, subcode: number, title: string, userMessage: string) {
  res.status(400).json(
    graphErrorBody(code, title, {
      error_subcode: subcode,
      is_transient: false,
      error_user_title: title,
      error_user_msg: userMessage,
    }),
  );
}

/** What Meta would find when fetching the media: the simulator reads the URL's name, it fetches nothing. */
function processingError(url: string | undefined, video: boolean): string | null {
  if (!url) return null;
  if (url.includes('unreachable')) return '2207052: Media could not be fetched from the URI';
  if (!video && !/\.jpe?g(\?|$)/i.test(url)) return '2207026: Only JPEG images are supported';
  return null;
}

export function mountPublishing(graph: Router, state: InstagramSimState): void {
  graph.post('/:igId/media', (req, res) => {
    const caller = callerOf(state, req, res);
    if (!caller || !ownAccount(caller, req.params.igId, res)) return;
    const p = { ...(req.query as Record<string, string>), ...(req.body as Record<string, string>) };
    const caption = p.caption ?? '';
    if (caption.length > MAX_CAPTION || (caption.match(/#\w/g) ?? []).length > MAX_HASHTAGS)
      return mediaError(res, 100, 2207010, 'Caption too long', 'The caption exceeds 2200 characters or 30 hashtags.');
    const today = [...state.containers.values()].filter(
      (c) => c.ownerId === caller.userId && c.createdAt > state.now() - DAY_MS,
    );
    if (today.length >= MAX_CONTAINERS_PER_DAY)
      return res.status(400).json(graphErrorBody(9, 'Application request limit reached', { error_subcode: 2207042 }));
    const type = (p.media_type ?? 'IMAGE') as SimContainer['mediaType'];
    if (!['IMAGE', 'REELS', 'CAROUSEL', 'STORIES', 'VIDEO'].includes(type))
      return res.status(400).json(graphErrorBody(100, `Invalid parameter: media_type ${type}`));
    let error: string | null = null;
    if (type === 'CAROUSEL') {
      const children = (p.children ?? '').split(',').filter(Boolean);
      if (children.length < 2 || children.length > 10)
        return mediaError(res, 100, 2207028, 'Carousel validation failed', 'A carousel needs between 2 and 10 items.');
      const items = children.map((id) => state.containers.get(id));
      if (items.some((c) => !c || c.ownerId !== caller.userId || !c.isCarouselItem))
        return res.status(400).json(graphErrorBody(24, 'The media was not found', { error_subcode: 2207006 }));
      error = items.map((c) => c!.error).find(Boolean) ?? null;
    } else {
      const video = type === 'REELS' || type === 'VIDEO' || Boolean(p.video_url);
      if (!(video ? p.video_url : p.image_url))
        return res
          .status(400)
          .json(graphErrorBody(100, `The parameter ${video ? 'video_url' : 'image_url'} is required`));
      error = processingError(video ? p.video_url : p.image_url, video);
    }
    const container: SimContainer = {
      id: state.nextId(),
      ownerId: caller.userId,
      createdAt: state.now(),
      mediaType: type,
      caption,
      isCarouselItem: p.is_carousel_item === 'true',
      error,
      publishedMediaId: null,
    };
    state.containers.set(container.id, container);
    res.json({ id: container.id });
  });

  graph.post('/:igId/media_publish', (req, res) => {
    const caller = callerOf(state, req, res);
    if (!caller || !ownAccount(caller, req.params.igId, res)) return;
    const id = String(req.query.creation_id ?? (req.body as Record<string, string>).creation_id ?? '');
    const container = state.containers.get(id);
    if (!container || container.ownerId !== caller.userId)
      return res.status(400).json(graphErrorBody(24, 'The media was not found', { error_subcode: 2207006 }));
    const status = state.statusOf(container);
    if (status === 'EXPIRED')
      return mediaError(res, -2, 2207020, 'Media expired', 'The media container expired: create a new one.');
    if (status === 'IN_PROGRESS')
      return mediaError(res, 9007, 2207027, 'Media not ready', 'The media is not ready for publishing, please wait.');
    if (status === 'ERROR') return mediaError(res, -1, 2207032, 'Create media failed', container.error!);
    if (status === 'PUBLISHED')
      return res
        .status(400)
        .json(graphErrorBody(24, 'The container was already published', { error_subcode: 2207008 }));
    if (state.quotaUsage(caller.userId) >= state.quotaTotal)
      return mediaError(
        res,
        9,
        2207042,
        'Publishing quota reached',
        'You reached the maximum number of posts for today.',
      );
    const mediaId = state.nextId();
    container.publishedMediaId = mediaId;
    state.media.set(mediaId, {
      id: mediaId,
      ownerId: caller.userId,
      containerId: container.id,
      caption: container.caption,
      mediaType:
        container.mediaType === 'REELS' ? 'VIDEO' : container.mediaType === 'CAROUSEL' ? 'CAROUSEL_ALBUM' : 'IMAGE',
      permalink: `https://www.instagram.com/p/${Buffer.from(mediaId).toString('base64url').slice(0, 11)}/`,
      publishedAt: state.now(),
    });
    res.json({ id: mediaId });
  });

  graph.get('/:igId/content_publishing_limit', (req, res) => {
    const caller = callerOf(state, req, res);
    if (!caller || !ownAccount(caller, req.params.igId, res)) return;
    res.json({
      data: [
        {
          quota_usage: state.quotaUsage(caller.userId),
          config: { quota_total: state.quotaTotal, quota_duration: 86400 },
        },
      ],
    });
  });

  graph.get('/:igId/media', (req, res) => {
    const caller = callerOf(state, req, res);
    if (!caller || !ownAccount(caller, req.params.igId, res)) return;
    const data = [...state.media.values()]
      .filter((m) => m.ownerId === caller.userId)
      .sort((a, b) => b.publishedAt - a.publishedAt)
      .map((m) => ({
        id: m.id,
        caption: m.caption,
        permalink: m.permalink,
        timestamp: new Date(m.publishedAt).toISOString(),
      }));
    res.json({ data });
  });
}

/** `GET /{id}`: a container (status) or a published media (permalink); registered last, it matches any id. */
export function mountObjectReads(graph: Router, state: InstagramSimState): void {
  graph.get('/:id', (req, res) => {
    const caller = callerOf(state, req, res);
    if (!caller) return;
    const container = state.containers.get(req.params.id);
    if (container && container.ownerId === caller.userId) {
      const status = state.statusOf(container);
      return res.json({
        id: container.id,
        status_code: status,
        status:
          status === 'ERROR'
            ? `Error: ${container.error}`
            : status === 'EXPIRED'
              ? 'Error: 2207020'
              : 'Finished: Media has been uploaded and it is ready to be published.',
      });
    }
    const media = state.media.get(req.params.id);
    if (media && media.ownerId === caller.userId)
      return res.json({
        id: media.id,
        caption: media.caption,
        media_type: media.mediaType,
        permalink: media.permalink,
        timestamp: new Date(media.publishedAt).toISOString(),
      });
    res.status(400).json(
      graphErrorBody(100, `Unsupported get request. Object with ID '${req.params.id}' does not exist`, {
        error_subcode: 33,
      }),
    );
  });
}
