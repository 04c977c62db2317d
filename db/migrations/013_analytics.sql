-- What each event type is worth to a campaign, in points (whole numbers, not money). A type without a row here is
-- worth its default (db/event-values.ts, README "Analytics and dashboard"); PUT /v1/campaigns/:id/values writes
-- the campaign's full table.
CREATE TABLE campaign_event_values (
  campaign_id  uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  type         text NOT NULL
               CHECK (type IN ('PAGE_VIEW', 'CLICK', 'AUTH', 'SAVE_TRACK', 'FOLLOW_ARTIST', 'STREAM', 'EMAIL_SIGNUP')),
  points       int NOT NULL CHECK (points BETWEEN 0 AND 1000000),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, type)
);

-- Abuse rules read one campaign's events of one type (AUTH, STREAM) in time order.
CREATE INDEX events_campaign_type_time ON events(campaign_id, type, occurred_at);

-- The provider account's creation time, when an event carries one (properties.accountCreatedAt), is written by
-- other code: a malformed value must read as unknown, not fail every analytics query.
CREATE FUNCTION analytics_try_timestamptz(value text) RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN value::timestamptz;
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;
