// What each event type is worth to a campaign, in points. A campaign without its own row for a type uses the
// default below (documented in the README).
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { EVENT_TYPES, type EventType } from './events';
import { type DatabasePool, sql } from './pool';

// The types are the events table's (db/events.ts), re-exported for the readers that import them from here.
export { EVENT_TYPES, type EventType };

type Db = DatabasePool | DatabaseTransactionConnection;

export type EventValues = Record<EventType, number>;

export const DEFAULT_EVENT_VALUES: Readonly<EventValues> = Object.freeze({
  PAGE_VIEW: 0,
  CLICK: 1,
  AUTH: 5,
  SAVE_TRACK: 20,
  FOLLOW_ARTIST: 15,
  STREAM: 2,
  EMAIL_SIGNUP: 10,
});

export async function eventValues(db: Db, campaignId: string): Promise<EventValues> {
  const rows = await db.any(sql.type(z.object({ type: z.enum(EVENT_TYPES), points: z.number() }))`
    SELECT type, points FROM campaign_event_values WHERE campaign_id = ${campaignId}`);
  const values: EventValues = { ...DEFAULT_EVENT_VALUES };
  for (const row of rows) values[row.type] = row.points;
  return values;
}

/** Replaces the campaign's whole table: a type not given goes back to its default. */
export async function replaceEventValues(db: Db, campaignId: string, given: Partial<EventValues>): Promise<void> {
  const values: EventValues = { ...DEFAULT_EVENT_VALUES, ...given };
  await db.query(sql.unsafe`
    INSERT INTO campaign_event_values (campaign_id, type, points)
    SELECT ${campaignId}, t.type, t.points
    FROM unnest(${sql.array([...EVENT_TYPES], 'text')}::text[], ${sql.array(
      EVENT_TYPES.map((t) => values[t]),
      'int4',
    )}::int[]) AS t(type, points)
    ON CONFLICT (campaign_id, type) DO UPDATE SET points = EXCLUDED.points, updated_at = now()`);
}
