// One release-day Instagram post (id `instagram-post:<postId>`). Reads top-down:
//   wait until a lead time before the release instant (a reschedule moves it) → make the media container →
//   wait until Instagram has processed it → wait for the instant and for the release to be live (a late release is
//   waited for) → publish, reading the publishing limit first (a spent limit waits, and says so) → the permalink
//   is recorded. A container that expired or vanished meanwhile is made again. Cancelling the workflow (the
//   campaign was cancelled) cancels the post; nothing at Instagram needs undoing (unpublished containers expire).
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { PostState } from '../db/instagram-posts';

type Activities = ReturnType<typeof createActivities>;

const instagram = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
// Meta: poll the container about once a minute for five minutes; a short first wait serves small images.
const containerPoll = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 12 },
});
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export interface InstagramPostInput {
  postId: string;
  /** the container is made this long before the instant (it lives 24 h at Instagram) */
  containerLeadMs: number;
  /** how often a release that is late is looked at again */
  liveCheckMs?: number;
}

export interface InstagramPostProgress {
  state: PostState;
  publishAt: number | null;
  waitingReason: string | null;
  permalink: string | null;
}

export const instagramPostProgressQuery = defineQuery<InstagramPostProgress>('progress');
/** The release moved: look the instant up again. */
export const instagramPostRescheduledSignal = defineSignal('rescheduled');

export async function instagramPostWorkflow(input: InstagramPostInput): Promise<PostState> {
  const progress: InstagramPostProgress = { state: 'scheduled', publishAt: null, waitingReason: null, permalink: null };
  let rescheduled = false;
  setHandler(instagramPostProgressQuery, () => progress);
  setHandler(instagramPostRescheduledSignal, () => {
    rescheduled = true;
  });
  const { postId } = input;
  const moveTo = async (state: 'preparing' | 'ready' | 'waiting', waitingReason?: string) => {
    Object.assign(progress, { state, waitingReason: waitingReason ?? null });
    await bookkeeping.recordInstagramPostState({ postId, state, waitingReason });
  };
  /** Waits until `at - leadMs`, starting over whenever the release is rescheduled; returns the instant. */
  const waitUntilBefore = async (leadMs: number): Promise<number> => {
    for (;;) {
      rescheduled = false;
      const schedule = await bookkeeping.instagramPostSchedule({ postId });
      progress.publishAt = schedule.publishAt;
      const wakeAt = schedule.publishAt - leadMs;
      if (Date.now() >= wakeAt) return schedule.publishAt;
      if (!(await condition(() => rescheduled, wakeAt - Date.now()))) return schedule.publishAt;
    }
  };

  try {
    for (;;) {
      await waitUntilBefore(input.containerLeadMs);
      await moveTo('preparing');
      await instagram.prepareInstagramContainer({ postId });
      if ((await containerPoll.instagramContainerReady({ postId })) === 'gone') continue;
      await moveTo('ready');
      await waitUntilBefore(0);
      await waitUntilLive(postId, input.liveCheckMs ?? 60_000, moveTo);
      const result = await instagram.publishInstagramPost({ postId });
      if (result.outcome === 'published') {
        Object.assign(progress, { state: 'published', waitingReason: null, permalink: result.permalink });
        return 'published';
      }
      if (result.outcome === 'wait') {
        progress.state = 'waiting';
        progress.waitingReason = result.reason;
        await sleep(result.waitMs);
      }
      // 'new_container' (expired or gone) or after a wait: round again; a container still recorded is reused.
    }
  } catch (error) {
    const cancelled = isCancellation(error) || CancellationScope.current().consideredCancelled;
    await CancellationScope.nonCancellable(async () => {
      progress.state = cancelled ? 'cancelled' : 'failed';
      await bookkeeping.recordInstagramPostState({
        postId,
        state: progress.state as 'cancelled' | 'failed',
        error: cancelled ? { code: 'cancelled', message: 'the campaign was cancelled' } : reasonOf(error),
      });
    });
    if (cancelled) throw error;
    return 'failed';
  }
}

/**
 * The instant has come: publish only once the release is live (a late release is waited for, visibly). The release
 * engine records `live` when it delivers pre-saves; without any, this looks the release up the same way.
 */
async function waitUntilLive(
  postId: string,
  checkMs: number,
  moveTo: (state: 'waiting' | 'ready', reason?: string) => Promise<void>,
): Promise<void> {
  for (let waited = false; ; waited = true) {
    const schedule = await bookkeeping.instagramPostSchedule({ postId });
    const live =
      schedule.live ||
      (await bookkeeping.verifyRelease({ campaignId: schedule.campaignId, alertWithinMs: 0 })).resolution === 'live';
    if (live) {
      if (waited) await moveTo('ready');
      return;
    }
    if (!waited) await moveTo('waiting', 'the release is not live yet: the post goes out when it is');
    await sleep(checkMs);
  }
}

function reasonOf(error: unknown): { code: string; message: string } {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return { code: cause.type ?? 'failed', message: cause.message };
  return { code: 'failed', message: error instanceof Error ? error.message : String(error) };
}
