// Events with their dimensions (migration 008): what happened, to which campaign and fan, where the visit came from,
// and for listening events which track and when. Each is stored once: the dedupe key is unique and a repeated
// insert of the same key is a no-op, so retries never count twice. The one writer of events: the erasure and
// retention modules delete and anonymise through the functions at the end of this file.
import { type DatabaseTransactionConnection } from 'slonik';
import { type Channel } from '../lib/attribution/channel';
import { type DatabasePool, NO_ROWS, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;

export const EVENT_TYPES = [
  'PAGE_VIEW',
  'CLICK',
  'AUTH',
  'SAVE_TRACK',
  'FOLLOW_ARTIST',
  'STREAM',
  'EMAIL_SIGNUP',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EventDimensions {
  platform?: string | null;
  source?: string | null;
  medium?: string | null;
  utmCampaign?: string | null;
  channel?: Channel | null;
  referrerHost?: string | null;
  /** ISO 3166-1 alpha-2, upper case */
  country?: string | null;
  ipHash?: string | null;
  uaHash?: string | null;
}

export interface NewEvent extends EventDimensions {
  campaignId: string | null;
  fanId?: string | null;
  type: EventType;
  dedupeKey: string;
  /** default: now */
  occurredAt?: number;
  trackId?: string | null;
  playedAt?: number | null;
  properties?: Record<string, string | number | boolean | null>;
}

/** Inserts one event unless its dedupe key is stored already; true when it was new. */
export async function insertEvent(db: Db, event: NewEvent): Promise<boolean> {
  return (await insertEvents(db, [event])) === 1;
}

/** The events table's columns, in the order of eventRows. */
export const EVENT_COLUMNS = sql.fragment`(campaign_id, fan_id, type, dedupe_key, occurred_at, platform, source, medium,
  utm_campaign, channel, referrer_host, country, ip_hash, ua_hash, track_id, played_at, properties)`;

/**
 * `SELECT … FROM unnest(…) AS t`: the events as rows for `INSERT INTO events ${EVENT_COLUMNS}`, one parameter per
 * column whatever their number (so a statement built on it keeps one text, and can be prepared).
 */
export function eventRows(events: readonly NewEvent[]) {
  const col = <T>(pick: (e: NewEvent) => T) => events.map(pick);
  return sql.fragment`
    SELECT campaign_id, fan_id, type, dedupe_key, to_timestamp(occurred_ms / 1000.0), platform, source, medium,
           utm_campaign, channel, referrer_host, country, ip_hash, ua_hash, track_id,
           to_timestamp(played_ms / 1000.0), properties::jsonb
    FROM unnest(
      ${sql.array(
        col((e) => e.campaignId),
        'uuid',
      )},
      ${sql.array(
        col((e) => e.fanId ?? null),
        'uuid',
      )},
      ${sql.array(
        col((e) => e.type),
        'text',
      )},
      ${sql.array(
        col((e) => e.dedupeKey),
        'text',
      )},
      ${sql.array(
        col((e) => e.occurredAt ?? Date.now()),
        'float8',
      )},
      ${sql.array(
        col((e) => e.platform ?? null),
        'text',
      )},
      ${sql.array(
        col((e) => e.source ?? null),
        'text',
      )},
      ${sql.array(
        col((e) => e.medium ?? null),
        'text',
      )},
      ${sql.array(
        col((e) => e.utmCampaign ?? null),
        'text',
      )},
      ${sql.array(
        col((e) => e.channel ?? null),
        'text',
      )},
      ${sql.array(
        col((e) => e.referrerHost ?? null),
        'text',
      )},
      ${sql.array(
        col((e) => e.country ?? null),
        'text',
      )},
      ${sql.array(
        col((e) => e.ipHash ?? null),
        'text',
      )},
      ${sql.array(
        col((e) => e.uaHash ?? null),
        'text',
      )},
      ${sql.array(
        col((e) => e.trackId ?? null),
        'text',
      )},
      ${sql.array(
        col((e) => e.playedAt ?? null),
        'float8',
      )},
      ${sql.array(
        col((e) => JSON.stringify(e.properties ?? {})),
        'text',
      )}
    ) AS t(campaign_id, fan_id, type, dedupe_key, occurred_ms, platform, source, medium, utm_campaign, channel,
           referrer_host, country, ip_hash, ua_hash, track_id, played_ms, properties)
`;
}

/** Inserts many events in one statement; those whose dedupe key exists already are skipped. Returns how many were new. */
export async function insertEvents(db: Db, events: readonly NewEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const result = await db.query(sql.prepared('insert_events', NO_ROWS)`
    INSERT INTO events ${EVENT_COLUMNS}
    ${eventRows(events)}
    -- a fan or campaign deleted while its event waited in a buffer: drop the event, not the whole batch
    WHERE (t.fan_id IS NULL OR EXISTS (SELECT 1 FROM fans f WHERE f.id = t.fan_id))
      AND (t.campaign_id IS NULL OR EXISTS (SELECT 1 FROM campaigns c WHERE c.id = t.campaign_id))
    ON CONFLICT (dedupe_key) DO NOTHING`);
  return result.rowCount;
}

/** Every event of these fans (erasure, revocation): their engagement goes with them. Returns how many went. */
export async function deleteEventsOfFans(db: Db, fanIds: readonly string[]): Promise<number> {
  if (fanIds.length === 0) return 0;
  return (await db.query(sql.unsafe`DELETE FROM events WHERE fan_id = ANY(${sql.array([...fanIds], 'uuid')})`))
    .rowCount;
}

/** The sign-up events of the subscriptions under an e-mail address (keyed hash): they name the subscription. */
export async function deleteSignupEventsOfEmail(db: Db, emailHash: string): Promise<number> {
  const result = await db.query(sql.unsafe`
    DELETE FROM events WHERE type = 'EMAIL_SIGNUP'
      AND dedupe_key IN (SELECT 'EMAIL_SIGNUP:' || id FROM subscribers WHERE email_hash = ${emailHash})`);
  return result.rowCount;
}

/** Analytics older than the retention period keep their counts but lose the fan and the hashed client: anonymised, not deleted. */
export async function anonymiseEventsOlderThan(db: Db, days: number): Promise<number> {
  const result = await db.query(sql.unsafe`
    UPDATE events SET fan_id = NULL, ip_hash = NULL, ua_hash = NULL
    WHERE (fan_id IS NOT NULL OR ip_hash IS NOT NULL OR ua_hash IS NOT NULL) AND occurred_at < now() - ${days} * interval '1 day'`);
  return result.rowCount;
}
