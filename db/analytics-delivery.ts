// What the rollup round takes as a snapshot (analytics_rollups.delivery) instead of each request, because it reads
// a whole table of the campaign: the pre-save side — delivered fans (their authorisation not flagged), those who then
// played within 7 / 28 days of their own release instant, pre-saves by zone and by wave — and the totals over every
// fan and every flag (authorisations, excluded events per reason), and the clicks per platform and from in-app
// browsers (a superstar's campaign has hundreds of thousands of clicks: counted per request they were most of the
// read's cost). A round retakes it whenever the campaign has new events or open deliveries (`deliveryIsOpen`).
import { z } from 'zod';
import { type DatabaseTransactionConnection } from 'slonik';
import { clicksByPlatform, delivery, FLAG_REASONS, flagTotals, inAppBrowser } from './analytics';
import { sql } from './pool';
import { countsByStateShape } from './presaves';

type Tx = DatabaseTransactionConnection;

export const deliverySnapshot = z.object({
  authorisations: z.number(),
  excludedEvents: z.number(),
  byReason: z.partialRecord(z.enum(FLAG_REASONS), z.number()),
  delivered: z.number(),
  streamed7d: z.number(),
  streamed28d: z.number(),
  byZone: z.array(z.object({ zone: z.string().nullable(), ...countsByStateShape })),
  byWave: z.array(z.object({ dueAt: z.number(), ...countsByStateShape })),
  // Snapshots taken before Apple Music have none: the next round's retake fills it.
  byPlatform: z.array(z.object({ platform: z.string(), ...countsByStateShape })).default([]),
  // Snapshots taken before these were in it have neither: the read counts them itself until the next round.
  clicksByPlatform: z.array(z.object({ platform: z.string().nullable(), clicks: z.number() })).optional(),
  inAppBrowser: z.object({ offered: z.number(), continued: z.number(), droppedOff: z.number() }).optional(),
});
export type DeliverySnapshot = z.infer<typeof deliverySnapshot>;

export const EMPTY_DELIVERY: DeliverySnapshot = {
  authorisations: 0,
  excludedEvents: 0,
  byReason: {},
  delivered: 0,
  streamed7d: 0,
  streamed28d: 0,
  byZone: [],
  byWave: [],
  byPlatform: [],
  clicksByPlatform: [],
  inAppBrowser: { offered: 0, continued: 0, droppedOff: 0 },
};

/** The funnel's delivered and streamed counts over the rollup's flags and plays (db/analytics.ts `funnel`). */
async function deliveredAndStreamed(tx: Tx, campaignId: string) {
  return tx.one(sql.type(z.object({ delivered: z.number(), streamed7d: z.number(), streamed28d: z.number() }))`
    WITH delivered AS (
      SELECT p.fan_id, min(p.due_at) AS release_at FROM presaves p
      WHERE p.campaign_id = ${campaignId} AND p.state = 'done'
        AND NOT EXISTS (SELECT 1 FROM analytics_fans af
                        WHERE af.campaign_id = ${campaignId} AND af.fan_id = p.fan_id AND af.flagged)
      GROUP BY p.fan_id
    ),
    first_play AS (
      SELECT d.fan_id, min(pl.at) - d.release_at AS after_release
      FROM delivered d
      JOIN analytics_plays pl ON pl.campaign_id = ${campaignId} AND pl.type = 'STREAM' AND pl.fan_id = d.fan_id
                             AND pl.at >= d.release_at
      GROUP BY d.fan_id, d.release_at
    )
    SELECT (SELECT count(*) FROM delivered)::int AS delivered,
           (SELECT count(*) FROM first_play WHERE after_release < interval '7 days')::int AS "streamed7d",
           (SELECT count(*) FROM first_play WHERE after_release < interval '28 days')::int AS "streamed28d"`);
}

/** Takes the snapshot (inside the round's transaction, after the campaign's flags and plays are settled). */
export async function takeDeliverySnapshot(tx: Tx, campaignId: string, through: number): Promise<DeliverySnapshot> {
  const { byZone, byWave, byPlatform } = await delivery(tx, campaignId);
  const authorisations = await tx.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT (count(*) FILTER (WHERE fan_id IS NOT NULL AND clean_auths > 0)
            + coalesce(sum(clean_auths) FILTER (WHERE fan_id IS NULL), 0))::int AS n
    FROM analytics_fans WHERE campaign_id = ${campaignId}`);
  const flags = await flagTotals(
    tx,
    sql.fragment`(SELECT event_id, reason FROM analytics_event_flags WHERE campaign_id = ${campaignId})`,
  );
  const clicks = {
    flagged: sql.fragment`(SELECT event_id AS id FROM analytics_event_flags WHERE campaign_id = ${campaignId})`,
    through,
  };
  return {
    authorisations,
    ...flags,
    ...(await deliveredAndStreamed(tx, campaignId)),
    byZone: [...byZone],
    byWave: [...byWave],
    byPlatform: [...byPlatform],
    clicksByPlatform: [...(await clicksByPlatform(tx, campaignId, clicks))],
    inAppBrowser: await inAppBrowser(tx, campaignId, clicks),
  };
}

/**
 * Whether pre-saves can still change under the snapshot: some are pending or running (new pre-saves arrive as
 * pending, waves turn them done or failed, a retry makes them pending again). The round after the last one settles
 * takes one more snapshot (`delivery_open` remembers). Read through the partial index presaves_due.
 */
export const deliveryIsOpen = (campaignId: ReturnType<typeof sql.fragment>) => sql.fragment`
  EXISTS (SELECT 1 FROM presaves p WHERE p.campaign_id = ${campaignId} AND p.state IN ('pending', 'running'))`;
