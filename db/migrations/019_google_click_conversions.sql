-- Google Ads offline click conversions, and sign-ups that count only once confirmed.

-- Where an artist's Google Ads conversions go: the customer account (and the manager it is reached through), and
-- the conversion action the artist created there for imported clicks. The token is the account's Google connection.
CREATE TABLE google_conversion_actions (
  artist_id          uuid PRIMARY KEY REFERENCES artists(id) ON DELETE CASCADE,
  customer_id        text NOT NULL CHECK (customer_id ~ '^[0-9]{10}$'),
  login_customer_id  text CHECK (login_customer_id ~ '^[0-9]{10}$'),
  conversion_action  text NOT NULL CHECK (conversion_action ~ '^customers/[0-9]{10}/conversionActions/[0-9]{1,20}$'),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

-- The Google conversions outbox: a pre-save or a confirmed sign-up of a fan who arrived from a Google ad (gclid)
-- and allowed ad measurement. The gclid is a key-ring ciphertext, cleared once the row is sent, failed or dropped.
-- 'held': a sign-up waiting for its confirmation (double opt-in); it becomes 'pending' when confirmed.
CREATE TABLE google_click_conversions (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  artist_id         uuid NOT NULL REFERENCES artists(id) ON DELETE CASCADE,
  campaign_id       uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  fan_id            uuid REFERENCES fans(id) ON DELETE CASCADE,
  subscriber_id     uuid REFERENCES subscribers(id) ON DELETE CASCADE,
  dedupe_key        text NOT NULL,
  gclid_enc         text,
  conversion_time   timestamptz,
  status            text NOT NULL CHECK (status IN ('held', 'pending', 'sent', 'failed', 'dropped')),
  attempts          int NOT NULL DEFAULT 0,
  not_before        timestamptz NOT NULL DEFAULT now(),
  last_error        text,
  reason            text,
  sent_at           timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (artist_id, dedupe_key)
);
CREATE INDEX google_click_conversions_pending ON google_click_conversions(artist_id, conversion_time)
  WHERE status = 'pending';
CREATE INDEX google_click_conversions_subscriber ON google_click_conversions(subscriber_id) WHERE status = 'held';

-- Meta's CompleteRegistration of a sign-up is held the same way until the subscriber confirms.
ALTER TABLE conversion_events DROP CONSTRAINT conversion_events_status_check;
ALTER TABLE conversion_events ADD CONSTRAINT conversion_events_status_check
  CHECK (status IN ('held', 'pending', 'sent', 'dropped', 'failed'));
CREATE INDEX conversion_events_held ON conversion_events(subscriber_id) WHERE status = 'held';

-- Where a sign-up came from (the form post's UTM tags, referrer host, country and keyed client hashes), kept until
-- the subscriber confirms: the EMAIL_SIGNUP event is recorded then, with these dimensions, and they are cleared.
ALTER TABLE subscribers ADD COLUMN signup_dimensions jsonb;
