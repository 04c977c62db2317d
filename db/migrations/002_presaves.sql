-- Release campaigns, fans, their tokens and pre-saves, and the events they produce.
CREATE TABLE campaigns (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id       uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  artist_id        uuid NOT NULL REFERENCES artists(id) ON DELETE CASCADE,
  title            text NOT NULL,
  upc              text,
  isrc             text,
  release_date     date NOT NULL,
  release_time     time NOT NULL DEFAULT '00:00',
  release_policy   text NOT NULL CHECK (release_policy IN ('local', 'global')),
  time_zone        text NOT NULL,
  follow_artist    boolean NOT NULL DEFAULT true,
  platforms        text[] NOT NULL DEFAULT '{spotify}',
  slug             text NOT NULL UNIQUE,
  status           text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'releasing', 'completed', 'cancelled')),
  resolution       text NOT NULL DEFAULT 'unresolved' CHECK (resolution IN ('unresolved', 'candidate', 'confirmed', 'live')),
  spotify_album_id text,
  spotify_artist_ids text[] NOT NULL DEFAULT '{}',
  artwork_url      text,
  alerted_at       timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (upc IS NOT NULL OR isrc IS NOT NULL)
);
CREATE INDEX campaigns_account ON campaigns(account_id, created_at);

-- A fan is one account at one provider, known by the provider's pseudonymous id (Spotify's account_id).
CREATE TABLE fans (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider          text NOT NULL,
  provider_user_id  text NOT NULL,
  time_zone         text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider, provider_user_id)
);

-- Tokens are AES-256-GCM ciphertexts bound to the fan's row (see lib/crypto/keyring.ts).
CREATE TABLE fan_tokens (
  fan_id              uuid PRIMARY KEY REFERENCES fans(id) ON DELETE CASCADE,
  access_token_enc    text NOT NULL,
  refresh_token_enc   text NOT NULL,
  access_expires_at   timestamptz NOT NULL,
  scopes              text NOT NULL,
  consented_at        timestamptz NOT NULL,
  refresh_expires_at  timestamptz NOT NULL,
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE presaves (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id   uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  fan_id        uuid NOT NULL REFERENCES fans(id) ON DELETE CASCADE,
  platform      text NOT NULL,
  due_at        timestamptz NOT NULL,
  state         text NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'running', 'done', 'failed', 'revoked', 'cancelled')),
  attempts      int NOT NULL DEFAULT 0,
  claim_token   text,
  lease_until   timestamptz,
  reason        text,
  last_error    text,
  executed_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (campaign_id, fan_id, platform)
);
CREATE INDEX presaves_due ON presaves(campaign_id, due_at) WHERE state IN ('pending', 'running');
CREATE INDEX presaves_listing ON presaves(campaign_id, created_at, id);

CREATE TABLE events (
  id           bigserial PRIMARY KEY,
  campaign_id  uuid REFERENCES campaigns(id) ON DELETE CASCADE,
  fan_id       uuid REFERENCES fans(id) ON DELETE SET NULL,
  type         text NOT NULL,
  dedupe_key   text NOT NULL UNIQUE,
  occurred_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_campaign ON events(campaign_id, type);

-- OAuth state: the signed value carries only the nonce; the PKCE verifier stays here, encrypted. Single use.
CREATE TABLE oauth_states (
  nonce         text PRIMARY KEY,
  campaign_id   uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  verifier_enc  text NOT NULL,
  time_zone     text,
  expires_at    timestamptz NOT NULL,
  used_at       timestamptz
);
CREATE INDEX oauth_states_expiry ON oauth_states(expires_at);

-- One row per provider app: a token bucket shared by every worker process, and a shared pause (429 / quota).
CREATE TABLE provider_rate_limits (
  provider      text PRIMARY KEY,
  tokens        double precision NOT NULL,
  refilled_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  paused_until  timestamptz,
  pause_reason  text
);
