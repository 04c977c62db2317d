-- Conversions: an artist's Meta pixel, and the first-party events (page views, pre-save completions, sign-ups)
-- waiting to be sent to Meta's Conversions API with the same event_id the browser pixel used.

-- One pixel per artist. The Conversions API access token (a dataset / system-user token from Events Manager) is a
-- key-ring ciphertext; without one, the account's Meta connection token is used.
CREATE TABLE meta_pixels (
  artist_id         uuid PRIMARY KEY REFERENCES artists(id) ON DELETE CASCADE,
  pixel_id          text NOT NULL CHECK (pixel_id ~ '^[0-9]{5,20}$'),
  access_token_enc  text,
  test_event_code   text,
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- The conversions outbox. user_data_enc holds the CAPI user_data as sent (e-mail and phone already SHA-256
-- hashed; fbc, fbp, IP address and user agent as they are), sealed with the key ring; it is cleared once the event
-- is sent or dropped, so only the delivery record stays. A fan's or subscriber's deletion removes their rows.
CREATE TABLE conversion_events (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  artist_id         uuid NOT NULL REFERENCES artists(id) ON DELETE CASCADE,
  campaign_id       uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  fan_id            uuid REFERENCES fans(id) ON DELETE CASCADE,
  subscriber_id     uuid REFERENCES subscribers(id) ON DELETE CASCADE,
  pixel_id          text NOT NULL,
  event_name        text NOT NULL CHECK (event_name IN ('PageView', 'Lead', 'CompleteRegistration')),
  event_id          text NOT NULL,
  event_time        timestamptz NOT NULL,
  event_source_url  text NOT NULL,
  user_data_enc     text,
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dropped', 'failed')),
  attempts          int NOT NULL DEFAULT 0,
  last_error        text,
  reason            text,
  fbtrace_id        text,
  sent_at           timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  -- Meta deduplicates on event_name + event_id; so do we, so a reload or a retried request queues one event.
  UNIQUE (pixel_id, event_name, event_id)
);
CREATE INDEX conversion_events_pending ON conversion_events(artist_id, event_time) WHERE status = 'pending';
CREATE INDEX conversion_events_campaign ON conversion_events(campaign_id, created_at);
