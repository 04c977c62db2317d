// The API's binding of the release starter (lib/starters/release.ts) to its client, task queue and timings (tests
// pass short ones), so routes start and signal a campaign's release engine in one call.
import { type Client } from '@temporalio/client';
import {
  type ReleaseCampaign,
  signalPresaveAdded,
  signalReleaseCancelled,
  signalReleaseRescheduled,
  startRelease,
} from '../lib/starters/release';
import { type ReleaseTimings } from '../workflows/release';

export function createReleaseEngine(temporal: Client, taskQueue: string, timings?: Partial<ReleaseTimings>) {
  return {
    start: (campaign: ReleaseCampaign) => startRelease(temporal, taskQueue, { campaign, timings }),
    reschedule: (campaignId: string) => signalReleaseRescheduled(temporal, { campaignId }),
    cancel: (campaignId: string) => signalReleaseCancelled(temporal, { campaignId }),
    /** Signal-with-start: a pre-save arriving after the workflow ended (late fan) starts a run that delivers it. */
    presaveAdded: (campaign: ReleaseCampaign, dueAt: number) =>
      signalPresaveAdded(temporal, taskQueue, { campaign, dueAt, timings }),
  };
}

export type ReleaseEngine = ReturnType<typeof createReleaseEngine>;
