// A campaign's analytics (funnel, delivery, sources, value, abuse flags, time series) and its value table.
import { Router } from 'express';
import { z } from 'zod';
import { abuseRulesFrom, BUCKET_MS, type Bucket } from '../../db/analytics';
import { rolledUpAnalytics } from '../../db/analytics-rollup-read';
import { findCampaign } from '../../db/campaigns';
import {
  DEFAULT_EVENT_VALUES,
  EVENT_TYPES,
  type EventValues,
  eventValues,
  replaceEventValues,
} from '../../db/event-values';
import { auth } from '../auth';
import { type AppDeps } from '../deps';
import { notFound } from '../errors';
import { analyticsQueryShape, eventValuesBody, uuidParam } from '../schemas';
import { parseBody, parseParams, parseQuery } from '../validation';

export const MAX_SERIES_BUCKETS = 1_000;

export const analyticsQuery = analyticsQueryShape.transform((q, ctx) => {
  const to = q.to ? new Date(q.to) : new Date();
  // Without `from`: the last 48 hours by hour, the last 30 days by day.
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - (q.bucket === 'hour' ? 48 : 30 * 24) * 3_600_000);
  if (from.getTime() >= to.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must be before to' });
    return z.NEVER;
  }
  const buckets = Math.ceil((to.getTime() - truncate(from, q.bucket).getTime()) / BUCKET_MS[q.bucket]);
  if (buckets > MAX_SERIES_BUCKETS) {
    ctx.addIssue({
      code: 'custom',
      path: ['bucket'],
      message: `the range spans ${buckets} ${q.bucket}s; at most ${MAX_SERIES_BUCKETS} are allowed`,
    });
    return z.NEVER;
  }
  return { from, to, bucket: q.bucket };
});

/** The start of the UTC hour or day holding `at`. */
function truncate(at: Date, bucket: Bucket): Date {
  return new Date(Math.floor(at.getTime() / BUCKET_MS[bucket]) * BUCKET_MS[bucket]);
}

const iso = (ms: number) => new Date(ms).toISOString();

export function analyticsRoutes({ pool, config }: AppDeps): Router {
  const router = Router();
  const rules = abuseRulesFrom(config);

  const owned = async (accountId: string, id: string) => {
    const campaign = await findCampaign(pool, accountId, id);
    if (!campaign) throw notFound('campaign');
    return campaign;
  };
  const presentValues = (values: EventValues) => ({ unit: 'points', values, defaults: DEFAULT_EVENT_VALUES });

  router.get('/v1/campaigns/:id/values', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    await owned(auth(res).accountId, id);
    res.json(presentValues(await eventValues(pool, id)));
  });

  router.put('/v1/campaigns/:id/values', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    await owned(auth(res).accountId, id);
    const body = parseBody(eventValuesBody, req);
    await replaceEventValues(pool, id, body.values);
    res.json(presentValues(await eventValues(pool, id)));
  });

  router.get('/v1/campaigns/:id/analytics', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const campaign = await owned(auth(res).accountId, id);
    const range = parseQuery(analyticsQuery, req);
    const values = await eventValues(pool, id);
    const {
      asOf,
      counts,
      funnel: funnelCounts,
      sources: bySource,
      clicksByPlatform,
      inAppBrowser,
      flags,
      delivery: byState,
      series: buckets,
    } = await rolledUpAnalytics(pool, id, range);
    const countOf = new Map(counts.map((c) => [c.type, c.count]));
    const byType = EVENT_TYPES.map((type) => {
      const count = countOf.get(type) ?? 0;
      return { type, count, points: values[type], value: count * values[type] };
    });
    res.json({
      campaignId: id,
      releaseAt: iso(campaign.releaseAt),
      // The rollup this answer comes from (docs/analytics.md): every event up to `eventsThrough` is counted.
      asOf: asOf ? { eventsThrough: String(asOf.eventsThrough), rolledAt: iso(asOf.rolledAt) } : null,
      funnel: funnelCounts,
      clicksByPlatform,
      inAppBrowser,
      delivery: {
        byZone: byState.byZone,
        byPlatform: byState.byPlatform,
        byWave: byState.byWave.map(({ dueAt, ...rest }) => ({ dueAt: iso(dueAt), ...rest })),
      },
      sources: bySource.map((s) => ({
        ...s,
        value:
          s.views * values.PAGE_VIEW +
          s.clicks * values.CLICK +
          s.authorisations * values.AUTH +
          s.emailSignups * values.EMAIL_SIGNUP,
      })),
      value: { unit: 'points', total: byType.reduce((sum, t) => sum + t.value, 0), byType },
      flags: {
        rules: asOf?.rules ?? rules,
        excludedEvents: flags.excludedEvents,
        byReason: flags.byReason,
        items: flags.items.map((f) => ({ ...f, at: iso(f.at) })),
      },
      series: {
        bucket: range.bucket,
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        types: EVENT_TYPES,
        buckets: buckets.map(({ start, ...counts }) => ({
          start: iso(start),
          counts,
          total: EVENT_TYPES.reduce((sum, t) => sum + counts[t], 0),
        })),
      },
    });
  });

  return router;
}
