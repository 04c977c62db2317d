-- OAuth states are sealed into the state parameter (api/oauth/state.ts): the flow's context and PKCE verifier travel
-- encrypted and signed, so a sign-in's start writes nothing. What must stay in the database is that a state was
-- used, so that none works twice: one row per use, kept until the state would have expired anyway.
-- A sign-in in flight while this runs comes back with a state of the old kind: its fan is asked to start again.
CREATE TABLE oauth_state_uses (
  nonce       text PRIMARY KEY,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX oauth_state_uses_expiry ON oauth_state_uses (expires_at);

DROP TABLE oauth_states;
