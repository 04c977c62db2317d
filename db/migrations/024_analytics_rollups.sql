-- Issue 15: analytics at a superstar's scale. GET /v1/campaigns/:id/analytics reads these rollups instead of
-- computing every flag and total from `events` per request (db/analytics-rollup.ts writes them, the
-- `analytics-rollup` Schedule keeps them current, docs/analytics.md states the freshness bound). Everything here is
-- derived from `events`: dropping it and rolling up again gives the same answer.

-- Per campaign: every event with id <= events_through is in the rollup, its abuse flags settled under `rules`.
-- `stale`: events were deleted or changed (erasure, anonymisation), which may clear flags: rebuild from scratch.
-- `delivery`: the pre-save side (delivered, streamed, by zone, by wave) as of `rolled_at` (db/analytics-delivery.ts);
-- `delivery_open`: pre-saves were still pending then, so the next round takes it again.
CREATE TABLE analytics_rollups (
  campaign_id     uuid PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
  events_through  bigint NOT NULL DEFAULT 0,
  rules           jsonb,
  stale           boolean NOT NULL DEFAULT false,
  delivery        jsonb,
  delivery_open   boolean NOT NULL DEFAULT false,
  rolled_at       timestamptz NOT NULL DEFAULT now()
);

-- How far the rollup has scanned `events` for campaigns with new events (one row).
CREATE TABLE analytics_rollup_cursor (
  singleton        boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  scanned_through  bigint NOT NULL DEFAULT 0
);
INSERT INTO analytics_rollup_cursor DEFAULT VALUES;

-- Settled abuse flags: one row per flagged event and reason (the rules of db/analytics.ts), with the event's type
-- and instant for the listing. No foreign key to events: a deleted event marks the rollup stale instead.
CREATE TABLE analytics_event_flags (
  event_id     bigint NOT NULL,
  reason       text NOT NULL,
  campaign_id  uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  detail       text NOT NULL,
  type         text NOT NULL,
  at           timestamptz NOT NULL,
  PRIMARY KEY (event_id, reason)
);
CREATE INDEX analytics_event_flags_campaign ON analytics_event_flags (campaign_id, at DESC, event_id DESC);

-- Unflagged events per UTC hour and type (counts, value, series, funnel views and clicks).
CREATE TABLE analytics_hourly (
  campaign_id  uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  hour         timestamptz NOT NULL,
  type         text NOT NULL,
  n            bigint NOT NULL,
  PRIMARY KEY (campaign_id, hour, type)
);

-- Unflagged events per source and type.
CREATE TABLE analytics_sources (
  campaign_id  uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  channel      text,
  source       text,
  medium       text,
  type         text NOT NULL,
  n            bigint NOT NULL,
  CONSTRAINT analytics_sources_key UNIQUE NULLS NOT DISTINCT (campaign_id, channel, source, medium, type)
);

-- Per fan: unflagged authorisations, and whether one of the fan's authorisations is flagged (which flags the fan's
-- other events). fan_id NULL: authorisations without a fan, each counted on its own.
CREATE TABLE analytics_fans (
  campaign_id  uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  fan_id       uuid,
  clean_auths  int NOT NULL DEFAULT 0,
  flagged      boolean NOT NULL DEFAULT false,
  CONSTRAINT analytics_fans_key UNIQUE NULLS NOT DISTINCT (campaign_id, fan_id)
);

-- Unflagged events whose instant is not on the events' own time index: those with played_at (`played`, for a
-- series range that starts or ends inside an hour) and fans' plays (`streamed` in the funnel).
CREATE TABLE analytics_plays (
  event_id     bigint PRIMARY KEY,
  campaign_id  uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  fan_id       uuid,
  type         text NOT NULL,
  at           timestamptz NOT NULL,
  played       boolean NOT NULL
);
CREATE INDEX analytics_plays_played ON analytics_plays (campaign_id, at) WHERE played;
CREATE INDEX analytics_plays_fan ON analytics_plays (campaign_id, fan_id, at) WHERE type = 'STREAM';

-- Inserts only add flags (more authorisations in a window, a closer play), which the rollup settles incrementally;
-- a delete or an update can take flags away, so it marks the campaign's rollup for a rebuild. Statement-level, and
-- none on INSERT: the write path pays nothing.
CREATE FUNCTION analytics_events_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE analytics_rollups SET stale = true
  WHERE NOT stale AND campaign_id IN (SELECT DISTINCT campaign_id FROM changed WHERE campaign_id IS NOT NULL);
  RETURN NULL;
END $$;
CREATE TRIGGER analytics_events_deleted AFTER DELETE ON events
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION analytics_events_changed();
CREATE TRIGGER analytics_events_updated AFTER UPDATE ON events
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION analytics_events_changed();
