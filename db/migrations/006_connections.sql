-- Artists' connected accounts (Google Ads, Meta, Spotify), tokens sealed like fans'.
CREATE TABLE connections (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id         uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  provider           text NOT NULL CHECK (provider IN ('google', 'meta', 'spotify')),
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_reconnect', 'disconnected')),
  access_token_enc   text,
  refresh_token_enc  text,
  access_expires_at  timestamptz,
  scopes             text NOT NULL DEFAULT '',
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX connections_live ON connections(account_id, provider) WHERE status <> 'disconnected';

-- Sign-ins that connect an artist's account: they carry the account, not a campaign.
ALTER TABLE oauth_states ADD COLUMN account_id uuid REFERENCES accounts(id) ON DELETE CASCADE;
ALTER TABLE oauth_states DROP CONSTRAINT oauth_states_purpose_check;
ALTER TABLE oauth_states ADD CONSTRAINT oauth_states_purpose_check CHECK (purpose IN ('presave', 'deletion', 'connect:google', 'connect:meta', 'connect:spotify'));
