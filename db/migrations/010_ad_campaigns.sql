-- Paid campaigns on Meta and Google Ads around a release (adCampaignWorkflow), the provider objects each one
-- created (one row per object, so a retried step finds what it already made and a failed run knows what to undo),
-- and the daily insights synced from the provider.
CREATE TABLE ad_campaigns (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id        uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  account_id         uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  connection_id      uuid REFERENCES connections(id) ON DELETE SET NULL,
  platform           text NOT NULL CHECK (platform IN ('meta', 'google')),
  -- Meta: the ad account id (digits, without act_) and the Facebook page the ad runs as.
  -- Google: the customer id (10 digits), the manager id sent as login-customer-id, and the YouTube video.
  ad_account_id      text NOT NULL CHECK (ad_account_id ~ '^[0-9]{1,20}$'),
  login_customer_id  text CHECK (login_customer_id ~ '^[0-9]{10}$'),
  page_id            text,
  youtube_video_id   text,
  objective          text NOT NULL,
  budget_minor       bigint NOT NULL CHECK (budget_minor > 0),
  currency           text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  countries          text[] NOT NULL,
  start_at           timestamptz,          -- NULL: the campaign's release instant
  end_at             timestamptz NOT NULL,
  copy_variant_id    uuid NOT NULL REFERENCES ad_copy_variants(id),
  landing_url        text NOT NULL,
  state              text NOT NULL DEFAULT 'creating'
                     CHECK (state IN ('creating', 'scheduled', 'active', 'ended', 'failed', 'cancelled')),
  last_error         jsonb,                -- {code, message, step?}: message is what the provider told the artist
  launched_at        timestamptz,
  ended_at           timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ad_campaigns_campaign ON ad_campaigns(campaign_id, created_at);
CREATE INDEX ad_campaigns_syncing ON ad_campaigns(state) WHERE launched_at IS NOT NULL;

-- Meta: campaign, adset, creative, ad (numeric ids). Google: budget, campaign, targeting (the campaign's location
-- criteria, comma-separated), ad_group, ad (resource names).
CREATE TABLE ad_objects (
  ad_campaign_id  uuid NOT NULL REFERENCES ad_campaigns(id) ON DELETE CASCADE,
  step            text NOT NULL CHECK (step IN ('campaign', 'adset', 'creative', 'ad', 'budget', 'targeting', 'ad_group')),
  provider_id     text NOT NULL,
  status          text NOT NULL DEFAULT 'PAUSED',
  created_at      timestamptz NOT NULL DEFAULT now(),
  removed_at      timestamptz,
  PRIMARY KEY (ad_campaign_id, step)
);

CREATE TABLE ad_insights (
  ad_campaign_id  uuid NOT NULL REFERENCES ad_campaigns(id) ON DELETE CASCADE,
  date            date NOT NULL,
  spend_minor     bigint NOT NULL CHECK (spend_minor >= 0),
  impressions     bigint NOT NULL CHECK (impressions >= 0),
  clicks          bigint NOT NULL CHECK (clicks >= 0),
  conversions     bigint NOT NULL CHECK (conversions >= 0),
  synced_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ad_campaign_id, date)
);
