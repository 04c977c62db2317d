// Attribution routes: the artist's control of a campaign's backfill Schedule (status, pause, resume, run a backfill
// now). The smart link's tracked outbound links are in platform-links.ts.
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { type Request, Router } from 'express';
import { findCampaign } from '../../db/campaigns';
import { attributionSummary } from '../../db/attribution';
import {
  attributionScheduleId,
  attributionWindow,
  describeAttributionSchedule,
  ensureAttributionSchedule,
} from '../../lib/starters/attribution';
import { auth } from '../auth';
import { type AppDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { uuidParam } from '../schemas';
import { parseParams } from '../validation';

/** Artist key: the campaign's attribution Schedule. It exists from the release on; before that these answer 409. */
export function attributionRoutes({ pool, temporal, config }: AppDeps): Router {
  const router = Router();

  const ownedCampaign = async (req: Request, accountId: string) => {
    const { id } = parseParams(uuidParam, req);
    const campaign = await findCampaign(pool, accountId, id);
    if (!campaign) throw notFound('campaign');
    return campaign;
  };
  const schedule = async (campaignId: string) => {
    const description = await describeAttributionSchedule(temporal, campaignId);
    if (!description) {
      throw new ApiError(
        409,
        'attribution_not_started',
        'attribution starts when the release goes live; there is nothing to control yet',
      );
    }
    return description;
  };
  const present = async (campaignId: string) => {
    const description = await describeAttributionSchedule(temporal, campaignId);
    const summary = await attributionSummary(pool, campaignId);
    return {
      scheduleId: attributionScheduleId(campaignId),
      started: description !== null,
      paused: description?.state.paused ?? false,
      note: description?.state.note ?? null,
      windowStart: description?.spec.startAt?.toISOString() ?? null,
      windowEnd: description?.spec.endAt?.toISOString() ?? null,
      nextRunAt: description?.info.nextActionTimes[0]?.toISOString() ?? null,
      tracks: summary.tracks,
      recentRuns: summary.runs.map((r) => ({
        fansChecked: r.fansChecked,
        fansSkipped: r.fansSkipped,
        streams: r.streams,
        startedAt: new Date(r.startedAt).toISOString(),
        finishedAt: r.finishedAt === null ? null : new Date(r.finishedAt).toISOString(),
      })),
    };
  };

  router.get('/v1/campaigns/:id/attribution', async (req, res) => {
    const campaign = await ownedCampaign(req, auth(res).accountId);
    res.json(await present(campaign.id));
  });

  router.post('/v1/campaigns/:id/attribution/pause', async (req, res) => {
    const campaign = await ownedCampaign(req, auth(res).accountId);
    await schedule(campaign.id);
    await temporal.schedule.getHandle(attributionScheduleId(campaign.id)).pause('paused through the API');
    res.json(await present(campaign.id));
  });

  router.post('/v1/campaigns/:id/attribution/resume', async (req, res) => {
    const campaign = await ownedCampaign(req, auth(res).accountId);
    await schedule(campaign.id);
    await temporal.schedule.getHandle(attributionScheduleId(campaign.id)).unpause('resumed through the API');
    res.json(await present(campaign.id));
  });

  /**
   * Runs a backfill now, paused or not; asked while one runs, it starts when that one ends (one is kept waiting).
   * A campaign released before attribution existed (live, released, no Schedule) gets its Schedule here.
   */
  router.post('/v1/campaigns/:id/attribution/backfill', async (req, res) => {
    const campaign = await ownedCampaign(req, auth(res).accountId);
    const released =
      campaign.status !== 'cancelled' && campaign.resolution === 'live' && Date.now() >= campaign.releaseAt;
    if (released && !(await describeAttributionSchedule(temporal, campaign.id))) {
      await ensureAttributionSchedule(temporal, {
        campaignId: campaign.id,
        accountId: campaign.accountId,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        intervalMinutes: config.ATTRIBUTION_INTERVAL_MINUTES,
        ...attributionWindow(config.ATTRIBUTION_WINDOW_DAYS, campaign),
      });
    }
    await schedule(campaign.id);
    await temporal.schedule.getHandle(attributionScheduleId(campaign.id)).trigger(ScheduleOverlapPolicy.BUFFER_ONE);
    res.status(202).json(await present(campaign.id));
  });

  return router;
}
