// Rolls up analytics (db/analytics-rollup.ts) for every campaign with new events. Run every few seconds by the
// `analytics-rollup` Schedule; safe to retry and to overlap (each campaign's step locks its rollup row and is one
// transaction).
import { abuseRulesFrom } from '../db/analytics';
import { rollUpAnalytics, type RollupRound } from '../db/analytics-rollup';
import { type ActivityDeps } from './deps';

export function createAnalyticsRollupActivities({ pool, config, logger }: ActivityDeps) {
  const rules = abuseRulesFrom(config);
  return {
    async rollUpAnalytics(): Promise<RollupRound> {
      const round = await rollUpAnalytics(pool, rules);
      if (round.rebuilt > 0) logger.info(round, 'analytics rollups rebuilt');
      return round;
    },
  };
}
