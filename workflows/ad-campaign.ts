// One paid campaign on Meta or Google Ads (id `ad-campaign:<adCampaignId>`), as a saga:
//   create every object PAUSED — Meta: campaign → ad set → creative → ad; Google: budget → Demand Gen campaign →
//   its countries → ad group → ad — then wait for the launch instant (the release, unless a start was given), launch, wait for the
//   end date, pause. A step that fails for good, or a cancel before launch, removes what was created in reverse
//   order; a cancel after launch pauses it (its spend stays visible). Compensation cannot itself be cancelled.
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  defineQuery,
  defineSignal,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { AdPlatform, AdState, AdStep } from '../db/ad-campaigns';

type Activities = ReturnType<typeof createActivities>;

// Provider calls: throttling waits for the provider's hint (nextRetryDelay), other transient errors back off.
// Creation waits for a cancelled attempt to finish, so an object made at that moment is recorded and undone too.
const provider = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 15 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export const STEPS: Record<AdPlatform, AdStep[]> = {
  meta: ['campaign', 'adset', 'creative', 'ad'],
  google: ['budget', 'campaign', 'targeting', 'ad_group', 'ad'],
};

export interface AdCampaignInput {
  adCampaignId: string;
  platform: AdPlatform;
}

export interface AdCampaignProgress {
  state: AdState;
  created: AdStep[];
  launchAt: number | null;
  endAt: number | null;
}

export const adCampaignProgressQuery = defineQuery<AdCampaignProgress>('progress');
/** The release moved (or the campaign's dates did): look the launch instant up again. */
export const adCampaignRescheduledSignal = defineSignal('rescheduled');
const KEEP_RESCHEDULE_DURING_LOOKUP = 'ad-campaign-keeps-reschedule-during-lookup';

export async function adCampaignWorkflow(input: AdCampaignInput): Promise<AdState> {
  const progress: AdCampaignProgress = { state: 'creating', created: [], launchAt: null, endAt: null };
  let rescheduled = false;
  setHandler(adCampaignProgressQuery, () => progress);
  setHandler(adCampaignRescheduledSignal, () => {
    rescheduled = true;
  });
  const { adCampaignId } = input;
  const moveTo = async (state: AdState, error?: { code: string; message: string }) => {
    progress.state = state;
    await bookkeeping.recordAdCampaignState({ adCampaignId, state, error });
  };

  let launched = false;
  let creating: AdStep | null = null; // the step whose create has not answered yet
  try {
    for (const step of STEPS[input.platform]) {
      creating = step;
      await provider.createAdObject({ adCampaignId, step });
      creating = null;
      progress.created.push(step);
    }
    await moveTo('scheduled');

    // Wait for the launch instant, looking it up again whenever the release is rescheduled. A reschedule that
    // arrives while the lookup runs must not be forgotten (it may have read the old instant): clear the flag first.
    // (Histories from before the fix cleared it after the lookup; the patch keeps them replaying.)
    for (;;) {
      const keepsLateReschedules = patched(KEEP_RESCHEDULE_DURING_LOOKUP);
      if (keepsLateReschedules) rescheduled = false;
      const schedule = await bookkeeping.adSchedule({ adCampaignId });
      Object.assign(progress, schedule);
      if (Date.now() >= schedule.launchAt) break;
      if (!keepsLateReschedules) rescheduled = false;
      await condition(() => rescheduled, schedule.launchAt - Date.now());
    }
    if (Date.now() < progress.endAt!) {
      await provider.setAdDelivery({ adCampaignId, deliver: true });
      launched = true;
      await moveTo('active');
      await condition(() => false, progress.endAt! - Date.now());
    }
    await provider.setAdDelivery({ adCampaignId, deliver: false });
    await moveTo('ended');
    return 'ended';
  } catch (error) {
    // Cancelled also when the step in flight then failed on its own (a cancelled activity's attempt is not retried).
    const cancelled = isCancellation(error) || CancellationScope.current().consideredCancelled;
    await CancellationScope.nonCancellable(async () => {
      if (launched) await pauseQuietly(adCampaignId);
      else
        await undoCreated(adCampaignId, input.platform, creating !== null && !refusedForSure(error) ? creating : null);
      await moveTo(
        cancelled ? 'cancelled' : 'failed',
        cancelled ? { code: 'cancelled', message: 'cancelled' } : reasonOf(error),
      );
    });
    if (cancelled) throw isCancellation(error) ? error : new CancelledFailure('cancelled');
    return 'failed';
  }
}

/** Every step, newest first; steps never created are skipped by the activity. One failing undo does not stop the rest.
 * `inFlight`: the step whose create was cancelled or given up on; it may have made an object it never recorded. */
async function undoCreated(adCampaignId: string, platform: AdPlatform, inFlight: AdStep | null): Promise<void> {
  for (const step of [...STEPS[platform]].reverse()) {
    try {
      await provider.removeAdObject({ adCampaignId, step, ...(step === inFlight ? { createInFlight: true } : {}) });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
    }
  }
}

async function pauseQuietly(adCampaignId: string): Promise<void> {
  try {
    await provider.setAdDelivery({ adCampaignId, deliver: false });
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
  }
}

/** The provider (or dropday) refused the create outright: its last attempt found no object by name and made none. */
function refusedForSure(error: unknown): boolean {
  return (
    error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.nonRetryable === true
  );
}

function reasonOf(error: unknown): { code: string; message: string } {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return { code: cause.type ?? 'failed', message: cause.message };
  return { code: 'failed', message: error instanceof Error ? error.message : String(error) };
}
