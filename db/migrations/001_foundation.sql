-- Foundation: tenants, their keys, artists, the outbox and the audit log.
CREATE TABLE accounts (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  email       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('artist', 'ops')),
  key_hash    text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
CREATE INDEX api_keys_account ON api_keys(account_id);

CREATE TABLE artists (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id             uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name                   text NOT NULL,
  spotify_artist_id      text,
  apple_music_artist_id  text,
  created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX artists_account ON artists(account_id);

-- E-mails to send. Holds the recipient's account id, never the address: the sender resolves it at send time, so
-- deleting an account leaves no copy of the address behind.
CREATE TABLE outbox_emails (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  template    text NOT NULL,
  data        jsonb NOT NULL DEFAULT '{}',
  dedupe_key  text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  sent_at     timestamptz
);

CREATE TABLE notifications (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind        text NOT NULL,
  data        jsonb NOT NULL DEFAULT '{}',
  dedupe_key  text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  read_at     timestamptz
);

-- What was done and by whom, with ids only (no personal data), kept after deletions.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  account_id  uuid,
  actor       text NOT NULL,
  action      text NOT NULL,
  target      text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
