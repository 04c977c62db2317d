-- Issue 18, second half of the artist app.
--
-- "Sign in with Google" (api/oauth/google-sign-in.ts): a member may be linked to one Google account, found by the
-- keyed lookup hash of Google's subject id (never the id itself), and the sign-in's OAuth state has its own purpose.
ALTER TABLE members ADD COLUMN google_sub_lookup text UNIQUE;
ALTER TABLE oauth_states DROP CONSTRAINT oauth_states_purpose_check;
ALTER TABLE oauth_states ADD CONSTRAINT oauth_states_purpose_check CHECK (purpose IN ('presave', 'deletion',
  'connect:google', 'connect:meta', 'connect:spotify', 'connect:instagram', 'sign-in:google'));
-- A member's address counts as verified once the account's (the owner signed up with it) or a mailed link proved it;
-- sign-in with a password now needs it, so owners of accounts verified before this migration keep signing in.
UPDATE members m SET email_verified_at = a.email_verified_at
FROM accounts a
WHERE m.account_id = a.id AND m.role = 'owner' AND m.email_verified_at IS NULL AND a.email_verified_at IS NOT NULL;

-- Artwork dropday serves itself (api/routes/artwork.ts): an artist's upload for a release no catalogue shows yet, or
-- a copy of the catalogue's cover (in sandbox mode the Spotify simulator's host is not one a browser can reach).
-- Kept in PostgreSQL, not a directory: a few hundred kilobytes per release, in the same backups and transactions as
-- the campaign, seen by every API replica without a shared volume; a CDN in front of /artwork takes the reads.
CREATE TABLE artwork_images (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- the uploading account; null for a copy of catalogue artwork (public anyway)
  account_id    uuid REFERENCES accounts(id) ON DELETE CASCADE,
  -- 'upload:<sha256>' or 'catalogue:<sha256 of the URL>', one row per source
  source_key    text NOT NULL,
  content_type  text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
  width         int NOT NULL,
  height        int NOT NULL,
  bytes         bytea NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_key, account_id)
);
CREATE UNIQUE INDEX artwork_images_catalogue ON artwork_images(source_key) WHERE account_id IS NULL;

-- Each size a page shows, made once (JPEG) and kept: the serving path is one indexed read.
CREATE TABLE artwork_renditions (
  artwork_id  uuid NOT NULL REFERENCES artwork_images(id) ON DELETE CASCADE,
  size        int NOT NULL,
  bytes       bytea NOT NULL,
  etag        text NOT NULL,
  PRIMARY KEY (artwork_id, size)
);

ALTER TABLE campaigns ADD COLUMN artwork_upload_id uuid REFERENCES artwork_images(id) ON DELETE SET NULL;
