-- Shapes that several capabilities share: the dimensions of an event (attribution writes them, analytics reads
-- them, conversions mirror the first-party ones) and approved ad copy (the copy workflow writes it, ad campaigns
-- read it). Each capability adds what only it needs in a migration of its own.

-- Where a visit came from and what a listening event was about. Nothing here names a person: IP address and user
-- agent are kept only as keyed hashes (abuse detection), country as ISO 3166-1 alpha-2.
-- Types: PAGE_VIEW, CLICK, AUTH, SAVE_TRACK, FOLLOW_ARTIST, STREAM, EMAIL_SIGNUP.
ALTER TABLE events
  ADD COLUMN platform       text,
  ADD COLUMN source         text,
  ADD COLUMN medium         text,
  ADD COLUMN utm_campaign   text,
  ADD COLUMN channel        text CHECK (channel IN ('social', 'email', 'paid', 'search', 'referral', 'direct')),
  ADD COLUMN referrer_host  text,
  ADD COLUMN country        text CHECK (country ~ '^[A-Z]{2}$'),
  ADD COLUMN ip_hash        text,
  ADD COLUMN ua_hash        text,
  ADD COLUMN track_id       text,
  ADD COLUMN played_at      timestamptz,
  ADD COLUMN properties     jsonb NOT NULL DEFAULT '{}';
CREATE INDEX events_campaign_time ON events(campaign_id, occurred_at);

-- One request for copy (one adCopyWorkflow run) and the variants it produced. A variant with approved_at set is
-- what an ad campaign of that platform uses.
CREATE TABLE ad_copy_requests (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id  uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  platform     text NOT NULL CHECK (platform IN ('meta', 'google')),
  status       text NOT NULL DEFAULT 'generating'
               CHECK (status IN ('generating', 'awaiting_approval', 'approved', 'rejected', 'expired', 'failed')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  decided_at   timestamptz
);
CREATE INDEX ad_copy_requests_campaign ON ad_copy_requests(campaign_id, created_at);

CREATE TABLE ad_copy_variants (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id    uuid NOT NULL REFERENCES ad_copy_requests(id) ON DELETE CASCADE,
  campaign_id   uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  platform      text NOT NULL CHECK (platform IN ('meta', 'google')),
  position      int NOT NULL,
  headline      text NOT NULL,
  primary_text  text NOT NULL,
  description   text NOT NULL,
  source        text NOT NULL CHECK (source IN ('gemini', 'template')),
  approved_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (request_id, position)
);
CREATE INDEX ad_copy_variants_approved ON ad_copy_variants(campaign_id, platform, approved_at DESC) WHERE approved_at IS NOT NULL;
