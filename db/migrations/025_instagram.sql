-- Issue 17. Instagram for labels: connected professional accounts, release-day posts, and an inbox of comments and
-- messages that forgets them after 30 days (docs/instagram.md).

-- A label connects several Instagram professional accounts: one live connection per account and Instagram
-- account (external_account_id, the professional account id webhooks name), still one per other provider.
ALTER TABLE connections DROP CONSTRAINT connections_provider_check;
ALTER TABLE connections ADD CONSTRAINT connections_provider_check
  CHECK (provider IN ('google', 'meta', 'spotify', 'instagram'));
ALTER TABLE connections ADD COLUMN external_account_id text, ADD COLUMN display_name text;
DROP INDEX connections_live;
CREATE UNIQUE INDEX connections_live ON connections(account_id, provider, coalesce(external_account_id, ''))
  WHERE status <> 'disconnected';
CREATE INDEX connections_external ON connections(provider, external_account_id) WHERE external_account_id IS NOT NULL;

ALTER TABLE oauth_states DROP CONSTRAINT oauth_states_purpose_check;
ALTER TABLE oauth_states ADD CONSTRAINT oauth_states_purpose_check CHECK (purpose IN ('presave', 'deletion',
  'connect:google', 'connect:meta', 'connect:spotify', 'connect:instagram'));

-- One post per row, published by its instagramPostWorkflow at the release instant. media: public URLs only.
CREATE TABLE instagram_posts (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id           uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  campaign_id          uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  connection_id        uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  media                jsonb NOT NULL,
  caption              text NOT NULL,
  -- the keyword rule: a comment containing it gets one private reply with reply_text and the smart link
  keyword              text,
  reply_text           text,
  state                text NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'preparing', 'ready',
                         'waiting', 'published', 'failed', 'cancelled')),
  waiting_reason       text,
  container_id         text,
  container_created_at timestamptz,
  publish_started_at   timestamptz,
  media_id             text,
  permalink            text,
  published_at         timestamptz,
  error_code           text,
  error_message        text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX instagram_posts_campaign ON instagram_posts(campaign_id);
CREATE INDEX instagram_posts_media ON instagram_posts(connection_id, media_id) WHERE media_id IS NOT NULL;

-- Comments and messages from webhooks. Who wrote and what, sealed; stored once per Instagram id (Meta delivers
-- some twice); deleted 30 days after arrival and at once on disconnect. sender_hash (keyed) groups a conversation.
CREATE TABLE instagram_inbox (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id         uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  connection_id      uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  campaign_id        uuid REFERENCES campaigns(id) ON DELETE SET NULL,
  post_id            uuid REFERENCES instagram_posts(id) ON DELETE SET NULL,
  kind               text NOT NULL CHECK (kind IN ('comment', 'message')),
  external_id        text NOT NULL,
  media_id           text,
  parent_external_id text,
  sender_hash        text NOT NULL,
  sender_enc         text NOT NULL,
  username_enc       text,
  text_enc           text NOT NULL,
  sent_at            timestamptz NOT NULL,
  received_at        timestamptz NOT NULL DEFAULT now(),
  hidden             boolean NOT NULL DEFAULT false,
  replied_at         timestamptz,
  private_replied_at timestamptz,
  UNIQUE (connection_id, kind, external_id)
);
CREATE INDEX instagram_inbox_account ON instagram_inbox(account_id, received_at DESC);
CREATE INDEX instagram_inbox_received ON instagram_inbox(received_at);

-- What stays when the inbox forgets: counts per post and campaign, for analytics.
CREATE TABLE instagram_engagement_counts (
  connection_id uuid NOT NULL,
  campaign_id   uuid REFERENCES campaigns(id) ON DELETE CASCADE,
  post_id       uuid REFERENCES instagram_posts(id) ON DELETE CASCADE,
  account_id    uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('comment', 'message', 'private_reply')),
  count         bigint NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX instagram_engagement_counts_key ON instagram_engagement_counts(connection_id,
  coalesce(post_id, '00000000-0000-0000-0000-000000000000'), kind);

-- Keyword private replies are spaced per connection (Meta: at most 750 an hour): the next free instant.
CREATE TABLE instagram_reply_slots (
  connection_id uuid PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
  next_at       timestamptz NOT NULL
);
