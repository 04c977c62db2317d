// The release engine, one per campaign (id `release:<campaignId>`). It reads top-down as the business process:
// plan the waves; until the next one, verify the release now and then; at a wave, wait until the release is
// live, then deliver every due pre-save in parallel batches; pause when Spotify says so; end when no zone is
// still before the release and nothing is pending. Fans arriving late are delivered at once.
import {
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { BatchResult, ReleasePlan } from '../activities/release';

export interface ReleaseTimings {
  /** how often the release is looked up before it is live */
  verifyEveryMs: number;
  /** alert the artist when the release is still unresolved this close to release */
  alertWithinMs: number;
  /** first and longest wait between live checks once a wave is due */
  liveCheckFirstMs: number;
  liveCheckMaxMs: number;
  batchSize: number;
  parallelBatches: number;
  /** how soon a crashed worker's batch is retried elsewhere */
  heartbeatTimeoutMs: number;
  /** history length after which the workflow continues as new */
  maxHistoryEvents: number;
  /** re-read the plan at least this often while waiting (a safety net should a presaveAdded signal be lost) */
  replanEveryMs: number;
  /**
   * how long before a wave's instant (the release live) its first batches start: they claim nothing before the
   * instant, so the workflow's and Temporal's own latency is not between the instant and the first delivery
   */
  waveLeadMs: number;
}

export const DEFAULT_RELEASE_TIMINGS: ReleaseTimings = {
  verifyEveryMs: 6 * 3600_000,
  alertWithinMs: 48 * 3600_000,
  liveCheckFirstMs: 1_000,
  liveCheckMaxMs: 5 * 60_000,
  batchSize: 50,
  parallelBatches: 4,
  heartbeatTimeoutMs: 30_000,
  maxHistoryEvents: 2_000,
  replanEveryMs: 10 * 60_000,
  waveLeadMs: 5_000,
};

export interface ReleaseWorkflowInput {
  campaignId: string;
  timings?: Partial<ReleaseTimings>;
  /** carried across continue-as-new */
  carried?: { nextVerifyAt: number; delivered: number };
}

export type ReleasePhase = 'scheduled' | 'waiting_for_live' | 'delivering' | 'paused' | 'completed' | 'cancelled';

export interface ReleaseProgress {
  phase: ReleasePhase;
  resolution: ReleasePlan['resolution'] | 'unknown';
  total: number;
  pending: number;
  done: number;
  failed: number;
  revoked: number;
  nextWaveAt: number | null;
  waves: number[];
  pausedUntil: number | null;
  pauseReason: string | null;
  /** estimated ms until the due pre-saves are delivered, from the rate seen so far */
  etaMs: number | null;
}

export const rescheduleSignal = defineSignal('reschedule');
export const cancelSignal = defineSignal('cancel');
export const presaveAddedSignal = defineSignal<[{ dueAt: number }]>('presaveAdded');
export const progressQuery = defineQuery<ReleaseProgress>('progress');

export async function releaseWorkflow(
  input: ReleaseWorkflowInput,
): Promise<{ status: 'completed' | 'cancelled'; delivered: number }> {
  const timings = { ...DEFAULT_RELEASE_TIMINGS, ...input.timings };
  const { campaignId } = input;
  const {
    planRelease,
    verifyRelease,
    markReleaseStatus,
    markCampaignStatus,
    ensureAttributionSchedule,
    nudgeOrderOfCampaign,
  } = proxyActivities<ReturnType<typeof createActivities>>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  const { deliverDuePresaves } = proxyActivities<ReturnType<typeof createActivities>>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: timings.heartbeatTimeoutMs,
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  });

  let cancelled = false;
  let replan = false;
  let phase: ReleasePhase = 'scheduled';
  let plan: ReleasePlan | undefined;
  let pause: { reason: string; untilMs: number } | null = null;
  let delivered = input.carried?.delivered ?? 0;
  let nextVerifyAt = input.carried?.nextVerifyAt ?? Date.now();
  let deliveryRate: { since: number; count: number } | null = null;
  let drainScope: CancellationScope | null = null;
  let markedReleasing = false;

  setHandler(progressQuery, () => progressOf(plan, phase, pause, delivered, deliveryRate));
  setHandler(rescheduleSignal, () => {
    replan = true;
  });
  // Only a pre-save that changes the plan wakes the workflow: one due sooner than the next wake (a new zone's
  // wave, or a late fan to deliver at once). Fans joining a known wave cost nothing more.
  let wakeAt = 0;
  setHandler(presaveAddedSignal, ({ dueAt }) => {
    if (dueAt < wakeAt || dueAt <= Date.now()) replan = true;
  });
  setHandler(cancelSignal, () => {
    cancelled = true;
    drainScope?.cancel();
  });

  /** Releasing / completed: the status, then the attribution Schedule, then the order's nudge. */
  async function markStatus(status: 'releasing' | 'completed'): Promise<void> {
    // Runs recorded before the split called one activity for the three jobs; they replay (and go on) that way.
    if (!patched('release-status-one-job-activities')) return markReleaseStatus({ campaignId, status });
    await markCampaignStatus({ campaignId, status });
    await ensureAttributionSchedule({ campaignId });
    await nudgeOrderOfCampaign({ campaignId });
  }

  const historyIsLong = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > timings.maxHistoryEvents;
  const waitUntil = (at: number) =>
    condition(() => cancelled || replan || historyIsLong(), Math.max(1, at - Date.now()));

  /** Checks with backoff until the release is live; hands back to the main loop on a change or a long history. */
  async function waitUntilLive(): Promise<void> {
    phase = 'waiting_for_live';
    for (
      let delay = timings.liveCheckFirstMs;
      !cancelled && !replan && !historyIsLong();
      delay = Math.min(delay * 2, timings.liveCheckMaxMs)
    ) {
      const { resolution } = await verifyRelease({ campaignId, alertWithinMs: timings.alertWithinMs });
      if (plan) plan.resolution = resolution;
      if (resolution === 'live') return;
      await condition(() => cancelled || replan, delay);
    }
  }

  /**
   * Delivers the due pre-saves with a window of batches in flight (any worker process takes them): each lane starts
   * its next batch as soon as its last one ends, until nothing is left to claim. Returns how many were claimed.
   * `notBefore`: the wave's instant, when its batches start ahead of it (they claim nothing before it).
   */
  async function deliverDueWave(dueNow: number, notBefore?: number): Promise<number> {
    if (!patched('release-batch-window')) return deliverDueWaveInRounds();
    let claimedTotal = 0;
    deliveryRate ??= { since: Math.max(Date.now(), notBefore ?? 0), count: 0 };
    // A wave started ahead shows as scheduled until its instant, and is marked releasing then (the mark tells the
    // artist's order that the release is out). Otherwise marked beside the first batches rather than before them:
    // nothing in a delivery waits for the mark.
    const ahead = notBefore !== undefined && notBefore > Date.now();
    phase = ahead ? 'scheduled' : 'delivering';
    const instant = ahead
      ? sleep(notBefore - Date.now()).then(() => {
          if (phase === 'scheduled') phase = 'delivering';
        })
      : null;
    const marking = markedReleasing
      ? Promise.resolve()
      : instant
        ? instant.then(() => markStatus('releasing'))
        : markStatus('releasing');
    markedReleasing = true;
    // Since the wave lead, a lane whose batch comes back short ends alone (the others go on draining), or, when the
    // plan's next wave is within the lead, starts its next batch at once to claim at that wave's instant; a full
    // batch (a backlog) brings ended lanes back. Before, one short batch ended every lane after its current batch:
    // with waves a second apart that left a few lanes carrying every later wave (docs/performance.md).
    const lanesComeBack = patched('release-wave-lead');
    for (;;) {
      const { batchSize, lanes } = batchWindow(dueNow);
      // Written by the lanes: whether to stop, and what stopped them.
      const window: { stop: boolean; paused: BatchResult['paused']; notLive: boolean } = {
        stop: false,
        paused: null,
        notLive: false,
      };
      let running = 0;
      let laneFailure: { error: unknown } | null = null;
      const lane = async (start: number | undefined) => {
        while (!window.stop && !cancelled) {
          const r = await deliverDuePresaves({ campaignId, batchSize, ...(start ? { notBefore: start } : {}) });
          start = lanesComeBack ? undefined : start;
          claimedTotal += r.claimed;
          delivered += r.done;
          deliveryRate!.count += r.done;
          window.paused ??= r.paused;
          window.notLive ||= r.notLive;
          if (r.paused || r.notLive || historyIsLong()) window.stop = true;
          else if (r.claimed >= batchSize) {
            if (lanesComeBack) openLanes(undefined);
          } else if (!lanesComeBack) {
            window.stop = true; // a short batch: the backlog is drained (for now): the lane ends, and so do the others
          } else {
            const next = plan?.waves.find((at) => at > Date.now());
            if (next === undefined || next - Date.now() > timings.waveLeadMs) return;
            start = next;
          }
        }
      };
      const openLanes = (start: number | undefined) => {
        for (; running < lanes && !window.stop && !cancelled; running++)
          void lane(start)
            .catch((error: unknown) => {
              laneFailure ??= { error };
              window.stop = true;
            })
            .finally(() => running--);
      };
      drainScope = new CancellationScope();
      try {
        await drainScope.run(async () => {
          if (!lanesComeBack) {
            await Promise.all(Array.from({ length: lanes }, () => lane(notBefore)));
            return;
          }
          openLanes(notBefore);
          await condition(() => running === 0);
          if (laneFailure) throw laneFailure.error;
        });
      } catch (error) {
        if (cancelled && isCancellation(error)) return claimedTotal;
        throw error;
      } finally {
        drainScope = null;
      }
      await marking;
      if (window.paused) {
        await waitOutPause(window.paused);
        if (!cancelled && !historyIsLong()) continue;
      }
      if (window.notLive && plan) plan.resolution = 'unresolved'; // the main loop checks again until it is live
      return claimedTotal;
    }
  }

  /** Spotify's quota is spent: the wave waits, and `progress` says why and until when. */
  async function waitOutPause(paused: { reason: string; untilMs: number }): Promise<void> {
    pause = paused;
    phase = 'paused';
    await condition(() => cancelled, Math.max(1, paused.untilMs - Date.now()));
    pause = null;
    phase = 'delivering';
  }

  /**
   * Batch size and lanes for a wave of `dueNow` rows: the size and window this run was given, else the worker's
   * configuration as recorded with the plan; a small wave is split across the lanes, but not below 25 a batch.
   */
  function batchWindow(dueNow: number): { batchSize: number; lanes: number } {
    const maxSize = input.timings?.batchSize ?? plan?.delivery?.batchSize ?? timings.batchSize;
    const parallel = input.timings?.parallelBatches ?? plan?.delivery?.parallelBatches ?? timings.parallelBatches;
    const batchSize = Math.min(maxSize, Math.max(25, Math.ceil(dueNow / parallel)));
    return { batchSize, lanes: Math.max(1, Math.min(parallel, Math.ceil(dueNow / batchSize))) };
  }

  /** Runs recorded before the batch window: rounds of parallel batches, each round waiting for its slowest. */
  async function deliverDueWaveInRounds(): Promise<number> {
    phase = 'delivering';
    let claimedTotal = 0;
    deliveryRate ??= { since: Date.now(), count: 0 };
    await markStatus('releasing');
    for (;;) {
      drainScope = new CancellationScope();
      let results: BatchResult[];
      try {
        results = await drainScope.run(() =>
          Promise.all(
            Array.from({ length: timings.parallelBatches }, () =>
              deliverDuePresaves({ campaignId, batchSize: timings.batchSize }),
            ),
          ),
        );
      } catch (error) {
        if (cancelled && isCancellation(error)) return claimedTotal;
        throw error;
      } finally {
        drainScope = null;
      }
      claimedTotal += results.reduce((n, r) => n + r.claimed, 0);
      const count = results.reduce((n, r) => n + r.done, 0);
      delivered += count;
      deliveryRate.count += count;
      const paused = results.find((r) => r.paused)?.paused;
      if (paused) await waitOutPause(paused);
      if (cancelled || historyIsLong() || results.every((r) => r.claimed === 0)) return claimedTotal;
      if (results.some((r) => r.notLive)) {
        if (plan) plan.resolution = 'unresolved'; // the main loop checks again until it is live
        return claimedTotal;
      }
    }
  }

  /** A live release whose next wave comes within `withinMs` (the lead by default). */
  function waveIsNear(p: ReleasePlan, withinMs = timings.waveLeadMs): boolean {
    const next = p.progress.nextDueAt;
    return p.resolution === 'live' && p.progress.pending > 0 && next !== null && next - Date.now() <= withinMs;
  }

  while (!cancelled) {
    replan = false;
    plan = await planRelease({ campaignId });
    if (plan.status === 'cancelled') break;
    pause = plan.pause && plan.pause.reason === 'quota_exceeded' ? plan.pause : null;

    if (plan.progress.dueNow > 0) {
      if (plan.resolution !== 'live') await waitUntilLive();
      if (!cancelled && plan.resolution === 'live') {
        const claimed = await deliverDueWave(plan.progress.dueNow);
        // Due rows nobody could claim are leased by an attempt that died: wait for the lease to run out.
        if (claimed === 0 && !cancelled) await condition(() => cancelled, 2_000);
      }
    } else if (plan.progress.pending === 0 && Date.now() >= plan.closesAt) {
      if (replan) continue; // a late fan arrived while we planned
      // No zone is still before the release and nothing is pending: done, unless a fan slips in meanwhile.
      await markStatus('completed');
      if (replan) continue;
      break;
    } else if (plan.resolution !== 'live' && Date.now() >= nextVerifyAt) {
      await verifyRelease({ campaignId, alertWithinMs: timings.alertWithinMs });
      nextVerifyAt = Date.now() + timings.verifyEveryMs;
    } else if (waveIsNear(plan) && patched('release-wave-lead')) {
      // The release is live and the next wave seconds away: its batches start now and claim at its instant.
      const claimed = await deliverDueWave(plan.progress.pending, plan.progress.nextDueAt!);
      if (claimed === 0 && !cancelled) await condition(() => cancelled || replan, 1_000);
    } else {
      phase = 'scheduled';
      const lead = waveIsNear(plan, Infinity) && patched('release-wave-lead') ? timings.waveLeadMs : 0;
      wakeAt = Math.min(
        (plan.progress.nextDueAt ?? plan.closesAt) - lead,
        plan.closesAt,
        plan.resolution === 'live' ? Infinity : nextVerifyAt,
        Date.now() + timings.replanEveryMs,
      );
      await waitUntil(wakeAt);
      wakeAt = 0;
    }
    if (historyIsLong() && !cancelled) {
      await continueAsNew<typeof releaseWorkflow>({
        campaignId,
        timings: input.timings,
        carried: { nextVerifyAt, delivered },
      });
    }
  }

  phase = cancelled || plan?.status === 'cancelled' ? 'cancelled' : 'completed';
  return { status: phase, delivered };
}

function progressOf(
  plan: ReleasePlan | undefined,
  phase: ReleasePhase,
  pause: { reason: string; untilMs: number } | null,
  delivered: number,
  rate: { since: number; count: number } | null,
): ReleaseProgress {
  const p = plan?.progress;
  const perMs = rate && rate.count > 0 ? rate.count / Math.max(1, Date.now() - rate.since) : null;
  return {
    phase,
    resolution: plan?.resolution ?? 'unknown',
    total: p?.total ?? 0,
    pending: p?.pending ?? 0,
    done: Math.max(p?.done ?? 0, delivered),
    failed: p?.failed ?? 0,
    revoked: p?.revoked ?? 0,
    nextWaveAt: p?.nextDueAt ?? null,
    waves: plan?.waves ?? [],
    pausedUntil: pause?.untilMs ?? null,
    pauseReason: pause?.reason ?? null,
    etaMs: perMs && p ? Math.round(p.dueNow / perMs) : null,
  };
}
